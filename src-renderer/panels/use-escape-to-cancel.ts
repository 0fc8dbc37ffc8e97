import { useEffect, useRef } from 'react';

/**
 * Esc cancels a panel's running job, wherever the focus is. The viewer uses Esc to reset the
 * view, so while a job runs this listens in the capture phase and keeps the key from the viewer:
 * one press cancels the job and leaves the view as it was.
 */
export function useEscapeToCancel(running: boolean, cancel: () => void): void {
  const latest = useRef(cancel);
  latest.current = cancel;
  useEffect(() => {
    if (!running) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();
      latest.current();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [running]);
}
