import { NetworkError, runAssociation, statusText, type AssociationHandle, type DimsePeer } from './association';
import { dimse, Status, storableTransferSyntaxes, type DimseDataset } from './dimse-library';
import { canSendRaw, RawFileDataset } from './raw-file-dataset';
import { stagedResultOf, stagingHooks, type StagedResult, type StoreStreamHooks } from './store-streaming';

const { CEchoRequest, CFindRequest, CMoveRequest, CGetRequest, CStoreRequest } = dimse.requests;
const { CStoreResponse } = dimse.responses;

export async function cEcho(peer: DimsePeer): Promise<void> {
  const request = new CEchoRequest();
  let status: number | undefined;
  request.on('response', (response: { getStatus(): number }) => (status = response.getStatus()));
  await runAssociation(peer, [request]);
  if (status !== Status.Success) throw new NetworkError('protocol', `C-ECHO answered ${status === undefined ? 'nothing' : statusText(status)}`);
}

export type QueryLevel = 'STUDY' | 'SERIES' | 'IMAGE';

/** A study-root C-FIND at one level; resolves to every match's elements (dcmjs naturalised keywords). */
export async function cFind(peer: DimsePeer, level: QueryLevel, keys: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const request =
    level === 'STUDY' ? CFindRequest.createStudyFindRequest(keys) : level === 'SERIES' ? CFindRequest.createSeriesFindRequest(keys) : CFindRequest.createImageFindRequest(keys);
  const matches: Array<Record<string, unknown>> = [];
  let finalStatus: number | undefined;
  request.on('response', (response: { getStatus(): number; hasDataset(): boolean; getDataset(): DimseDataset | undefined }) => {
    const status = response.getStatus();
    if (status === Status.Pending) {
      const dataset = response.getDataset();
      if (dataset) matches.push(dataset.getElements());
    } else finalStatus = status;
  });
  await runAssociation(peer, [request]);
  if (finalStatus !== Status.Success) {
    throw new NetworkError('protocol', `C-FIND at ${level} level answered ${finalStatus === undefined ? 'nothing' : statusText(finalStatus)}`);
  }
  return matches;
}

/** Identifies what a C-MOVE or C-GET asks for: a study, a series, or listed instances of one series. */
export interface RetrieveKeys {
  studyInstanceUid: string;
  seriesInstanceUid?: string;
  sopInstanceUids?: readonly string[];
}

/**
 * The identifiers of the requests for these keys. Listed instances get one request each, sent on
 * one association: lists of UIDs in one identifier are allowed by the standard, but archives
 * (Orthanc among them) answer only the first.
 */
function identifiers(keys: RetrieveKeys): Array<Record<string, unknown>> {
  if (keys.sopInstanceUids) {
    return keys.sopInstanceUids.map((sopInstanceUid) => ({
      QueryRetrieveLevel: 'IMAGE',
      StudyInstanceUID: keys.studyInstanceUid,
      SeriesInstanceUID: keys.seriesInstanceUid,
      SOPInstanceUID: sopInstanceUid,
    }));
  }
  if (keys.seriesInstanceUid) return [{ QueryRetrieveLevel: 'SERIES', StudyInstanceUID: keys.studyInstanceUid, SeriesInstanceUID: keys.seriesInstanceUid }];
  return [{ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: keys.studyInstanceUid }];
}

export interface SubOperations {
  completed: number;
  failed: number;
  warnings: number;
  remaining: number;
  status: number;
}

interface SubOperationResponse {
  getStatus(): number;
  getCompleted(): number;
  getFailures(): number;
  getWarnings(): number;
  getRemaining(): number;
}

/** Cancel from outside: C-CANCEL on the running request (the peer then ends with a Cancel status). */
export interface Cancellation {
  onCancel(listener: () => void): void;
}

