import fs from 'node:fs/promises';
import path from 'node:path';
import { ServiceError } from '../../../src-shared/contract/errors';
import type { BundleSummary, TaskSummary } from '../../../src-shared/contract/inference';
import { bundleManifestSchema, type BundleManifest, type BundleTask, type ImageToImageTask } from '../../../src-shared/inference/manifest';
import type { BundleVerifier } from './bundle-verification';

export type BundleOrigin = BundleSummary['origin'];

export interface ModelSource {
  dir: string;
  origin: BundleOrigin;
}

export interface LoadedBundle {
  summary: BundleSummary;
  /** Present when manifest.json parsed; the bundle may still be invalid (files). */
  manifest?: BundleManifest;
  dir: string;
}

/** Task kinds the app runs: images and closed questions in the inference worker, vlm-generate in the VLM service. */
const runnableKinds = new Set<BundleTask['kind']>(['image-to-image', 'vqa-closed', 'vlm-generate']);
export type RunnableTaskKind = 'image-to-image' | 'vqa-closed' | 'vlm-generate';

/** Problems a schema cannot see: references to files the manifest does not list, repeated task IDs. */
function consistencyProblems(manifest: BundleManifest): string[] {
  const listed = new Set(manifest.files.map((file) => file.path));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const task of manifest.tasks) {
    if (seen.has(task.id)) problems.push(`task ${task.id} is declared twice`);
    seen.add(task.id);
    const referenced = [
      ...task.graphs,
      ...(task.kind === 'vqa-closed' ? [task.vqa.answersFile, task.vqa.questionVocabularyFile] : []),
      ...(task.kind === 'vlm-generate' ? [task.generation.tokenizer.file] : []),
    ];
    for (const file of referenced) if (!listed.has(file)) problems.push(`task ${task.id} uses ${file}, which the manifest's files do not list (so it cannot be verified)`);
  }
  return problems;
}

function summarizeTask(task: BundleTask, bundleValid: boolean): TaskSummary {
  const base = { id: task.id, label: task.label, kind: task.kind, modalities: task.accepts.modalities };
  if (!bundleValid) return { ...base, runnable: false, reason: 'the bundle is invalid' };
  if (task.availability.status === 'needs-model') return { ...base, runnable: false, reason: task.availability.reason };
  if (!runnableKinds.has(task.kind)) return { ...base, runnable: false, reason: `${task.kind} tasks are not run by this version of Radstation` };
  return { ...base, runnable: true };
}

async function bundleDirsIn(source: ModelSource): Promise<string[]> {
  // A folder that is itself a bundle (--models path/to/bundle) counts as one.
  try {
    await fs.access(path.join(source.dir, 'manifest.json'));
    return [source.dir];
  } catch {
    // not a bundle itself: look one level down
  }
  try {
    const entries = await fs.readdir(source.dir, { withFileTypes: true });
    const dirs: string[] = [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const dir = path.join(source.dir, entry.name);
      try {
        await fs.access(path.join(dir, 'manifest.json'));
        dirs.push(dir);
      } catch {
        // a folder without a manifest is not a bundle (a model card's images, say)
      }
    }
    return dirs;
  } catch {
    return [];
  }
}

