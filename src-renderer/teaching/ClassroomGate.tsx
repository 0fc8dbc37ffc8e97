import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import type { CallResponse } from '../../src-shared/contract';
import { useApi } from '../bridge/api-context';
import { LeftClassroom } from './LeftClassroom';

// The classroom's viewer brings Cornerstone3D: loaded only for a teacher or student, never before the owner's study list.
const Classroom = lazy(async () => ({ default: (await import('./Classroom')).Classroom }));

type Whoami = CallResponse<'teaching.whoami'>;

/**
 * The same renderer serves the workstation and a classroom: the host, not the page, knows
 * which, so the page asks (`teaching.whoami`) and shows the classroom to a teacher or
 * student, and the workstation (children) to the owner. A host that cannot answer is an
 * owner's host from before teaching existed, and shows the workstation.
 */
export function ClassroomGate({ children }: { children: ReactNode }) {
  const api = useApi();
  const [who, setWho] = useState<Whoami | 'owner' | undefined>();
  useEffect(() => {
    let alive = true;
    api.call('teaching.whoami', {}).then(
      (value) => alive && setWho(value),
      () => alive && setWho('owner'),
    );
    return () => {
      alive = false;
    };
  }, [api]);
  if (who === undefined) return <p className="notice">Connecting…</p>;
  if (who === 'owner' || who.role === 'owner') return <>{children}</>;
  if (!who.session) return <LeftClassroom why="ended" />;
  return (
    <Suspense fallback={<p className="notice">Connecting…</p>}>
      <Classroom role={who.role} displayName={who.displayName} sessionId={who.session.sessionId} />
    </Suspense>
  );
}