/** Sums the sub-operation counts over several requests; the status is the last non-success one, or success. */
function trackSubOperations(requests: ReadonlyArray<import('dcmjs-dimse').requests.Request>, onProgress?: (progress: SubOperations) => void): () => SubOperations {
  const last: SubOperations[] = requests.map(() => ({ completed: 0, failed: 0, warnings: 0, remaining: 0, status: -1 }));
  const total = (): SubOperations => ({
    completed: last.reduce((sum, entry) => sum + entry.completed, 0),
    failed: last.reduce((sum, entry) => sum + entry.failed, 0),
    warnings: last.reduce((sum, entry) => sum + entry.warnings, 0),
    remaining: last.reduce((sum, entry) => sum + entry.remaining, 0),
    status: last.find((entry) => entry.status !== 0)?.status ?? 0,
  });
  requests.forEach((request, index) => {
    request.on('response', (response: SubOperationResponse) => {
      last[index] = {
        completed: response.getCompleted() ?? 0,
        failed: response.getFailures() ?? 0,
        warnings: response.getWarnings() ?? 0,
        remaining: response.getRemaining() ?? 0,
        status: response.getStatus(),
      };
      onProgress?.(total());
    });
  });
  return total;
}

function cancelVia(handle: AssociationHandle | undefined, requests: ReadonlyArray<import('dcmjs-dimse').requests.Request>): void {
  for (const request of requests) {
    try {
      handle?.client.cancel(request as InstanceType<typeof CMoveRequest>);
    } catch {
      // the association is already gone
    }
  }
  // Requests not yet sent are not sent at all.
  handle?.client.clearRequests();
}

/** C-MOVE to a destination AE (usually our own storage SCP); resolves with the final sub-operation counts. */
export async function cMove(
  peer: DimsePeer,
  destinationAet: string,
  keys: RetrieveKeys,
  options: { onProgress?: (progress: SubOperations) => void; cancellation?: Cancellation } = {},
): Promise<SubOperations> {
  const requests = identifiers(keys).map((elements) => {
    const request = new CMoveRequest();
    request.setDataset(new dimse.Dataset(elements));
    request.getCommandDataset().setElement('MoveDestination', destinationAet);
    return request;
  });
  const final = trackSubOperations(requests, options.onProgress);
  let handle: AssociationHandle | undefined;
  options.cancellation?.onCancel(() => cancelVia(handle, requests));
  await runAssociation(peer, requests, { started: (started) => (handle = started) });
  return final();
}

/**
 * dcmjs-dimse creates the Network of a Client inside send(), so the staging hooks are set on it
 * right after (before it connects); its type is not public, hence this one narrow view of it.
 * Additional contexts lose their SCP role on the way into the association, so the role is set
 * again on the association just before it is requested: without it a peer may not send C-STOREs back.
 */
interface ClientNetwork extends Partial<StoreStreamHooks> {
  sendAssociationRequest(association: import('dcmjs-dimse').association.Association): void;
}

function installStagingOnClient(client: import('dcmjs-dimse').Client, hooks: StoreStreamHooks, storageClasses: ReadonlySet<string>): void {
  const network = (client as unknown as { network?: ClientNetwork }).network;
  if (!network) throw new Error('dcmjs-dimse did not create a network for the association');
  network.createStoreWritableStream = hooks.createStoreWritableStream;
  network.createDatasetFromStoreWritableStream = hooks.createDatasetFromStoreWritableStream;
  const request = network.sendAssociationRequest.bind(network);
  network.sendAssociationRequest = (association) => {
    for (const { context } of association.getPresentationContexts()) {
      if (storageClasses.has(context.getAbstractSyntaxUid())) {
        context.setUserRole(false);
        context.setProviderRole(true);
      }
    }
    request(association);
  };
}

/**
 * C-GET: the peer sends the instances back on the same association. Each one is written to the
 * staging folder as it arrives and passed to onStored; the storage contexts offer every syntax
 * Radstation stores, one context per syntax, so the peer can send each instance as it holds it.
 */
