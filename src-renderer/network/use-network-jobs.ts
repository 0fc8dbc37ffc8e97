import { useEffect, useState } from 'react';
import { CallFailedError } from '../../src-shared/contract';
import type { RetrieveReport, SendReport } from '../../src-shared/domain/network';
import { useApi } from '../bridge/api-context';

export interface JobState<Report> {
  done: number;
  total: number;
  /** Set once the job ended: its report, or null with a message when it could not run. */
  finished?: { report: Report | null; message?: string };
}

function update<Report>(jobs: ReadonlyMap<string, JobState<Report>>, id: string, change: (job: JobState<Report>) => JobState<Report>): Map<string, JobState<Report>> {
  const next = new Map(jobs);
  next.set(id, change(jobs.get(id) ?? { done: 0, total: 0 }));
  return next;
}

/**
 * Retrieves and sends by id, from the network events. Subscribed before any job starts, so a job's
 * first progress event cannot arrive before its component is listening.
 */
export function useNetworkJobs() {
  const api = useApi();
  const [retrieves, setRetrieves] = useState<ReadonlyMap<string, JobState<RetrieveReport>>>(new Map());
  const [sends, setSends] = useState<ReadonlyMap<string, JobState<SendReport>>>(new Map());
  useEffect(() => {
    const off = [
      api.on('network.retrieveProgress', ({ retrieveId, done, total }) => setRetrieves((jobs) => update(jobs, retrieveId, (job) => ({ ...job, done, total })))),
      api.on('network.retrieveFinished', ({ retrieveId, report, message }) =>
        setRetrieves((jobs) => update(jobs, retrieveId, (job) => ({ ...job, finished: { report, ...(message !== undefined ? { message } : {}) } }))),
      ),
      api.on('network.sendProgress', ({ sendId, done, total }) => setSends((jobs) => update(jobs, sendId, (job) => ({ ...job, done, total })))),
      api.on('network.sendFinished', ({ sendId, report, message }) =>
        setSends((jobs) => update(jobs, sendId, (job) => ({ ...job, finished: { report, ...(message !== undefined ? { message } : {}) } }))),
      ),
    ];
    return () => off.forEach((unsubscribe) => unsubscribe());
  }, [api]);
  return { retrieves, sends };
}

/** A failure in words, with the fields a refused request got wrong (AE title too long, bad address). */
export function errorText(error: unknown): string {
  if (error instanceof CallFailedError && error.error.issues?.length) {
    return `${error.message} ${error.error.issues.map((issue) => `${issue.path || 'request'}: ${issue.message}`).join('; ')}`;
  }
  return error instanceof Error ? error.message : String(error);
}
