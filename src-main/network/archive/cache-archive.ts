import type { NetworkSettings } from '../../../src-shared/domain/network';
import type Database from 'better-sqlite3';
import { withCacheConnection } from '../../studies/cache/database';
import { cachedInstances, type CachedInstance } from '../cached-instances';
import { cStore } from '../dimse/dimse-scu';
import { dimse, PatientRootFind, PatientRootGet, PatientRootMove, SopClass, Status } from '../dimse/dimse-library';
import { RawFileDataset, canSendRaw } from '../dimse/raw-file-dataset';
import { answerText } from '../query-results';
import type { ArchiveHandlers } from '../scp/dicom-scp';
import { matchingRecords, type QueryLevel } from './cache-matching';

const { CFindResponse, CMoveResponse, CGetResponse } = dimse.responses;
const { CStoreRequest } = dimse.requests;

type Identifier = Record<string, unknown>;

function levelOf(identifier: Identifier): QueryLevel | undefined {
  const level = answerText(identifier.QueryRetrieveLevel).toUpperCase();
  return level === 'PATIENT' || level === 'STUDY' || level === 'SERIES' || level === 'IMAGE' ? level : undefined;
}

/** Every cached instance a C-MOVE or C-GET identifier names, at whichever level it names them. */
function instancesFor(cacheDir: string, shared: Database.Database | undefined, identifier: Identifier): CachedInstance[] {
  const level = levelOf(identifier);
  if (!level) return [];
  return withCacheConnection(cacheDir, shared, (db) => {
    const records = matchingRecords(db, level, identifier);
    return records.flatMap((record) =>
      level === 'PATIENT'
        ? matchingRecords(db, 'STUDY', { PatientID: record.PatientID }).flatMap((study) => cachedInstances(db, cacheDir, { studyInstanceUid: study.StudyInstanceUID! }))
        : level === 'STUDY'
          ? cachedInstances(db, cacheDir, { studyInstanceUid: record.StudyInstanceUID! })
          : level === 'SERIES'
            ? cachedInstances(db, cacheDir, { seriesInstanceUid: record.SeriesInstanceUID! })
            : cachedInstances(db, cacheDir, { sopInstanceUid: record.SOPInstanceUID! }),
    );
  }, { readonly: true });
}

function counts<Response extends { setRemaining(n: number): void; setCompleted(n: number): void; setFailures(n: number): void; setWarnings(n: number): void }>(
  response: Response,
  total: number,
  completed: number,
  failed: number,
): Response {
  response.setRemaining(Math.max(0, total - completed - failed));
  response.setCompleted(completed);
  response.setFailures(failed);
  response.setWarnings(0);
  return response;
}

/**
 * Radstation answering as an archive from its cache: C-FIND (patient and study root, every
 * level), C-MOVE to configured DIMSE nodes, and C-GET on the caller's association. The SCP only
 * lets configured AEs associate, so these run for them alone.
 */
export function cacheArchive(cacheDir: string, settings: () => NetworkSettings, shared?: Database.Database): ArchiveHandlers {
  return {
    sopClasses: [
      SopClass.StudyRootQueryRetrieveInformationModelFind,
      SopClass.StudyRootQueryRetrieveInformationModelMove,
      SopClass.StudyRootQueryRetrieveInformationModelGet,
      PatientRootFind,
      PatientRootMove,
      PatientRootGet,
    ],

    async cFind(request) {
      const identifier = request.getDataset()?.getElements() ?? {};
      const level = levelOf(identifier);
      const final = CFindResponse.fromRequest(request);
      if (!level) {
        final.setStatus(0xa900); // identifier does not match SOP class
        return [final];
      }
      const records = withCacheConnection(cacheDir, shared, (db) => matchingRecords(db, level, identifier), { readonly: true });
      const pending = records.map((record) => {
        const response = CFindResponse.fromRequest(request);
        // Answer with exactly the keys asked for (return keys), filled from the cache.
        const answer: Record<string, unknown> = { QueryRetrieveLevel: level };
        for (const keyword of Object.keys(identifier)) if (keyword !== 'QueryRetrieveLevel') answer[keyword] = record[keyword] ?? '';
        response.setDataset(new dimse.Dataset(answer));
        response.setStatus(Status.Pending);
        return response;
      });
      final.setStatus(Status.Success);
      return [...pending, final];
    },

    async cMove(request, _callingAet, sendProgress) {
      const destination = answerText(request.getCommandDataset().getElement('MoveDestination'));
      const current = settings();
      const node = current.nodes.find((candidate) => candidate.kind === 'dimse' && candidate.aet.trim() === destination);
      if (!node || node.kind !== 'dimse') {
        const refused = CMoveResponse.fromRequest(request);
        refused.setStatus(Status.MoveDestinationUnknown);
        return refused;
      }
      const instances = instancesFor(cacheDir, shared, request.getDataset()?.getElements() ?? {});
      let completed = 0;
      let failed = 0;
      if (instances.length > 0) {
        const outcomes = await cStore(
          { host: node.host, port: node.port, calledAet: node.aet, callingAet: current.localAet, tls: node.tls },
          instances.map((instance) => ({ file: instance.file, sopInstanceUid: instance.sopInstanceUid, sopClassUid: instance.sopClassUid, transferSyntaxUid: instance.transferSyntaxUid })),
          {
            onEach: (done) => {
              const pending = CMoveResponse.fromRequest(request);
              pending.setStatus(Status.Pending);
              sendProgress(counts(pending, instances.length, done, 0));
            },
          },
        ).catch(() => []);
        completed = outcomes.filter((outcome) => outcome.ok).length;
        failed = instances.length - completed;
      }
      const final = CMoveResponse.fromRequest(request);
      final.setStatus(failed > 0 ? 0xb000 : Status.Success);
      return counts(final, instances.length, completed, failed);
    },

    async cGet(request, scp, sendProgress) {
      const instances = instancesFor(cacheDir, shared, request.getDataset()?.getElements() ?? {});
      let completed = 0;
      let failed = 0;
      const answered = new Set<number>();
      const stores = instances.map((instance, index) => {
        const store =
          canSendRaw(instance.file) && instance.transferSyntaxUid
            ? new CStoreRequest(new RawFileDataset(instance.file, instance))
            : new CStoreRequest(instance.file);
        store.on('response', (response: { getStatus(): number }) => {
          answered.add(index);
          if (response.getStatus() === Status.Success) completed += 1;
          else failed += 1;
          const pending = CGetResponse.fromRequest(request);
          pending.setStatus(Status.Pending);
          sendProgress(counts(pending, instances.length, completed, failed));
        });
        return store;
      });
      if (stores.length > 0) {
        // The sub-operations go back on the caller's association; 'done' comes once every request was sent and answered (or skipped).
        await new Promise<void>((resolve) => {
          scp.once('done', () => resolve());
          scp.sendRequests(stores);
        });
      }
      failed += instances.length - answered.size;
      const final = CGetResponse.fromRequest(request);
      final.setStatus(failed > 0 ? 0xb000 : Status.Success);
      return counts(final, instances.length, completed, failed);
    },
  };
}
