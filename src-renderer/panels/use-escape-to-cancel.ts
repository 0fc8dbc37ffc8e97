import { useEffect, useRef } from 'react';

/**
 * Esc cancels a panel's running job, wherever the focus is. Outside a job the viewer uses Esc
 * to reset the view, so while one runs the key is taken in the capture phase and goes no
 * further: cancelling must not also throw away the reader's zoom and window.
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
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [running]);
}
