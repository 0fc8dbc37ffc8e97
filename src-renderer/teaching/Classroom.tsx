import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TeacherView } from '../../src-shared/contract';
import { useApi } from '../bridge/api-context';
import { CaseList } from './CaseList';
import { ClassroomViewer, type ImagePoint } from './ClassroomViewer';
import { usePublishView, ViewFollower } from './follow';
import { QuizStudent } from './QuizStudent';
import { QuizTeacher } from './QuizTeacher';
import { Roster } from './Roster';
import { useClassroom } from './use-classroom';
import './teaching.css';
import { LeftClassroom } from './LeftClassroom';

interface Props {
  role: 'teacher' | 'student';
  displayName: string | null;
  sessionId: string;
}

/**
 * The classroom, for the teacher or a student. Both see the cases and a viewer; the teacher
 * also edits cases, runs follow-me, the roster and quizzes; a student follows the teacher's
 * view (stepping out by touching the image, "Back to teacher" to return) and answers quizzes.
 * Nothing here imports, deletes, de-identifies, saves a series or edits a report.
 */
export function Classroom({ role, displayName, sessionId }: Props) {
  const api = useApi();
  const room = useClassroom();
  const teacher = role === 'teacher';
  const [caseId, setCaseId] = useState<string | undefined>();
  const [seriesUid, setSeriesUid] = useState<string | undefined>();
  const [steppedOut, setSteppedOut] = useState(false);
  const [picking, setPicking] = useState<((point: ImagePoint) => void) | undefined>();
  const [error, setError] = useState<string | undefined>();
  /** The series whose stack is on screen (not merely asked for). */
  const stackSeries = useRef<string | undefined>(undefined);
  const follower = useMemo(() => new ViewFollower(api), [api]);

  const current = room.cases.find((item) => item.caseId === caseId);
  useEffect(() => {
    if (!caseId && room.cases[0]) setCaseId(room.cases[0].caseId);
  }, [caseId, room.cases]);

  const openCase = useCallback((next: string, series?: string) => {
    setCaseId((previous) => {
      if (previous !== next) stackSeries.current = undefined;
      return next;
    });
    setSeriesUid(series);
  }, []);
  const chooseSeries = useCallback((uid: string) => {
    setSeriesUid((previous) => {
      if (previous !== uid) stackSeries.current = undefined;
      return uid;
    });
  }, []);

  // The teacher publishes while follow-me is on.
  const shown = teacher && current && seriesUid ? { caseId: current.caseId, studyInstanceUid: current.studyInstanceUid, seriesInstanceUid: seriesUid } : undefined;
  usePublishView(api, teacher && room.following, shown);

  // A student goes where the teacher's view is, then applies it once the stack is up.
  const goTo = useCallback(
    (view: TeacherView) => {
      const accepted = follower.receive(view);
      if (!accepted) return;
      if (accepted.caseId !== caseId || accepted.seriesInstanceUid !== seriesUid) openCase(accepted.caseId, accepted.seriesInstanceUid);
      else void follower.applyIfShown(stackSeries.current);
    },
    [follower, caseId, seriesUid, openCase],
  );
  const following = !teacher && room.following && !steppedOut;
  useEffect(() => {
    if (!following) return;
    return api.on('teaching.view', goTo);
  }, [api, following, goTo]);

  const backToTeacher = useCallback(async () => {
    try {
      const { view } = await api.call('teaching.teacherView', {});
      follower.forget();
      setSteppedOut(false);
      if (view) goTo(view);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, [api, follower, goTo]);
  // When the teacher turns follow-me on, every student goes to the teacher's view.
  useEffect(() => {
    if (!teacher && room.following) void backToTeacher();
    // Only on the switch itself, not whenever the callback changes.
  }, [teacher, room.following]);

  const stepOut = useCallback(() => {
    if (following) setSteppedOut(true);
  }, [following]);

  const requestPick = useCallback((onPicked: (point: ImagePoint) => void) => {
    setPicking(() => (point: ImagePoint) => {
      setPicking(undefined);
      onPicked(point);
    });
  }, []);

  const toggleFollow = async () => {
    try {
      await api.call('teaching.setFollow', { following: !room.following });
      room.setFollowing(!room.following);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  const endSession = async () => {
    if (!window.confirm('End the session for everyone? Student links stop working at once.')) return;
    try {
      await api.call('teaching.end', { sessionId });
      room.setGone('ended');
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  if (room.gone) return <LeftClassroom why={room.gone} sentence={room.hostSentence} />;

  return (
    <div className="app-shell classroom" data-testid="classroom" data-role={role}>
      <header className="app-bar">
        <h1>Radstation classroom</h1>
        <span className="host-badge" data-testid="classroom-role">
          {teacher ? 'Teacher' : 'Student'}
        </span>
        {displayName && <span data-testid="display-name">{displayName}</span>}
        <nav className="app-bar-actions">
          {teacher && (
            <>
              <button type="button" aria-pressed={room.following} onClick={() => void toggleFollow()}>
                Follow me {room.following ? 'on' : 'off'}
              </button>
              <button type="button" className="danger" onClick={() => void endSession()}>
                End session
              </button>
            </>
          )}
          {!teacher && following && <span className="badge" data-testid="following">Following the teacher</span>}
          {!teacher && room.following && steppedOut && (
            <button type="button" onClick={() => void backToTeacher()}>
              Back to teacher
            </button>
          )}
        </nav>
      </header>
      {(error ?? room.error) && (
        <p className="error" role="alert">
          {error ?? room.error}
        </p>
      )}
      <main className="classroom-body">
        <CaseList
          cases={room.cases}
          teacher={teacher}
          currentCaseId={caseId}
          onOpen={(next) => {
            stepOut();
            openCase(next);
          }}
        />
        <div className="classroom-viewer-area">
          {current ? (
            <ClassroomViewer
              key={current.studyInstanceUid}
              studyInstanceUid={current.studyInstanceUid}
              seriesInstanceUid={seriesUid}
              onSeries={chooseSeries}
              onStackShown={(uid) => {
                stackSeries.current = uid;
                if (following) void follower.applyIfShown(uid);
              }}
              onUserInput={picking ? undefined : stepOut}
              pickPoint={picking}
              keepMeasurements={role === 'student'}
            />
          ) : (
            <p className="notice">{room.cases.length === 0 ? 'Loading the cases…' : 'Choose a case.'}</p>
          )}
        </div>
        <aside className="classroom-side">
          {teacher ? (
            <>
              <QuizTeacher quizzes={room.quizzes} caseId={caseId} requestPick={requestPick} />
              <Roster />
            </>
          ) : (
            <QuizStudent quizzes={room.quizzes.filter((quiz) => quiz.caseId === caseId || quiz.open)} requestPick={requestPick} />
          )}
        </aside>
      </main>
    </div>
  );
}
