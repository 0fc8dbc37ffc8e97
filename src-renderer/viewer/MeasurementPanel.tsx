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
    const onChange = (event: Event) => {
      setItems(currentMeasurements());
      if (event.type !== ToolEnums.Events.ANNOTATION_MODIFIED || !timer) {
        clearTimeout(timer);
        timer = setTimeout(save, event.type === ToolEnums.Events.ANNOTATION_MODIFIED ? 600 : 50);
      }
    };
    const onModified = () => {
      setItems(currentMeasurements());
      clearTimeout(timer);
      timer = setTimeout(save, 600);
    };
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
      alive = false;
      clearTimeout(timer);
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
            <span className="measurement-label">{item.label}</span>
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
