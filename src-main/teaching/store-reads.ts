import type { CallName, CallResponse } from '../../src-shared/contract';
import type { CallHandlers } from '../dispatch';

/**
 * The store reads a class repeats: every student opens the same series, and each reply
 * (a SQLite query over 176 rows, their stack order and a stat of each file) costs the
 * host's one event loop several milliseconds; thirty students joining at once would hold
 * every other call, the teacher's included, for half a second.
 *
 * A session store's studies, series and instances never change while it is served: no role
 * in a classroom may import, delete, save a derived series or write an SR into it. So each
 * of these replies is worked out once per request and then shared (studies.series is not
 * among them: making a thumbnail changes it, and it is cheap); the classroom's
 * redaction for students is applied on top, to a copy, as before. A failed read is not kept.
 */
const storeReads = ['studies.instances', 'viewer.study'] as const satisfies readonly CallName[];
type StoreRead = (typeof storeReads)[number];

export function sharedStoreReads(base: CallHandlers): Pick<CallHandlers, StoreRead> {
  const replies = new Map<string, Promise<unknown>>();
  const once = <Name extends StoreRead>(name: Name, key: string, read: () => Promise<CallResponse<Name>> | CallResponse<Name>): Promise<CallResponse<Name>> => {
    const cacheKey = `${name} ${key}`;
    const kept = replies.get(cacheKey) as Promise<CallResponse<Name>> | undefined;
    if (kept !== undefined) return kept;
    const reply = Promise.resolve().then(read);
    replies.set(cacheKey, reply);
    reply.catch(() => replies.delete(cacheKey));
    return reply;
  };
  return {
    'studies.instances': (request, context) => once('studies.instances', request.seriesInstanceUid, () => base['studies.instances'](request, context)),
    'viewer.study': (request, context) => once('viewer.study', request.studyInstanceUid, () => base['viewer.study'](request, context)),
  };
}
