import { useEffect, useRef } from 'react';
import type { RadstationApi, TeacherView } from '../../src-shared/contract';
import { applyViewportView, captureViewportView, onViewportViewChange } from '../viewer/teaching-view';

/** At most this often (20 a second), with the last change always sent. */
const publishIntervalMs = 50;

export interface ShownCase {
  caseId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

/**
 * The teacher's side of follow-me: while on, every change of the viewer (slice, window,
 * camera, annotation) and of the case or series shown is published, throttled. The
 * sequence starts from the clock so a reloaded teacher page still publishes newer views.
 */
export function usePublishView(api: RadstationApi, enabled: boolean, shown: ShownCase | undefined): void {
  const sequence = useRef(Date.now());
  useEffect(() => {
    if (!enabled || !shown) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastSent = 0;
    const send = () => {
      timer = undefined;
      lastSent = performance.now();
      const viewport = captureViewportView(shown.seriesInstanceUid);
      if (!viewport) return;
      sequence.current += 1;
      const view: TeacherView = { sequence: sequence.current, sentAt: Date.now(), ...shown, ...viewport };
      api.call('teaching.publishView', view).catch((error: unknown) => console.warn('Could not publish the view', error));
    };
    const schedule = () => {
      if (timer !== undefined) return;
      timer = setTimeout(send, Math.max(0, publishIntervalMs - (performance.now() - lastSent)));
    };
    schedule();
    const off = onViewportViewChange(schedule);
    return () => {
      off();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, enabled, shown?.caseId, shown?.studyInstanceUid, shown?.seriesInstanceUid]);
}

/**
 * A student's side: the newest teacher view is kept; it is applied at once when its series is
 * already on screen, else once the viewer has put that series' stack up (`stackShown`).
 */
export class ViewFollower {
  private latest: TeacherView | undefined;
  private appliedSequence = -1;

  constructor(private readonly api: RadstationApi) {}

  /** Records a view; returns it when it is newer than what was applied (the caller then navigates). */
  receive(view: TeacherView): TeacherView | undefined {
    if (view.sequence <= this.appliedSequence || (this.latest && view.sequence < this.latest.sequence)) return undefined;
    this.latest = view;
    return view;
  }

  /** Applies the latest view if the viewer shows its series. */
  async applyIfShown(shownSeriesUid: string | undefined): Promise<void> {
    const view = this.latest;
    if (!view || view.seriesInstanceUid !== shownSeriesUid || view.sequence <= this.appliedSequence) return;
    this.appliedSequence = view.sequence;
    await applyViewportView(this.api, view);
  }

  /** After stepping out: the next view (or the one fetched for "back to teacher") applies again. */
  forget(): void {
    this.appliedSequence = -1;
  }
}
