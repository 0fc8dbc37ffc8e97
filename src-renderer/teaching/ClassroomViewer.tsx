import { useEffect, useMemo, useState, type MouseEvent as ReactMouseEvent } from 'react';
import type { ViewerStudy } from '../../src-shared/contract';
import { useApi } from '../bridge/api-context';
import { imageIdsForSeries } from '../viewer/image-ids';
import { SeriesPanel } from '../viewer/SeriesPanel';
import { imagePointAt, isTeacherAnnotation } from '../viewer/teaching-view';
import type { LeftTool } from '../viewer/tool-bindings';
import { viewer } from '../viewer/viewer-state';
import { useMeasurementStore } from '../viewer/use-measurement-store';
import { useViewerEngine } from '../viewer/use-viewer-engine';
import { ViewportPane } from '../viewer/ViewportPane';
import '../viewer/viewer.css';

const viewportId = 'vp-0';
const tools: { tool: LeftTool; label: string }[] = [
  { tool: 'WindowLevel', label: 'Window' },
  { tool: 'Pan', label: 'Pan' },
  { tool: 'Zoom', label: 'Zoom' },
  { tool: 'Length', label: 'Length' },
  { tool: 'EllipticalROI', label: 'Ellipse' },
];

export interface ImagePoint {
  sopInstanceUid: string;
  x: number;
  y: number;
}

interface Props {
  studyInstanceUid: string;
  /** The series to show; undefined shows the study's first. */
  seriesInstanceUid: string | undefined;
  onSeries: (seriesInstanceUid: string) => void;
  /** Once the series' stack is in the viewport (a following student then applies the teacher's view). */
  onStackShown: (seriesInstanceUid: string) => void;
  /** A press, wheel or key on the image by the user (a following student steps out). */
  onUserInput?: () => void;
  /** While set, a click on the image picks a point instead of using the tool. */
  pickPoint?: ((point: ImagePoint) => void) | undefined;
  /** A student's own measurements are kept by the session (never the teacher's, shown by follow-me). */
  keepMeasurements?: boolean;
}

const isOwnMeasurement = (annotationUid: string): boolean => !isTeacherAnnotation(annotationUid);

/**
 * The classroom's viewer: the case's series, one viewport and the tools a class needs
 * (window, pan, zoom, measure). Nothing here writes to a cache, makes a series or edits a report;
 * a student's measurements are kept in the session's memory by the main process.
 */
export function ClassroomViewer({ studyInstanceUid, seriesInstanceUid, onSeries, onStackShown, onUserInput, pickPoint, keepMeasurements = false }: Props) {
  const api = useApi();
  const { ready, failure, setFailure } = useViewerEngine({ destroyOnUnmount: true });
  const [study, setStudy] = useState<ViewerStudy | undefined>();
  const [tool, setTool] = useState<LeftTool>(viewer.leftTool);
  useMeasurementStore(api, keepMeasurements && ready ? study : undefined, isOwnMeasurement);

  useEffect(() => {
    let alive = true;
    setStudy(undefined);
    api.call('viewer.study', { studyInstanceUid }).then(
      (value) => alive && setStudy(value),
      (error: unknown) => alive && setFailure(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      alive = false;
    };
  }, [api, studyInstanceUid]);

  const series = study?.series.find((s) => s.seriesInstanceUid === seriesInstanceUid) ?? study?.series[0];
  useEffect(() => {
    if (series && series.seriesInstanceUid !== seriesInstanceUid) onSeries(series.seriesInstanceUid);
  }, [series, seriesInstanceUid, onSeries]);

  const imageIds = useMemo(() => new Map((study?.series ?? []).map((s) => [s.seriesInstanceUid, imageIdsForSeries(api, s)])), [api, study]);
  const firstImageIds = useMemo(() => new Map([...imageIds].map(([uid, ids]) => [uid, ids[0]])), [imageIds]);

  if (failure) return <p className="error" role="alert">{failure}</p>;
  if (!study || !ready) return <p className="viewer-loading">Opening the case…</p>;

  const choose = (next: LeftTool) => {
    setTool(next);
    viewer.setLeftTool(next);
  };
  const pick = (event: ReactMouseEvent) => {
    const point = imagePointAt(event.clientX, event.clientY, viewportId);
    if (point && pickPoint) pickPoint(point);
  };

  return (
    <section className="viewer classroom-viewer" aria-label="Viewer" data-testid="viewer">
      <div className="viewer-toolbar" role="toolbar" aria-label="Tools">
        <span className="group">
          {tools.map((entry) => (
            <button key={entry.tool} type="button" aria-pressed={tool === entry.tool} onClick={() => choose(entry.tool)}>
              {entry.label}
            </button>
          ))}
        </span>
        <button type="button" onClick={() => viewer.fit(viewportId)}>
          Fit
        </button>
      </div>
      <div className="viewer-body">
        <SeriesPanel
          series={study.series}
          firstImageIds={firstImageIds}
          shown={new Set(series ? [series.seriesInstanceUid] : [])}
          onPick={(uid) => {
            onUserInput?.();
            onSeries(uid);
          }}
        />
        <div
          className="viewport-grid"
          onPointerDownCapture={() => onUserInput?.()}
          onWheelCapture={() => onUserInput?.()}
          onKeyDownCapture={() => onUserInput?.()}
        >
          <ViewportPane
            viewportId={viewportId}
            study={study}
            series={series}
            imageIds={series ? imageIds.get(series.seriesInstanceUid) : undefined}
            active
            hidePhi
            onDropSeries={(_, uid) => onSeries(uid)}
            onFirstImage={() => series && onStackShown(series.seriesInstanceUid)}
          />
          {pickPoint && (
            <div className="pick-overlay" data-testid="pick-overlay" title="Click where the finding is" onClick={pick}>
              Click on the image
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
