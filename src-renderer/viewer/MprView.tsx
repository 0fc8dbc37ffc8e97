import { Enums as CoreEnums, eventTarget } from '@cornerstonejs/core';
import { Enums as ToolEnums, type Types as ToolTypes } from '@cornerstonejs/tools';
import { useEffect, useRef, useState } from 'react';
import type { ViewerSeries } from '../../src-shared/contract';
import type { Vec3 } from '../../src-shared/imaging/slice-plane';
import { noteReformatSeries } from './measurements';
import { mprColours, mprOrientations, mprViewportId, type MprOrientation, type MprViewState } from './mpr-controller';
import { edgeLabels } from './orientation-labels';
import { measurementTools } from './tool-bindings';
import { mpr, viewer } from './viewer-state';

const titles: Record<MprOrientation, string> = { axial: 'Axial', sagittal: 'Sagittal', coronal: 'Coronal' };
const redrawEvents = [CoreEnums.Events.CAMERA_MODIFIED, CoreEnums.Events.VOI_MODIFIED, CoreEnums.Events.IMAGE_RENDERED];

interface MprViewProps {
  series: ViewerSeries;
  imageIds: readonly string[];
  /** Where the three planes cross when they open: the centre of the slice being read. */
  focus: Vec3 | undefined;
  onBack: () => void;
}

/** The three orthogonal reformats of one series side by side, with a way back to the stack. */
export function MprView({ series, imageIds, focus, onBack }: MprViewProps) {
  const elements = useRef<Partial<Record<MprOrientation, HTMLDivElement | null>>>({});
  const [states, setStates] = useState<MprViewState[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    mpr.setLeftTool(viewer.leftTool);
    const enabled: HTMLDivElement[] = [];
    for (const orientation of mprOrientations) {
      const element = elements.current[orientation];
      if (!element) continue;
      mpr.enablePane(orientation, element);
      enabled.push(element);
    }
    let alive = true;
    let frame = 0;
    const update = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (!alive) return;
        setStates(mpr.states());
        setLoaded(mpr.loaded());
      });
    };
    for (const element of enabled) for (const name of redrawEvents) element.addEventListener(name, update);
    // The volume fills in as slices arrive; each arrival re-renders the panes.
    eventTarget.addEventListener(CoreEnums.Events.IMAGE_VOLUME_LOADING_COMPLETED, update);
    // A measurement drawn on a reformat names no image; remember its series so it is saved with the study.
    const reformatIds = new Set(mprOrientations.map(mprViewportId));
    const onAnnotationAdded = (event: Event) => {
      const detail = (event as CustomEvent<ToolTypes.EventTypes.AnnotationAddedEventDetail>).detail;
      const uid = detail.annotation.annotationUID;
      const isMeasurement = measurementTools.includes(detail.annotation.metadata?.toolName ?? '');
      if (uid && isMeasurement && detail.viewportId && reformatIds.has(detail.viewportId)) noteReformatSeries(uid, series.seriesInstanceUid);
    };
    eventTarget.addEventListener(ToolEnums.Events.ANNOTATION_ADDED, onAnnotationAdded);
    const observer = new ResizeObserver(() => viewer.resize());
    for (const element of enabled) observer.observe(element);
    mpr.show(series.seriesInstanceUid, imageIds, focus).then(update, (reason: unknown) => alive && setError(`MPR failed: ${reason instanceof Error ? reason.message : String(reason)}`));
    return () => {
      alive = false;
      cancelAnimationFrame(frame);
      observer.disconnect();
      eventTarget.removeEventListener(CoreEnums.Events.IMAGE_VOLUME_LOADING_COMPLETED, update);
      eventTarget.removeEventListener(ToolEnums.Events.ANNOTATION_ADDED, onAnnotationAdded);
      for (const element of enabled) for (const name of redrawEvents) element.removeEventListener(name, update);
      mpr.destroy();
    };
    // The focus matters only when the views open (it is not a dependency): a later one does not move them.
  }, [series.seriesInstanceUid, imageIds]);

  return (
    <div className="mpr-view" data-testid="mpr-view" data-loaded={loaded ? 'true' : 'false'}>
      <div className="mpr-header">
        <button type="button" onClick={onBack}>
          ← Stack view
        </button>
        <span>
          MPR of {series.modality} {series.seriesNumber ?? ''} {series.seriesDescription}
          {loaded ? '' : ' · loading the volume…'}
        </span>
        <span className="hint">Measurements here use the volume's spacing and are saved with the study.</span>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="viewport-grid" style={{ gridTemplateRows: '1fr', gridTemplateColumns: 'repeat(3, 1fr)' }}>
        {mprOrientations.map((orientation) => {
          const state = states.find((s) => s.orientation === orientation);
          const edges = state ? edgeLabels(state.viewUp, state.viewPlaneNormal) : undefined;
          return (
            <div key={orientation} className="viewport-pane" data-viewport-id={`mpr-${orientation}`} data-testid={`mpr-${orientation}`} onContextMenu={(event) => event.preventDefault()}>
              <div
                ref={(element) => {
                  elements.current[orientation] = element;
                }}
                className="viewport-element"
              />
              <div className="viewport-overlays" aria-hidden="true">
                <div className="corner top-left" style={{ color: mprColours[orientation] }}>
                  {titles[orientation]}
                </div>
                {edges &&
                  (['left', 'right', 'top', 'bottom'] as const).map((edge) => (
                    <div key={edge} className={`edge-label edge-${edge}`} data-testid={`mpr-${orientation}-orientation-${edge}`}>
                      {edges[edge]}
                    </div>
                  ))}
                {state && (
                  <div className="corner bottom-left" data-testid={`mpr-${orientation}-slice`}>
                    {state.sliceIndex + 1}/{state.sliceCount}
                    {state.windowWidth !== undefined && state.windowCenter !== undefined && (
                      <div>
                        W {Math.round(state.windowWidth)} L {Math.round(state.windowCenter)}
                      </div>
                    )}
                  </div>
                )}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
