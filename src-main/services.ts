import type { About, HostKind } from '../src-shared/contract';
import type { CallHandlers } from './dispatch';
import { EventBus } from './events';
import { resolveDirs, type ResolvedDirs } from './platform/paths';
import { appPackage } from './platform/app-root';
import { onnxruntimeVersion } from './platform/versions';
import { createStudyService, type StudyService } from './studies/study-service';
import { createViewerService, type ViewerService } from './viewer/viewer-service';
import { createImportService, type ImportService } from './studies/import/import-service';

export interface ServicesConfig {
  host: HostKind;
  cacheDir?: string;
  modelDirs?: string[];
  userDataDir?: string;
  /** Electron passes its own runtime versions; the web host has none. */
  runtimeVersions?: { electron: string; chrome: string };
}

export interface Services {
  readonly dirs: ResolvedDirs;
  readonly events: EventBus;
  readonly studies: StudyService;
  readonly viewer: ViewerService;
  readonly imports: ImportService;
  readonly handlers: CallHandlers;
  close(): Promise<void>;
}

/**
 * The one place services are built and wired together. Both hosts and the CLI call
 * this, so they all run the same code against the same cache.
 */
export function createServices(config: ServicesConfig): Services {
  const dirs = resolveDirs(config);
  const events = new EventBus();
  const studies = createStudyService(dirs.cacheDir);
  const viewer = createViewerService(dirs.cacheDir);
  const imports = createImportService(dirs.cacheDir, events);
  const pkg = appPackage();

  const about = (): About => ({
    appName: pkg.productName,
    appVersion: pkg.version,
    host: config.host,
    electronVersion: config.runtimeVersions?.electron ?? null,
    chromeVersion: config.runtimeVersions?.chrome ?? null,
    nodeVersion: process.versions.node,
    onnxruntimeVersion: onnxruntimeVersion(),
    platform: process.platform,
    arch: process.arch,
  });

  const handlers: CallHandlers = {
    'app.about': () => about(),
    'app.ping': (request) => ({ sentAt: request.sentAt, answeredAt: Date.now() }),
    'studies.list': (request) => ({ studies: studies.list(request) }),
    'viewer.study': (request) => viewer.study(request.studyInstanceUid),
    'viewer.measurements.list': (request) => ({ measurements: viewer.measurements(request.studyInstanceUid) }),
    'viewer.measurements.save': (request) => ({ saved: viewer.saveMeasurements(request.studyInstanceUid, request.measurements) }),
    'studies.series': (request) => ({ series: studies.series(request.studyInstanceUid) }),
    'studies.instances': (request) => studies.instances(request.seriesInstanceUid),
    'studies.tags': (request) => studies.tags(request.sopInstanceUid),
    'studies.thumbnail': (request) => studies.thumbnail(request.seriesInstanceUid),
    'studies.delete': (request) => {
      const deletion = studies.delete(request.studyInstanceUid);
      events.emit('studies.changed', { studyInstanceUids: [request.studyInstanceUid] });
      return deletion;
    },
    'imports.start': (request) => imports.start(request),
    'imports.cancel': (request) => imports.cancel(request.importId),
  };

  return {
    dirs,
    events,
    studies,
    viewer,
    imports,
    handlers,
    close: async () => {
      await imports.close();
      viewer.close();
      studies.close();
    },
  };
}
