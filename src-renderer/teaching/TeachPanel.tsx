import { useCallback, useEffect, useState } from 'react';
import type { CallResponse } from '../../src-shared/contract';
import { deidentifyOptionNames } from '../../src-shared/contract/deidentify';
import { useApi } from '../bridge/api-context';
import './teaching.css';

type OptionName = (typeof deidentifyOptionNames)[number];
type Links = CallResponse<'teaching.start'>;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The owner's side of a teaching session, shown above the study list: "Teach…" for the ticked
 * studies, then the running session's student link and code (what the class may see), a
 * button that opens the classroom as the teacher (its link is never printed on screen), and
 * "End session". A reload finds the running session again through teaching.status.
 */
export function TeachPanel({ selected, onStarted }: { selected: readonly string[]; onStarted?: () => void }) {
  const api = useApi();
  const [session, setSession] = useState<Links | null>(null);
  const [dialog, setDialog] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const refresh = useCallback(() => {
    api.call('teaching.status', {}).then(
      (value) => setSession(value.session),
      // An owner host without teaching (or a classroom) simply shows no session.
      () => setSession(null),
    );
  }, [api]);
  useEffect(refresh, [refresh]);
  useEffect(() => api.on('teaching.ended', () => setSession(null)), [api]);

  const end = async () => {
    if (!session) return;
    try {
      await api.call('teaching.end', { sessionId: session.sessionId });
      setSession(null);
    } catch (failure) {
      setError(message(failure));
    }
  };

  return (
    <div className="teach-panel">
      {!session && (
        <button type="button" disabled={selected.length === 0} onClick={() => setDialog(true)} title="Tick studies in the list to teach with them">
          Teach… {selected.length > 0 ? `(${selected.length})` : ''}
        </button>
      )}
      {session && (
        <section className="teach-session" aria-label="Teaching session" data-testid="teaching-session">
          <strong>Teaching session running</strong> until {new Date(session.endsAt).toLocaleTimeString()}
          <div>
            Student link: <code data-testid="student-url">{session.studentUrl}</code> · code <code data-testid="session-code">{session.sessionCode}</code>
          </div>
          {/* The link itself, as the text to put in a QR code for the room. */}
          <details>
            <summary>Text for a QR code</summary>
            <textarea readOnly aria-label="QR code text" value={session.studentUrl} rows={2} cols={60} />
          </details>
          <div className="dialog-actions">
            <button type="button" onClick={() => window.open(session.teacherUrl, '_blank', 'noopener')}>
              Open classroom as teacher
            </button>
            <button type="button" className="danger" onClick={() => void end()}>
              End session
            </button>
          </div>
        </section>
      )}
      {error && <p className="error">{error}</p>}
      {dialog && (
        <TeachDialog
          studyInstanceUids={selected}
          onClose={() => setDialog(false)}
          onStarted={(links) => {
            setDialog(false);
            setSession(links);
            onStarted?.();
          }}
        />
      )}
    </div>
  );
}

function TeachDialog({ studyInstanceUids, onClose, onStarted }: { studyInstanceUids: readonly string[]; onClose: () => void; onStarted: (links: Links) => void }) {
  const api = useApi();
  const [options, setOptions] = useState<OptionName[]>([]);
  const [allowStudentAi, setAllowStudentAi] = useState(false);
  const [minutes, setMinutes] = useState(180);
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const toggle = (option: OptionName) => setOptions((current) => (current.includes(option) ? current.filter((name) => name !== option) : [...current, option]));

  const start = async () => {
    setState({ busy: true });
    try {
      onStarted(await api.call('teaching.start', { studyInstanceUids: [...studyInstanceUids], options, allowStudentAi, durationMinutes: minutes }));
    } catch (failure) {
      setState({ busy: false, error: message(failure) });
    }
  };

  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog teach-dialog" role="dialog" aria-modal="true" aria-labelledby="teach-title" onClick={(event) => event.stopPropagation()}>
        <h2 id="teach-title">Start a teaching session</h2>
        <p>
          {studyInstanceUids.length} {studyInstanceUids.length === 1 ? 'study is' : 'studies are'} de-identified (DICOM PS3.15 Basic Profile) into a
          store of their own. Students see only that copy.
        </p>
        <fieldset>
          <legend>De-identification options</legend>
          {deidentifyOptionNames.map((option) => (
            <label key={option}>
              <input type="checkbox" checked={options.includes(option)} onChange={() => toggle(option)} /> {option}
            </label>
          ))}
        </fieldset>
        <label>
          <input type="checkbox" checked={allowStudentAi} onChange={() => setAllowStudentAi((value) => !value)} /> Students may run AI previews (nothing is saved)
        </label>
        <label>
          Duration (minutes){' '}
          <input type="number" min={1} max={24 * 60} value={minutes} onChange={(event) => setMinutes(Math.max(1, Math.min(24 * 60, Number(event.target.value) || 1)))} />
        </label>
        {state.busy && <p className="notice">De-identifying and starting the classroom…</p>}
        {state.error && <p className="error" role="alert">{state.error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" disabled={state.busy} onClick={() => void start()}>
            Start session
          </button>
        </div>
      </div>
    </div>
  );
}
