import type { About, HostKind } from '../src-shared/contract';
import type { CallHandlers } from './dispatch';
import { EventBus } from './events';
import { resolveDirs, type ResolvedDirs } from './platform/paths';
import { appPackage } from './platform/app-root';
import { onnxruntimeVersion } from './platform/versions';
import { createStudyService, type StudyService } from './studies/study-service';
import { createViewerService, type ViewerService } from './viewer/viewer-service';
import { adoptFiles } from './studies/import/adopt-files';
import { createImportService, type ImportService } from './studies/import/import-service';
import type { ProviderChoice } from '../src-shared/contract/inference';
import { createAppInference, providerSettingFromEnv } from './inference/inference-wiring';
import { openCacheDatabase } from './studies/cache/database';
import { createReportService } from './reports/report-service';
import { createVlmService } from './inference/vlm/vlm-service';
import { createQaService, type QaService } from './inference/qa/qa-service';
import { instanceFilePath } from './studies/cache/study-queries';
import { createNetworkService, type NetworkService } from './network/network-service';
import { createDeidentifyService } from './deid/deidentify-service';
import { ServiceError, teachingCalls } from '../src-shared/contract';

type TeachingCallName = keyof typeof teachingCalls;
/** Teaching sessions are being built (issue #18); until then every teaching call says so plainly. */
const teachingHandlersPending = Object.fromEntries(
  (Object.keys(teachingCalls) as TeachingCallName[]).map((name) => [
    name,
    () => {
      throw new ServiceError('unavailable', 'Teaching sessions are not available in this build yet.');
    },
  ]),
) as unknown as Pick<CallHandlers, TeachingCallName>;

export interface ServicesConfig {
  host: HostKind;
  cacheDir?: string;
  modelDirs?: string[];
  userDataDir?: string;
  /** Electron passes its own runtime versions; the web host has none. */
  runtimeVersions?: { electron: string; chrome: string };
  /** Forces an execution provider for inference (--provider); RADSTATION_PROVIDER otherwise. */
  provider?: ProviderChoice;
}

export interface Services {
  readonly dirs: ResolvedDirs;
  readonly events: EventBus;
  readonly studies: StudyService;
  readonly viewer: ViewerService;
  readonly imports: ImportService;
  readonly inference: ReturnType<typeof createAppInference>;
  /** The one question route (header, compact model, full model) for the Report Q&A panel and `radstation qa`. */
  readonly qa: QaService;
  readonly network: NetworkService;
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
  // One connection on the main thread, opened and migrated once, handed to every service that
  // reads or writes the cache here; import and inference workers keep their own, as SQLite requires.
  const db = openCacheDatabase(dirs.cacheDir);
  const studies = createStudyService(dirs.cacheDir, db);
  const viewer = createViewerService(dirs.cacheDir, db);
  const imports = createImportService(dirs.cacheDir, events);
  // One provider setting for the image tasks and the VLM: --provider, else RADSTATION_PROVIDER, else auto.
  const providerSetting = config.provider ?? providerSettingFromEnv();
  const inference = createAppInference({
    dirs,
    events,
    ...(providerSetting ? { provider: providerSetting } : {}),
    // Derived series (AI results) enter the cache through the same import path as any file,
    // so they get checksums and search like every other series, and are then owned by the
    // cache's store: deleting the study removes them.
    importDerivedSeries: (files) => adoptFiles(imports, dirs.cacheDir, files),
    db,
  });
  const reports = createReportService(db, imports);
  const qa = createQaService({ inference, instanceContext: (sopInstanceUid) => reports.instanceContext(sopInstanceUid) });
  const vlm = createVlmService({
    bundles: inference,
    instanceFile: (sopInstanceUid) => instanceFilePath(db, sopInstanceUid),
    emit: (name, payload) => events.emit(name, payload),
    ...(providerSetting ? { providerSetting } : {}),
  });
  const network = createNetworkService({ cacheDir: dirs.cacheDir, imports, events, db });
  const deidentify = createDeidentifyService(db, dirs.cacheDir, imports);
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
    'studies.deidentify': (request) => deidentify.deidentify(request),
    'studies.deidentifyPreview': (request) => deidentify.preview(request.sopInstanceUid, request.options),
    'imports.start': (request) => imports.start(request),
    'imports.cancel': (request) => imports.cancel(request.importId),
    'inference.listModels': () => inference.listModels(),
    'inference.preview': (request) => inference.preview(request),
    'inference.warmUp': (request) => inference.warmUp(request),
    'inference.run': async (request) => ({ jobId: (await inference.runSeries(request)).jobId }),
    'inference.cancel': (request) => ({ cancelled: inference.cancel(request.jobId) }),
    'inference.askClosed': (request) => inference.askClosed(request),
    'reports.get': (request) => reports.get(request.studyInstanceUid),
    'reports.save': (request) => reports.save(request),
    'reports.exportPdf': (request) => {
      const { fileName, pdf } = reports.exportPdf(request.studyInstanceUid);
      return { fileName, pdfBase64: pdf.toString('base64') };
    },
    'reports.exportSr': (request) => reports.exportSr(request.studyInstanceUid),
    'reports.answerFromMetadata': (request) => reports.answerFromMetadata(request.sopInstanceUid, request.question),
    'qa.ask': (request) => qa.ask(request),
    'vlm.ask': (request) => vlm.ask(request),
    'vlm.cancel': (request) => ({ cancelled: vlm.cancel(request.requestId) }),
    'network.settings': () => network.settings(),
    'network.addNode': (request) => network.addNode(request),
    'network.removeNode': (request) => network.removeNode(request.name),
    'network.echo': (request) => network.echo(request.name),
    'network.find': (request) => network.find(request),
    'network.series': (request) => network.series(request),
    'network.retrieve': (request) => network.retrieve(request),
    'network.cancelRetrieve': (request) => network.cancelRetrieve(request.retrieveId),
    ...teachingHandlersPending,
  };

  return {
    dirs,
    events,
    studies,
    viewer,
    imports,
    inference,
    qa,
    network,
    handlers,
    close: async () => {
      await network.close();
      await imports.close();
      await vlm.close();
      await inference.closeAll();
      viewer.close();
      studies.close();
      db.close();
    },
  };
}
