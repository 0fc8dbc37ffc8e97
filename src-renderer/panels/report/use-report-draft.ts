import { useCallback, useEffect, useRef, useState } from 'react';
import { CallFailedError, type RadstationApi } from '../../../src-shared/contract';
import type { ReportDraft, ReportEntry } from '../../../src-shared/domain/reports';

/** What the editor shows about saving: the reader must see when a draft is not yet safe. */
export type SaveState = 'loading' | 'saved' | 'unsaved' | 'saving' | 'conflict' | 'failed';

export type DraftEdit = Partial<Pick<ReportDraft, 'findings' | 'impression' | 'entries'>>;

export interface ReportDraftHandle {
  draft: ReportDraft | undefined;
  saveState: SaveState;
  /** Why the last load or save failed, in words. */
  problem: string | undefined;
  edit(change: DraftEdit | ((draft: ReportDraft) => DraftEdit)): void;
  addEntry(entry: ReportEntry): void;
  /** Saves now whatever is not yet saved (before an export, say). */
  flush(): Promise<void>;
  /** After a conflict: drops local edits and shows the draft saved elsewhere. */
  reload(): void;
  /** After a conflict: saves this window's draft over the one saved elsewhere. */
  keepMine(): Promise<void>;
}

/** Typing pauses this long before an autosave; pagehide and unmount save at once. */
export const AUTOSAVE_DELAY_MS = 700;

/**
 * The study's report draft with autosave to the cache: edits are saved after a pause, on
 * pagehide and on unmount, each save based on the revision the last one returned, so an edit
 * made in another window is never overwritten silently (the store refuses it as a conflict).
 */
export function useReportDraft(api: RadstationApi, studyInstanceUid: string): ReportDraftHandle {
  const [draft, setDraft] = useState<ReportDraft>();
  const [saveState, setSaveState] = useState<SaveState>('loading');
  const [problem, setProblem] = useState<string>();
  const [loadKey, setLoadKey] = useState(0);
  const latest = useRef<ReportDraft | undefined>(undefined);
  const dirty = useRef(false);
  const inFlight = useRef<Promise<void> | undefined>(undefined);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    let alive = true;
    setSaveState('loading');
    api.call('reports.get', { studyInstanceUid }).then(
      (value) => {
        if (!alive) return;
        latest.current = value;
        dirty.current = false;
        setDraft(value);
        setSaveState('saved');
        setProblem(undefined);
      },
      (error: unknown) => {
        if (!alive) return;
        setSaveState('failed');
        setProblem(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      alive = false;
    };
  }, [api, studyInstanceUid, loadKey]);

  const save = useCallback(async (): Promise<void> => {
    // One save at a time; edits made meanwhile go in the next one, on the new revision.
    while (inFlight.current) await inFlight.current;
    const current = latest.current;
    if (!current || !dirty.current) return;
    dirty.current = false;
    setSaveState('saving');
    const request = { studyInstanceUid, baseRevision: current.revision, findings: current.findings, impression: current.impression, entries: current.entries };
    inFlight.current = api.call('reports.save', request).then(
      (saved) => {
        const now = latest.current;
        // Keep what was typed while saving; take the new revision from the store.
        latest.current = now ? { ...now, revision: saved.revision, updatedAt: saved.updatedAt } : saved;
        setDraft(latest.current);
        setSaveState(dirty.current ? 'unsaved' : 'saved');
        setProblem(undefined);
      },
      (error: unknown) => {
        const conflict = error instanceof CallFailedError && error.error.code === 'conflict';
        if (!conflict) dirty.current = true;
        setSaveState(conflict ? 'conflict' : 'failed');
        setProblem(error instanceof Error ? error.message : String(error));
      },
    );
    try {
      await inFlight.current;
    } finally {
      inFlight.current = undefined;
    }
  }, [api, studyInstanceUid]);

  const flush = useCallback(async () => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    await save();
  }, [save]);

  const edit = useCallback(
    (change: DraftEdit | ((draft: ReportDraft) => DraftEdit)) => {
      const current = latest.current;
      if (!current) return;
      const patch = typeof change === 'function' ? change(current) : change;
      latest.current = { ...current, ...patch };
      dirty.current = true;
      setDraft(latest.current);
      setSaveState((state) => (state === 'conflict' ? state : 'unsaved'));
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => void flush(), AUTOSAVE_DELAY_MS);
    },
    [flush],
  );

  useEffect(() => {
    const onPageHide = () => void flush();
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      void flush();
    };
  }, [flush]);

  return {
    draft,
    saveState,
    problem,
    edit,
    addEntry: (entry) => edit((current) => ({ entries: [...current.entries, entry] })),
    flush,
    reload: () => setLoadKey((key) => key + 1),
    keepMine: async () => {
      try {
        const stored = await api.call('reports.get', { studyInstanceUid });
        if (!latest.current) return;
        latest.current = { ...latest.current, revision: stored.revision };
        dirty.current = true;
        await flush();
      } catch (error) {
        setSaveState('failed');
        setProblem(error instanceof Error ? error.message : String(error));
      }
    },
  };
}