export async function cGet(
  peer: DimsePeer,
  keys: RetrieveKeys,
  sopClassUids: readonly string[],
  stagingDir: string,
  onStored: (staged: StagedResult) => boolean,
  options: { onProgress?: (progress: SubOperations) => void; cancellation?: Cancellation } = {},
): Promise<SubOperations> {
  const requests = identifiers(keys).map((elements) => {
    const request = new CGetRequest();
    request.setDataset(new dimse.Dataset(elements));
    request.setAddStorageSopClassesToAssociation(false);
    return request;
  });
  const final = trackSubOperations(requests, options.onProgress);
  let handle: AssociationHandle | undefined;
  options.cancellation?.onCancel(() => cancelVia(handle, requests));
  const hooks = stagingHooks(stagingDir, () => peer.calledAet);
  await runAssociation(peer, requests, {
    prepare: (client) => {
      // At most 128 contexts: the classes present, each with each stored syntax in its own context.
      const syntaxesPerClass = Math.max(1, Math.floor(120 / Math.max(1, sopClassUids.length)));
      for (const sopClassUid of sopClassUids) {
        for (const syntax of storableTransferSyntaxes.slice(0, syntaxesPerClass)) {
          const context = new dimse.association.PresentationContext(0, sopClassUid, syntax);
          context.setUserRole(false);
          context.setProviderRole(true);
          client.addAdditionalPresentationContext(context, true);
        }
      }
      client.on('cStoreRequest', (storeRequest: import('dcmjs-dimse').requests.CStoreRequest, callback: (response: InstanceType<typeof CStoreResponse>) => void) => {
        const response = CStoreResponse.fromRequest(storeRequest);
        const kept = onStored(stagedResultOf(storeRequest.getDataset()));
        response.setStatus(kept ? Status.Success : Status.ProcessingFailure);
        callback(response);
      });
    },
    started: (started) => {
      handle = started;
      installStagingOnClient(started.client, hooks, new Set(sopClassUids));
    },
  });
  return final();
}

export interface StoreOutcome {
  file: string;
  sopInstanceUid: string;
  ok: boolean;
  status: string;
}

/** C-STORE of files over one association; every file gets its own status, a missing answer included. */
export async function cStore(
  peer: DimsePeer,
  files: ReadonlyArray<{ file: string; sopInstanceUid: string; sopClassUid?: string; transferSyntaxUid?: string }>,
  options: { onEach?: (done: number) => void; cancellation?: Cancellation } = {},
): Promise<StoreOutcome[]> {
  const outcomes: StoreOutcome[] = files.map(({ file, sopInstanceUid }) => ({ file, sopInstanceUid, ok: false, status: 'not sent' }));
  const requests = files.map(({ file, sopInstanceUid, sopClassUid, transferSyntaxUid }, index) => {
    const request =
      sopClassUid && transferSyntaxUid && canSendRaw(file)
        ? new CStoreRequest(new RawFileDataset(file, { sopClassUid, sopInstanceUid, transferSyntaxUid }))
        : new CStoreRequest(file);
    request.on('response', (response: { getStatus(): number }) => {
      const status = response.getStatus();
      const outcome = outcomes[index]!;
      outcome.ok = status === Status.Success || (status >= 0xb000 && status <= 0xbfff);
      outcome.status = statusText(status);
      options.onEach?.(outcomes.filter((entry) => entry.status !== 'not sent').length);
    });
    return request;
  });
  let handle: AssociationHandle | undefined;
  options.cancellation?.onCancel(() => handle?.abort('the send was cancelled'));
  try {
      await runAssociation(peer, requests, { started: (started) => (handle = started) });
  } catch (error) {
    // What was answered before the failure stands; the rest say why they were not stored.
    const reason = error instanceof Error ? error.message : String(error);
    for (const outcome of outcomes) if (outcome.status === 'not sent') outcome.status = reason;
    if (outcomes.every((outcome) => !outcome.ok)) throw error;
  }
  return outcomes;
}
