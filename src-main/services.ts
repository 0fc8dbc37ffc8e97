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
import { watchCacheChanges } from './studies/cache/cache-watch';
import { openCacheDatabase } from './studies/cache/database';
import { createReportService } from './reports/report-service';
import { createVlmService } from './inference/vlm/vlm-service';
import { createQaService, type QaService } from './inference/qa/qa-service';
import { instanceFilePath } from './studies/cache/study-queries';
import { createNetworkService, type NetworkService } from './network/network-service';
import { createDeidentifyService } from './deid/deidentify-service';
import { ServiceError } from '../src-shared/contract';
import { rendererDir as builtRendererDir } from './platform/app-root';
import { createTeachingService, type TeachingService } from './teaching/teaching-service';

/** Calls only a classroom answers; the owner's dispatcher refuses them by role before these run. */
function classroomOnly(): never {
  throw new ServiceError('unavailable', 'This call is answered inside a teaching classroom, not on the workstation.');
}

export interface ServicesConfig {
  host: HostKind;
  cacheDir?: string;
  modelDirs?: string[];
  userDataDir?: string;
  /** Electron passes its own runtime versions; the web host has none. */
  runtimeVersions?: { electron: string; chrome: string };
  /** Forces an execution provider for inference (--provider); RADSTATION_PROVIDER otherwise. */
  provider?: ProviderChoice;
  /** The built renderer a teaching classroom serves (default: the app's out/renderer). */
  classroomRendererDir?: string;
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
  readonly teaching: TeachingService;
  /** De-identification for the study browser; its zip exports are served by both hosts' file routes. */
  readonly deidentify: ReturnType<typeof createDeidentifyService>;
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
  // Another process (the CLI, a second window) may import or delete: lists refresh all the same.
  // Changes this process announces itself are absorbed, so they are not announced twice.
  let announcingOutsideChange = false;
  const cacheWatch = watchCacheChanges(db, (studyInstanceUids) => {
    announcingOutsideChange = true;
    try {
      events.emit('studies.changed', { studyInstanceUids });
    } finally {
      announcingOutsideChange = false;
    }
  });
  events.subscribe((name) => {
    if (name === 'studies.changed' && !announcingOutsideChange) cacheWatch.absorb();
  });
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
    // The compact model's sessions give way when a VLM bundle needs the memory.
    memory: { releaseImageSessions: () => inference.releaseSessions() },
  });
  const network = createNetworkService({ cacheDir: dirs.cacheDir, imports, events, db });
  const deidentify = createDeidentifyService(db, dirs.cacheDir, imports);
  const teaching = createTeachingService({
    ownerDb: db,
    ownerCacheDir: dirs.cacheDir,
    events,
    // A session store gets the same services, over its own folder and nothing else.
    createStoreServices: (cacheDir) => createServices({ ...config, host: 'web', cacheDir }),
    rendererDir: () => config.classroomRendererDir ?? builtRendererDir(),
  });
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
    'studies.list': (request) => studies.page(request),
    'viewer.study': (request) => viewer.study(request.studyInstanceUid),
    'viewer.object': (request) => viewer.object(request.sopInstanceUid),
    'viewer.segmentation': (request) => viewer.segmentation(request.sopInstanceUid),
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
    'studies.deidentify': async (request) => {
      const result = await deidentify.deidentify(request);
      // The import announced the new study before it was marked: announce it again, marked.
      if (request.output !== 'zip' && result.studies.length > 0) events.emit('studies.changed', { studyInstanceUids: result.studies.map((study) => study.deidentified) });
      return result;
    },
    'studies.deidentifyPreview': (request) => deidentify.preview(request.sopInstanceUid, request.options),
    'studies.deidentifyBurnedIn': (request) => deidentify.burnedInImages(request.studyInstanceUids),
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
    'network.send': (request) => network.send(request),
    'network.cancelSend': (request) => network.cancelSend(request.sendId),
    'network.listener': () => network.listener(),
    'network.configureListener': (request) => network.configureListener(request),
    'teaching.start': (request) => teaching.start(request),
    'teaching.status': () => teaching.status(),
    'teaching.end': async (request) => {
      await teaching.end(request.sessionId);
      return { ok: true as const };
    },
    'teaching.whoami': () => ({ role: 'owner' as const, displayName: null, session: null }),
    'teaching.cases': classroomOnly,
    'teaching.teacherView': classroomOnly,
    'teaching.roster': classroomOnly,
    'teaching.removeParticipant': classroomOnly,
    'teaching.setFollow': classroomOnly,
    'teaching.publishView': classroomOnly,
    'teaching.updateCase': classroomOnly,
    'teaching.revealCase': classroomOnly,
    'teaching.createQuiz': classroomOnly,
    'teaching.closeQuiz': classroomOnly,
    'teaching.revealQuiz': classroomOnly,
    'teaching.quizTally': classroomOnly,
    'teaching.exportResults': classroomOnly,
    'teaching.quizzes': classroomOnly,
    'teaching.answerQuiz': classroomOnly,
    'teaching.myAnswers': classroomOnly,
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
    teaching,
    deidentify,
    handlers,
    close: async () => {
      cacheWatch.stop();
      await teaching.close();
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
