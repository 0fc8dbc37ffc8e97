import { eventTarget } from '@cornerstonejs/core';
import { Enums as ToolEnums, annotation } from '@cornerstonejs/tools';
import { useEffect, useRef, useState } from 'react';
import type { RadstationApi, ViewerStudy } from '../../src-shared/contract';
import { currentMeasurements, removeMeasurement, restoreMeasurements, toStored, type MeasurementSummary } from './measurements';
import { viewer } from './viewer-state';

const changeEvents = [ToolEnums.Events.ANNOTATION_COMPLETED, ToolEnums.Events.ANNOTATION_MODIFIED, ToolEnums.Events.ANNOTATION_REMOVED];

/** The measurements of the open study: listed, removable, and kept in the cache. */
export function MeasurementPanel({ api, study }: { api: RadstationApi; study: ViewerStudy }) {
  const [items, setItems] = useState<MeasurementSummary[]>([]);
  const [saveState, setSaveState] = useState<'idle' | 'saving' | 'saved' | string>('idle');
  const loaded = useRef(false);

  useEffect(() => {
    const seriesBySop = new Map<string, string>();
    for (const s of study.series) for (const i of s.instances) seriesBySop.set(i.sopInstanceUid, s.seriesInstanceUid);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const save = () => {
      timer = undefined;
      if (!loaded.current) return;
      const stored = annotation.state
        .getAllAnnotations()
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
      setItems(currentMeasurements());
      schedule(50);
    };
    const onModified = () => {
      setItems(currentMeasurements());
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
      frame = requestAnimationFrame(() => setItems(currentMeasurements()));
    };
    eventTarget.addEventListener(ToolEnums.Events.ANNOTATION_RENDERED, onRendered);
    api.call('viewer.measurements.list', { studyInstanceUid: study.studyInstanceUid }).then(
      ({ measurements }) => {
        if (!alive) return;
        restoreMeasurements(api, measurements);
        loaded.current = true;
        setItems(currentMeasurements());
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
      annotation.state.removeAllAnnotations();
    };
  }, [api, study]);

  return (
    <section className="measurement-panel" aria-label="Measurements">
      <h2>Measurements</h2>
      {items.length === 0 && <p className="hint">Pick a measuring tool and draw on the image.</p>}
      <ol data-testid="measurement-list">
        {items.map((item) => (
          <li key={item.annotationUid} data-testid="measurement" data-tool={item.toolName} data-annotation-uid={item.annotationUid}>
            <span className="measurement-label">
              {item.label}
              {item.onReformat && <span className="measurement-where" title="Drawn on a reformat (MPR); shown when MPR cuts its plane"> · MPR</span>}
            </span>
            <button type="button" aria-label="Delete measurement" onClick={() => removeMeasurement(item.annotationUid)}>
              ×
            </button>
          </li>
        ))}
      </ol>
      <p className="hint" data-testid="measurement-save-state">
        {saveState === 'saving' ? 'Saving…' : saveState === 'saved' ? 'Saved in the cache' : saveState === 'idle' ? '' : saveState}
      </p>
    </section>
  );
}
