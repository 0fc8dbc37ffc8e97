import { useState } from 'react';
import { useApi } from '../bridge/api-context';

/**
 * Deletes a study after asking. Copied files go with it; linked originals stay, which
 * the confirmation says, because "delete" on a teacher's CD folder must not surprise.
 */
export function DeleteStudyButton({ studyInstanceUid, patient }: { studyInstanceUid: string; patient: string }) {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const remove = async () => {
    setState({ busy: true });
    try {
      await api.call('studies.delete', { studyInstanceUid });
      // The list refreshes on studies.changed, which unmounts this button.
    } catch (error) {
      setState({ busy: false, error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <>
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Delete study…
      </button>
      {confirming && (
        <div className="dialog-backdrop" onClick={() => setConfirming(false)}>
          <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="delete-study-title" onClick={(event) => event.stopPropagation()}>
            <h2 id="delete-study-title">Delete study</h2>
            <p>
              Delete the study of <strong>{patient}</strong> from the cache? Files copied into the cache are removed; linked files stay where they are.
            </p>
            {state.error && <p className="error">{state.error}</p>}
            <div className="dialog-actions">
              <button type="button" onClick={() => setConfirming(false)} autoFocus>
                Keep
              </button>
              <button type="button" className="danger" disabled={state.busy} onClick={() => void remove()}>
                Delete
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
