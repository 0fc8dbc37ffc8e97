import { useEffect } from 'react';

/**
 * Esc closes a dialog. The listener runs in the capture phase and stops the key there, so the
 * viewer behind the dialog does not also take Esc as "reset the view".
 */
export function useEscapeToClose(onClose: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      event.stopImmediatePropagation();
      onClose();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [onClose]);
}
