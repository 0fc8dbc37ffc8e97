import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportFinished, ImportProgress, StorageMode } from '../../src-shared/domain/imports';
import { useApi } from '../bridge/api-context';
import { uploadPicked } from './upload';
import type { PickedFile } from './upload-zip';

export type ImportState =
  | { phase: 'idle' }
  | { phase: 'starting' }
  | { phase: 'running'; importId: string; progress: ImportProgress | undefined; cancelling: boolean }
  | { phase: 'finished'; finished: ImportFinished }
  | { phase: 'failed-to-start'; message: string };

/**
 * One import at a time from this window: starts it, follows its progress events and
 * keeps its report. Events are broadcast to every window, so they are matched by
 * import ID; a small import can finish before imports.start has even answered, so
 * finished events are remembered until the ID is known.
 */
export function useImport() {
  const api = useApi();
  const [state, setState] = useState<ImportState>({ phase: 'idle' });
  const currentId = useRef<string | undefined>(undefined);
  const earlyFinishes = useRef(new Map<string, ImportFinished>());

  useEffect(() => {
    const offProgress = api.on('imports.progress', (progress) => {
      if (progress.importId !== currentId.current) return;
      setState((current) => (current.phase === 'running' && current.importId === progress.importId ? { ...current, progress } : current));
    });
    const offFinished = api.on('imports.finished', (finished) => {
      if (finished.importId !== currentId.current) {
        earlyFinishes.current.set(finished.importId, finished);
        return;
      }
      currentId.current = undefined;
      setState({ phase: 'finished', finished });
    });
    return () => {
      offProgress();
      offFinished();
    };
  }, [api]);

  const follow = useCallback(async (starting: () => Promise<string>) => {
    setState({ phase: 'starting' });
    try {
      const importId = await starting();
      const finished = earlyFinishes.current.get(importId);
      earlyFinishes.current.clear();
      if (finished) {
        setState({ phase: 'finished', finished });
      } else {
        currentId.current = importId;
        setState({ phase: 'running', importId, progress: undefined, cancelling: false });
      }
    } catch (error) {
      setState({ phase: 'failed-to-start', message: error instanceof Error ? error.message : String(error) });
    }
  }, []);

  const start = useCallback(
    (paths: string[], mode: StorageMode) => follow(async () => (await api.call('imports.start', { paths, mode })).importId),
    [api, follow],
  );
  /** Web host only: files, zips or a folder from the browser's own computer, imported by copy as one batch. */
  const upload = useCallback((files: readonly PickedFile[]) => follow(() => uploadPicked(files)), [follow]);

  const cancel = useCallback(async () => {
    const importId = currentId.current;
    if (!importId) return;
    setState((current) => (current.phase === 'running' ? { ...current, cancelling: true } : current));
    try {
      await api.call('imports.cancel', { importId });
    } catch (error) {
      console.error('Cancelling the import failed', error);
    }
  }, [api]);

  const dismiss = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, start, upload, cancel, dismiss };
}
