import { eventTarget } from '@cornerstonejs/core';
import { Enums as ToolEnums, annotation } from '@cornerstonejs/tools';
import { useEffect, useRef, useState } from 'react';
import type { RadstationApi, ViewerStudy } from '../../src-shared/contract';
import { currentMeasurements, removeMeasurement, restoreMeasurements, toStored, type MeasurementSummary } from './measurements';
import { viewer } from './viewer-state';

const changeEvents = [ToolEnums.Events.ANNOTATION_COMPLETED, ToolEnums.Events.ANNOTATION_MODIFIED, ToolEnums.Events.ANNOTATION_REMOVED];

/** 'idle', 'saving', 'saved', or why the last save failed. */
export type MeasurementSaveState = 'idle' | 'saving' | 'saved' | string;

const everyAnnotation = (): boolean => true;

/**
 * Keeps the open study's measurements through the contract: restores them when the study opens,
 * saves them when one is drawn, moved or removed, and flushes a waiting save when the page goes
 * away or the viewer closes. Where they are kept is the main process's business (the cache for the
 * owner, the session's memory for a classroom's student). `isOwn` leaves out annotations the user
 * did not draw (a teacher's, shown to a following student): they are neither saved nor removed here.
 */
export function useMeasurementStore(
  api: RadstationApi,
  study: ViewerStudy | undefined,
  isOwn: (annotationUid: string) => boolean = everyAnnotation,
): { items: MeasurementSummary[]; saveState: MeasurementSaveState } {
  const [items, setItems] = useState<MeasurementSummary[]>([]);
  const [saveState, setSaveState] = useState<MeasurementSaveState>('idle');
  const loaded = useRef(false);
  const ownRef = useRef(isOwn);
  ownRef.current = isOwn;

  useEffect(() => {
    if (!study) return undefined;
    const seriesBySop = new Map<string, string>();
    for (const s of study.series) for (const i of s.instances) seriesBySop.set(i.sopInstanceUid, s.seriesInstanceUid);
    const own = () => annotation.state.getAllAnnotations().filter((item) => item.annotationUID !== undefined && ownRef.current(item.annotationUID));
    const ownMeasurements = () => currentMeasurements().filter((item) => ownRef.current(item.annotationUid));
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const save = () => {
      timer = undefined;
      if (!loaded.current) return;
      const stored = own()
        .map((item) => toStored(item, (sop) => seriesBySop.get(sop)))
        .filter((item) => item !== undefined);
      setSaveState('saving');
      api.call('viewer.measurements.save', { studyInstanceUid: study.studyInstanceUid, measurements: stored }).then(
        () => alive && setSaveState('saved'),
        (error: unknown) => alive && setSaveState(`Not saved: ${error instanceof Error ? error.message : String(error)}`),
      );
    };
    const schedule = (delay: number) => {
      clearTimeout(timer);
      timer = setTimeout(save, delay);
    };
    // A drawn or removed measurement is saved at once; a dragged one when the dragging settles.
    const onChange = () => {
      setItems(ownMeasurements());
      schedule(50);
    };
    const onModified = () => {
      setItems(ownMeasurements());
      schedule(600);
    };
    // A save still waiting when the page goes away (reload, window closed, tab hidden) or the viewer
    // closes is sent now, so a measurement drawn just before is not lost.
    const flush = () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      save();
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onVisibility);
    for (const name of changeEvents) eventTarget.addEventListener(name, name === ToolEnums.Events.ANNOTATION_MODIFIED ? onModified : onChange);
    // Stats are computed when an annotation renders; refresh the list then too.
    let frame = 0;
    const onRendered = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setItems(ownMeasurements()));
    };
    eventTarget.addEventListener(ToolEnums.Events.ANNOTATION_RENDERED, onRendered);
    api.call('viewer.measurements.list', { studyInstanceUid: study.studyInstanceUid }).then(
      ({ measurements }) => {
        if (!alive) return;
        restoreMeasurements(api, measurements);
        loaded.current = true;
        setItems(ownMeasurements());
        viewer.viewport()?.render();
      },
      () => {
        loaded.current = true;
      },
    );
    return () => {
      flush();
      alive = false;
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onVisibility);
      cancelAnimationFrame(frame);
      for (const name of changeEvents) eventTarget.removeEventListener(name, name === ToolEnums.Events.ANNOTATION_MODIFIED ? onModified : onChange);
      eventTarget.removeEventListener(ToolEnums.Events.ANNOTATION_RENDERED, onRendered);
      loaded.current = false;
      if (ownRef.current === everyAnnotation) annotation.state.removeAllAnnotations();
      else for (const item of own()) if (item.annotationUID) removeMeasurement(item.annotationUID);
    };
  }, [api, study]);

  return { items, saveState };
}
