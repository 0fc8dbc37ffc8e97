import path from 'node:path';
import type Database from 'better-sqlite3';
import type { ProviderChoice } from '../../src-shared/contract/inference';
import { providerChoices } from '../../src-shared/contract/inference';
import type { EventBus } from '../events';
import { shippedModelsDir } from '../platform/app-root';
import type { ResolvedDirs } from '../platform/paths';
import { serviceConnection } from '../studies/cache/database';
import type { ModelSource } from './bundles/bundle-registry';
import { createInferenceService, type InferenceService } from './inference-service';
import { cacheSeriesSource } from './series-source';

/**
 * The setting: RADSTATION_PROVIDER forces a provider for every 'auto' request. A wrong
 * value is reported and ignored rather than stopping the app from starting.
 */
export function providerSettingFromEnv(env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = console.error): ProviderChoice | undefined {
  const value = env.RADSTATION_PROVIDER;
  if (value === undefined || value === '') return undefined;
  if ((providerChoices as readonly string[]).includes(value)) return value as ProviderChoice;
  warn(`[radstation] RADSTATION_PROVIDER must be one of ${providerChoices.join(', ')}, not "${value}"; using auto.`);
  return undefined;
}

/** Bundle folders in search order: shipped with the app, the user's, then --models and RADSTATION_MODELS. */
export function modelSourcesFor(dirs: ResolvedDirs, resourcesPath = (process as { resourcesPath?: string }).resourcesPath): ModelSource[] {
  // A packaged app ships models/ as an extra resource beside app.asar (electron-builder.yml),
  // not inside it where shippedModelsDir() looks; both are searched, a missing one is skipped.
  const packaged = resourcesPath ? [{ dir: path.join(resourcesPath, 'models'), origin: 'shipped' as const }] : [];
  return [
    ...packaged,
    { dir: shippedModelsDir(), origin: 'shipped' },
    { dir: path.join(dirs.userDataDir, 'models'), origin: 'user' },
    ...dirs.extraModelDirs.map((dir) => ({ dir, origin: 'extra' as const })),
  ];
}

export function verificationStorePath(dirs: ResolvedDirs): string {
  return path.join(dirs.userDataDir, 'bundle-verification.json');
}

/**
 * The inference service as the app runs it: bundles from the shipped, user and extra
 * folders; pixels from the study cache; derived series written under the cache and
 * added to it through the import service, like any other files.
 */
export function createAppInference(options: {
  dirs: ResolvedDirs;
  events: EventBus;
  provider?: ProviderChoice;
  importDerivedSeries: (files: string[]) => Promise<string[]>;
  /** The main thread's shared cache connection; the service opens its own without one. */
  db?: Database.Database;
}): InferenceService & { closeAll(): Promise<void> } {
  const { db, release } = serviceConnection(options.dirs.cacheDir, options.db);
  const providerSetting = options.provider ?? providerSettingFromEnv();
  const service = createInferenceService({
    modelSources: modelSourcesFor(options.dirs),
    verificationStorePath: verificationStorePath(options.dirs),
    seriesSource: cacheSeriesSource(db),
    derivedRoot: path.join(options.dirs.cacheDir, 'derived'),
    importDerivedSeries: options.importDerivedSeries,
    emit: (name, payload) => options.events.emit(name, payload),
    ...(providerSetting ? { providerSetting } : {}),
  });
  return Object.assign(service, {
    async closeAll() {
      await service.close();
      release();
    },
  });
}
