import { useState } from 'react';
import type { TeachingCase } from '../../src-shared/contract';
import { useApi } from '../bridge/api-context';

/**
 * The session's cases. Students see an unknown case as the host names it ("Case N") until
 * it is revealed; the teacher edits titles and notes, marks a case unknown and reveals it.
 */
export function CaseList({
  cases,
  teacher,
  currentCaseId,
  onOpen,
}: {
  cases: readonly TeachingCase[];
  teacher: boolean;
  currentCaseId: string | undefined;
  onOpen: (caseId: string) => void;
}) {
  const [editing, setEditing] = useState<string | undefined>();
  return (
    <aside className="case-list" aria-label="Cases">
      <h2>Cases</h2>
      <ul>
        {cases.map((item) => (
          <li key={item.caseId} className={item.caseId === currentCaseId ? 'current' : ''} data-testid="case-item" data-case-id={item.caseId}>
            <button type="button" className="case-open" aria-current={item.caseId === currentCaseId} onClick={() => onOpen(item.caseId)}>
              {item.title}
            </button>
            {item.unknown && <span className="badge">{item.revealed ? 'revealed' : teacher ? 'unknown to students' : 'unknown'}</span>}
            {item.notes && <p className="case-notes">{item.notes}</p>}
            {teacher && editing !== item.caseId && (
              <div className="case-actions">
                <button type="button" onClick={() => setEditing(item.caseId)}>
                  Edit
                </button>
                {item.unknown && !item.revealed && <RevealButton caseId={item.caseId} />}
              </div>
            )}
            {teacher && editing === item.caseId && <CaseEditor item={item} onDone={() => setEditing(undefined)} />}
          </li>
        ))}
      </ul>
    </aside>
  );
}

function RevealButton({ caseId }: { caseId: string }) {
  const api = useApi();
  const [error, setError] = useState<string | undefined>();
  return (
    <>
      <button
        type="button"
        onClick={() =>
          api.call('teaching.revealCase', { caseId }).then(
            // The list is fetched again on teaching.casesChanged, which takes this button away.
            () => undefined,
            (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
          )
        }
      >
        Reveal
      </button>
      {error && <span className="error">{error}</span>}
    </>
  );
}

function CaseEditor({ item, onDone }: { item: TeachingCase; onDone: () => void }) {
  const api = useApi();
  const [title, setTitle] = useState(item.title);
  const [notes, setNotes] = useState(item.notes);
  const [unknown, setUnknown] = useState(item.unknown);
  const [error, setError] = useState<string | undefined>();
  const save = async () => {
    try {
      await api.call('teaching.updateCase', { caseId: item.caseId, title, notes, unknown });
      onDone();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <form
      className="case-editor"
      aria-label={`Edit ${item.title}`}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label>
        Title <input value={title} maxLength={200} onChange={(event) => setTitle(event.target.value)} />
      </label>
      <label>
        Notes <textarea value={notes} rows={3} onChange={(event) => setNotes(event.target.value)} />
      </label>
      <label>
        <input type="checkbox" checked={unknown} onChange={() => setUnknown((value) => !value)} /> Unknown case (hidden from students until revealed)
      </label>
      {error && <p className="error">{error}</p>}
      <div className="dialog-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit">Save</button>
      </div>
    </form>
  );
}
