import { useCallback, useState, type ReactNode } from 'react';

/** Which studies of the browser are ticked for a teaching session, and the tick box for a row. */
export function useStudySelection(): { selected: string[]; checkbox: (studyInstanceUid: string, patient: string) => ReactNode } {
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = useCallback(
    (uid: string) => setSelected((current) => (current.includes(uid) ? current.filter((value) => value !== uid) : [...current, uid])),
    [],
  );
  const checkbox = (studyInstanceUid: string, patient: string) => (
    <input
      type="checkbox"
      className="teach-select"
      aria-label={`Select study of ${patient} for teaching`}
      checked={selected.includes(studyInstanceUid)}
      // The row opens and closes on a click; ticking a box must not.
      onClick={(event) => event.stopPropagation()}
      onChange={() => toggle(studyInstanceUid)}
    />
  );
  return { selected, checkbox };
}
