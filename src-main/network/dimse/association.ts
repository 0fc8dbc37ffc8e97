import type { NetworkFailureKind } from '../../../src-shared/domain/network';
import { dimse, RejectReason, type DimseClient, type DimseRequest } from './dimse-library';

/** Where and as whom to open an association. */
export interface DimsePeer {
  readonly host: string;
  readonly port: number;
  readonly calledAet: string;
  readonly callingAet: string;
  readonly tls?: boolean;
  /** PEM certificate authorities to trust for TLS instead of the system's. */
  readonly tlsCa?: Buffer;
  /** Connect, association and idle (between PDUs) limits, in milliseconds. */
  readonly timeoutMs?: number;
}

/** A network operation that failed, with the kind of failure a person would look for. */
export class NetworkError extends Error {
  constructor(
    readonly kind: NetworkFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

export function classifySocketError(message: string): NetworkFailureKind {
  if (/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN/.test(message)) return 'refused';
  if (/timeout|ETIMEDOUT/i.test(message)) return 'timeout';
  if (/SSL|TLS|certificate|EPROTO|self[- ]signed|wrong version number/i.test(message)) return 'tls';
  return 'protocol';
}

function describeSocketError(kind: NetworkFailureKind, peer: DimsePeer, raw: string): string {
  const where = `${peer.calledAet}@${peer.host}:${peer.port}`;
  const detail = raw.replace(/^.*?-> /, '');
  if (kind === 'refused') return `${where} refused the connection (nothing listens there, or the host is unreachable): ${detail}`;
  if (kind === 'timeout') return `${where} did not answer in time: ${detail}`;
  if (kind === 'tls') return `TLS with ${where} failed: ${detail}`;
  return `the connection to ${where} failed: ${detail}`;
}

function describeReject(peer: DimsePeer, reject: { result: number; source: number; reason: number }): NetworkError {
  const where = `${peer.calledAet}@${peer.host}:${peer.port}`;
  if (reject.reason === RejectReason.CallingAeNotRecognized) {
    return new NetworkError('unknown-ae', `${where} rejected the association: it does not know our AE title ${peer.callingAet}`);
  }
  if (reject.reason === RejectReason.CalledAeNotRecognized) {
    return new NetworkError('unknown-ae', `${where} rejected the association: ${peer.calledAet} is not its AE title`);
  }
  return new NetworkError('rejected', `${where} rejected the association (result ${reject.result}, source ${reject.source}, reason ${reject.reason})`);
}

export interface AssociationHandle {
  readonly client: DimseClient;
  /** Aborts the association (A-ABORT); the run then rejects with a 'protocol' NetworkError saying so. */
  abort(reason: string): void;
}

/**
 * Opens one association, sends the requests, and resolves once it is released. It rejects with
 * a NetworkError when the peer refuses, rejects, times out, or the association ends any other way
 * (an abort from either side included), so a caller never mistakes a cut-off answer for a whole one.
 */
export function runAssociation(
  peer: DimsePeer,
  requests: readonly DimseRequest[],
  options: { prepare?: (client: DimseClient) => void; started?: (handle: AssociationHandle) => void } = {},
): Promise<void> {
  const client = new dimse.Client();
  for (const request of requests) client.addRequest(request);
  options.prepare?.(client);
  return new Promise<void>((resolve, reject) => {
    let failure: NetworkError | undefined;
    let released = false;
    let settled = false;
    const settle = (error?: NetworkError) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve();
    };
    // A peer that hangs never closes its side: after a failure the socket is destroyed, not just ended.
    const destroySocket = () => (client as unknown as { network?: { socket?: { destroy(): void } } }).network?.socket?.destroy();
    client.on('associationRejected', (rejection: { result: number; source: number; reason: number }) => {
      failure ??= describeReject(peer, rejection);
    });
    client.on('networkError', (error: Error) => {
      const kind = classifySocketError(error.message);
      failure ??= new NetworkError(kind, describeSocketError(kind, peer, error.message));
      settle(failure);
      destroySocket();
    });
    client.on('associationReleased', () => {
      released = true;
    });
    client.on('closed', () => {
      if (released && !failure) settle();
      else settle(failure ?? new NetworkError('protocol', `the association with ${peer.calledAet}@${peer.host}:${peer.port} ended before it was released (aborted)`));
    });
    const timeout = peer.timeoutMs ?? 30_000;
    try {
      client.send(peer.host, peer.port, peer.callingAet, peer.calledAet, {
        connectTimeout: timeout,
        associationTimeout: timeout,
        pduTimeout: timeout,
        ...(peer.tls ? { securityOptions: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(peer.tlsCa ? { ca: peer.tlsCa } : {}) } } : {}),
      });
    } catch (error) {
      settle(new NetworkError('protocol', error instanceof Error ? error.message : String(error)));
      return;
    }
    // The Client does not pass on an A-ABORT from the peer; the Network it created does. Archives abort
    // a query from an AE title they do not know (Orthanc does), so that is the likely cause to name.
    (client as unknown as { network?: { on(event: 'abort', listener: () => void): void } }).network?.on('abort', () => {
      failure ??= new NetworkError(
        'unknown-ae',
        `${peer.calledAet}@${peer.host}:${peer.port} aborted the association (an archive does this when it does not know our AE title ${peer.callingAet})`,
      );
      settle(failure);
      destroySocket();
    });
    options.started?.({
      client,
      abort(reason) {
        failure ??= new NetworkError('protocol', reason);
        try {
          client.abort();
        } catch {
          // not connected yet
        }
        destroySocket();
      },
    });
  });
}

/** The status of a final DIMSE response, as text for reports (PS3.7 Annex C). */
export function statusText(status: number): string {
  if (status === 0) return 'success';
  if (status === 0xfe00) return 'cancelled';
  if (status === 0xff00 || status === 0xff01) return 'pending';
  if (status >= 0xb000 && status <= 0xbfff) return `warning 0x${status.toString(16).padStart(4, '0')}`;
  return `failure 0x${status.toString(16).padStart(4, '0')}`;
}
