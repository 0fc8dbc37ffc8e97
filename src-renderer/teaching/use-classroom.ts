import { useCallback, useEffect, useState } from 'react';
import type { CallResponse, EventPayload, TeachingCase } from '../../src-shared/contract';
import { useApi } from '../bridge/api-context';

export type Quiz = CallResponse<'teaching.quizzes'>['quizzes'][number];
export type Tally = EventPayload<'teaching.tally'>;
export type Participant = EventPayload<'teaching.roster'>['participants'][number];

/** Why this browser is no longer in the classroom, once it is not. */
export type Gone = 'ended' | 'removed';

const watchdogPeriodMs = 3000;
const watchdogPatienceMs = 4000;

/**
 * The classroom's shared state: cases and quizzes (refetched when the host says they
 * changed), whether follow-me is on, and whether this browser is still in the session.
 * A removed student gets no event (their socket is closed), so a watchdog asks the host
 * every few seconds and, when the socket stays silent, asks over HTTP whether the page is
 * still served to this browser.
 */
export function useClassroom() {
  const api = useApi();
  const [cases, setCases] = useState<TeachingCase[]>([]);
  const [quizzes, setQuizzes] = useState<Quiz[]>([]);
  const [following, setFollowing] = useState(false);
  const [gone, setGone] = useState<Gone | undefined>();
  const [error, setError] = useState<string | undefined>();
  /** What the host said when it stopped serving this browser. */
  const [hostSentence, setHostSentence] = useState<string | undefined>();

  const reloadCases = useCallback(() => {
    api.call('teaching.cases', {}).then(
      (value) => setCases(value.cases),
      (failure: unknown) => setError(String(failure instanceof Error ? failure.message : failure)),
    );
  }, [api]);
  const reloadQuizzes = useCallback(() => {
    api.call('teaching.quizzes', {}).then(
      (value) => setQuizzes(value.quizzes),
      (failure: unknown) => setError(String(failure instanceof Error ? failure.message : failure)),
    );
  }, [api]);

  useEffect(() => {
    reloadCases();
    reloadQuizzes();
    api.call('teaching.teacherView', {}).then(
      (value) => setFollowing(value.following),
      () => undefined,
    );
    const offs = [
      api.on('teaching.casesChanged', reloadCases),
      api.on('teaching.quizzesChanged', reloadQuizzes),
      api.on('teaching.follow', (payload) => setFollowing(payload.following)),
      api.on('teaching.ended', () => setGone('ended')),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [api, reloadCases, reloadQuizzes]);

  useEffect(() => {
    if (gone) return;
    let alive = true;
    const check = async () => {
      const answered = await Promise.race([
        api.call('teaching.whoami', {}).then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), watchdogPatienceMs)),
      ]);
      if (answered || !alive) return;
      const refusal = await fetch('/', { cache: 'no-store' }).then(
        async (response) => (response.ok ? undefined : (await response.text()).slice(0, 300)),
        () => 'The classroom host no longer answers.',
      );
      if (refusal === undefined || !alive) return;
      setHostSentence(refusal);
      setGone((current) => current ?? (/ended/i.test(refusal) ? 'ended' : 'removed'));
    };
    const timer = setInterval(() => void check(), watchdogPeriodMs);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [api, gone]);

  return { cases, quizzes, following, setFollowing, gone, setGone, hostSentence, error, reloadCases, reloadQuizzes };
}

export type ClassroomState = ReturnType<typeof useClassroom>;