async function loadBundle(dir: string, origin: BundleOrigin, verifier: BundleVerifier): Promise<LoadedBundle> {
  const fallbackId = path.basename(dir);
  const invalid = (problems: string[]): LoadedBundle => ({
    dir,
    summary: { id: fallbackId, name: fallbackId, version: '', license: '', origin, valid: false, problems, tasks: [] },
  });
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    return invalid([`manifest.json cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const parsed = bundleManifestSchema.safeParse(raw);
  if (!parsed.success) {
    return invalid(parsed.error.issues.slice(0, 10).map((issue) => `manifest.json: ${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  const manifest = parsed.data;
  const problems = [...consistencyProblems(manifest), ...(await verifier.verify(dir, manifest))];
  const valid = problems.length === 0;
  return {
    dir,
    manifest,
    summary: {
      id: manifest.id,
      name: manifest.name,
      version: manifest.version,
      license: manifest.license,
      origin,
      valid,
      problems,
      tasks: manifest.tasks.map((task) => summarizeTask(task, valid)),
    },
  };
}

/**
 * Model bundles from the shipped, user and extra folders, in that order. Each listing
 * re-reads the manifests (cheap) and re-checks files (hashes only when a file changed),
 * so a bundle altered while the app runs is refused at its next use.
 */
export class BundleRegistry {
  constructor(
    private readonly sources: readonly ModelSource[],
    private readonly verifier: BundleVerifier,
  ) {}

  async list(): Promise<LoadedBundle[]> {
    const bundles: LoadedBundle[] = [];
    const seenDirs = new Set<string>();
    const byId = new Map<string, LoadedBundle>();
    for (const source of this.sources) {
      for (const dir of await bundleDirsIn(source)) {
        if (seenDirs.has(dir)) continue;
        seenDirs.add(dir);
        const bundle = await loadBundle(dir, source.origin, this.verifier);
        const earlier = byId.get(bundle.summary.id);
        if (earlier && earlier.summary.valid && bundle.summary.valid) {
          // Two valid bundles with one ID would make --bundle ambiguous: the first found wins.
          bundle.summary.valid = false;
          bundle.summary.problems.push(`bundle ID ${bundle.summary.id} is already provided by the ${earlier.summary.origin} bundle in the folder ${path.basename(earlier.dir)}`);
          bundle.summary.tasks = bundle.summary.tasks.map((task) => ({ ...task, runnable: false, reason: 'shadowed by another bundle with the same ID' }));
        } else if (bundle.summary.valid) {
          byId.set(bundle.summary.id, bundle);
        }
        bundles.push(bundle);
      }
    }
    return bundles;
  }

  /** The bundle and image task to run, or a ServiceError saying plainly why not. */
  async resolveTask<Kind extends RunnableTaskKind = 'image-to-image'>(
    taskId: string,
    bundleId?: string,
    kind?: Kind,
  ): Promise<{ bundle: LoadedBundle & { manifest: BundleManifest }; task: Extract<BundleTask, { kind: Kind }> }> {
    const wantedKind: RunnableTaskKind = kind ?? 'image-to-image';
    const bundles = (await this.list()).filter((bundle) => bundleId === undefined || bundle.summary.id === bundleId);
    if (bundleId !== undefined && bundles.length === 0) throw new ServiceError('not-found', `There is no model bundle "${bundleId}".`);
    const offering = bundles.filter((bundle) => bundle.manifest?.tasks.some((task) => task.id === taskId));
    if (offering.length === 0) throw new ServiceError('not-found', `No model bundle${bundleId ? ` "${bundleId}"` : ''} offers the task "${taskId}".`);
    const reasons: string[] = [];
    for (const bundle of offering) {
      const summary = bundle.summary.tasks.find((task) => task.id === taskId);
      const task = bundle.manifest?.tasks.find((candidate) => candidate.id === taskId);
      if (bundle.manifest && summary?.runnable && task?.kind === wantedKind) {
        return { bundle: { ...bundle, manifest: bundle.manifest }, task: task as Extract<BundleTask, { kind: Kind }> };
      }
      if (task && task.kind !== wantedKind) {
        reasons.push(`${bundle.summary.id}: "${taskId}" is a ${task.kind} task, not ${wantedKind}`);
        continue;
      }
      const why = bundle.summary.valid ? (summary?.reason ?? 'not runnable') : bundle.summary.problems.join('; ');
      reasons.push(`${bundle.summary.id} (${bundle.dir}): ${why}`);
    }
    throw new ServiceError('unavailable', `Task "${taskId}" cannot run: ${reasons.join(' | ')}`);
  }
}
