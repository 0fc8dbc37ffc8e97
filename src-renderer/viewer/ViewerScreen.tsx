import { metaData } from '@cornerstonejs/core';
import { utilities as toolUtilities } from '@cornerstonejs/tools';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ViewerSeries, ViewerStudy } from '../../src-shared/contract';
import { PanelHost } from './panel-host/PanelHost';
import { useInstalledModels } from './panel-host/use-models';
import { useApi } from '../bridge/api-context';
import { readPlace, writePlace } from '../shell/reader-place';
import { defaultHanging, layouts, paneCount, type LayoutName } from './hanging';
import { HelpDialog } from './HelpDialog';
import { imageIdsForSeries } from './image-ids';
import { MeasurementPanel } from './MeasurementPanel';
import { MprView } from './MprView';
import { readingFocus } from './mpr-controller';
import type { Vec3 } from '../../src-shared/imaging/slice-plane';
import { handleViewerKey, presetsFor } from './shortcuts';
import { SeriesPanel } from './SeriesPanel';
import { TagBrowser } from './TagBrowser';
import { Toolbar } from './Toolbar';
import type { LeftTool } from './tool-bindings';
import { mpr, viewer } from './viewer-state';
import { useViewerEngine } from './use-viewer-engine';
import { ViewportPane } from './ViewportPane';
import type { StackReturn } from './stack-return';
import './viewer.css';
import { checkVolume } from './volume-check';
import { imageCacheBytes, volumeMemoryCheck } from './image-memory';

const viewportIds = ['vp-0', 'vp-1', 'vp-2', 'vp-3'] as const;
const toolKeys: Record<string, LeftTool> = { l: 'Length', a: 'Angle', e: 'EllipticalROI', g: 'RectangleROI', p: 'Probe', w: 'WindowLevel' };

/** Opens a study: series thumbnails, a grid of viewports, tools, measurements and tags. */
export function ViewerScreen({ studyInstanceUid, onClose }: { studyInstanceUid: string; onClose: () => void }) {
  const api = useApi();
  const [study, setStudy] = useState<ViewerStudy | undefined>();
  const { ready, failure, setFailure } = useViewerEngine({ destroyOnUnmount: false });
  const [layout, setLayout] = useState<LayoutName>('1x1');
  const [assignments, setAssignments] = useState<(string | undefined)[]>([]);
  // The controller outlives the screen: a study opened later keeps the tool chosen before.
  const [tool, setTool] = useState<LeftTool>(viewer.leftTool);
  const [hidePhi, setHidePhi] = useState(false);
  const [cine, setCine] = useState({ playing: false, fps: 15 });
  const [help, setHelp] = useState(false);
  const [studyVersion, setStudyVersion] = useState(0);
  const models = useInstalledModels(api);
  const [notice, setNotice] = useState<string | undefined>();
  /** The series shown as axial, sagittal and coronal reformats instead of the stack grid. */
  const [mprSeries, setMprSeries] = useState<ViewerSeries | undefined>();
  const [mprFocus, setMprFocus] = useState<Vec3 | undefined>();
  /** Where each pane resumes when the stack grid comes back after MPR, by viewport ID. */
  const stackReturns = useRef(new Map<string, StackReturn>());
  const takeReturn = useCallback((viewportId: string) => {
    const back = stackReturns.current.get(viewportId);
    stackReturns.current.delete(viewportId);
    return back;
  }, []);
  /** Closes MPR: the stack of the series it showed resumes where the reformats crossed. */
  const leaveMpr = useCallback(() => {
    const point = mpr.crossing();
    for (const back of stackReturns.current.values()) if (back.seriesInstanceUid === mpr.seriesInstanceUid && point) back.point = point;
    setMprSeries(undefined);
  }, []);

  useEffect(() => {
    let alive = true;
    api.call('viewer.study', { studyInstanceUid }).then(
      (value) => {
        if (!alive) return;
        setStudy(value);
        // The default hanging applies when the study opens; a refresh (a derived series saved) keeps the reader's layout.
        if (studyVersion === 0) {
          const hanging = defaultHanging(value.series);
          // After a reload, the series the reader had in the active viewport comes back there.
          const remembered = readPlace();
          const assignments = [...hanging.assignments];
          if (remembered.study === studyInstanceUid && value.series.some((s) => s.seriesInstanceUid === remembered.series)) {
            const existing = assignments.indexOf(remembered.series);
            if (existing > 0) assignments[existing] = assignments[0];
            assignments[0] = remembered.series;
          }
          setLayout(hanging.layout);
          setAssignments(assignments);
        }
      },
      (error: unknown) => alive && setFailure(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      alive = false;
    };
  }, [api, studyInstanceUid, studyVersion]);


  // A study refreshed after a derived series is saved must not reload the series already shown:
  // a series whose images are unchanged keeps the very same image ID list, so its viewport keeps
  // its stack, slice, window and zoom (a new list would restart it at image 1).
  const imageIdLists = useRef(new Map<string, { key: string; ids: string[] }>());
  const imageIds = useMemo(
    () =>
      new Map(
        (study?.series ?? []).map((s) => {
          const key = s.instances.map((instance) => `${instance.sopInstanceUid}:${instance.numberOfFrames}`).join('|');
          const known = imageIdLists.current.get(s.seriesInstanceUid);
          if (known?.key === key) return [s.seriesInstanceUid, known.ids] as const;
          const ids = imageIdsForSeries(api, s);
          imageIdLists.current.set(s.seriesInstanceUid, { key, ids });
          return [s.seriesInstanceUid, ids] as const;
        }),
      ),
    [api, study],
  );
  const firstImageIds = useMemo(() => new Map([...imageIds].map(([uid, ids]) => [uid, ids[0]])), [imageIds]);
  const activeIndex = Math.max(0, viewportIds.indexOf((viewer.activeViewportId ?? 'vp-0') as (typeof viewportIds)[number]));
  const activeSeries = study?.series.find((s) => s.seriesInstanceUid === assignments[activeIndex]);

  const activeImageId = viewer.status()?.imageId;
  const activeSeriesUid = activeSeries?.seriesInstanceUid;
  useEffect(() => {
    if (activeSeriesUid) writePlace({ study: studyInstanceUid, series: activeSeriesUid });
  }, [studyInstanceUid, activeSeriesUid]);
  const presets = useMemo(() => {
    if (mprSeries) {
      const firstId = imageIds.get(mprSeries.seriesInstanceUid)?.[0];
      return firstId ? presetsFor(mprSeries.modality, metaData.get('voiLutModule', firstId) as never, undefined) : [];
    }
    if (!activeSeries || !activeImageId) return [];
    const pixels = viewer.viewport()?.getCornerstoneImage()?.getPixelData();
    return presetsFor(activeSeries.modality, metaData.get('voiLutModule', activeImageId) as never, pixels);
    // Recomputed per image: MR presets come from each image's own file and histogram.
  }, [activeSeries, activeImageId, mprSeries, imageIds]);

  const shownWindow = mprSeries ? mpr.states()[0] : viewer.status();
  const matching = presets.findIndex(
    (preset) =>
      shownWindow?.windowWidth !== undefined &&
      shownWindow.windowCenter !== undefined &&
      Math.abs(preset.width - shownWindow.windowWidth) < 0.5 &&
      Math.abs(preset.center - shownWindow.windowCenter) < 0.5,
  );
  const currentPreset = matching >= 0 ? matching : undefined;

  const applyPreset = useCallback(
    (index: number) => {
      const preset = presets[index];
      if (preset && mprSeries) mpr.applyWindow(preset);
      else if (preset) viewer.applyWindow(preset);
    },
    [presets, mprSeries],
  );

  const chooseTool = useCallback((next: LeftTool) => {
    setTool(next);
    viewer.setLeftTool(next);
    mpr.setLeftTool(next);
  }, []);

  const updateCine = useCallback((playing: boolean, fps: number) => {
    const element = viewer.viewport()?.element;
    if (element) {
      toolUtilities.cine.stopClip(element);
      if (playing) toolUtilities.cine.playClip(element, { framesPerSecond: fps, loop: true });
    }
    setCine({ playing, fps });
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const handled = handleViewerKey(event, {
        applyPreset,
        toggleCine: () => updateCine(!cine.playing, cine.fps),
        showHelp: () => setHelp(true),
        setTool: (key) => {
          const next = toolKeys[key];
          if (next) chooseTool(next);
          return next !== undefined;
        },
      });
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [applyPreset, chooseTool, updateCine, cine]);

  useEffect(() => () => viewer.destroy(), []);

  const showSeries = useCallback((viewportId: string, seriesUid: string) => {
    const index = viewportIds.indexOf(viewportId as (typeof viewportIds)[number]);
    setAssignments((current) => {
      const next = [...current];
      next[index] = seriesUid;
      return next;
    });
  }, []);

  /** For panels: a series in the active viewport, or beside it (a 1×2 layout when only one pane shows). */
  const showSeriesFromPanel = useCallback(
    (seriesUid: string, options?: { beside?: boolean }): string => {
      leaveMpr();
      if (!options?.beside) {
        const viewportId = viewer.activeViewportId ?? 'vp-0';
        showSeries(viewportId, seriesUid);
        return viewportId;
      }
      setLayout((current) => (paneCount(current) < 2 ? '1x2' : current));
      const besideId = activeIndex === 1 ? 'vp-0' : 'vp-1';
      showSeries(besideId, seriesUid);
      return besideId;
    },
    [activeIndex, showSeries, leaveMpr],
  );
  const refreshStudy = useCallback(() => setStudyVersion((version) => version + 1), []);

  const onMpr = () => {
    if (mprSeries) {
      leaveMpr();
      return;
    }
    if (!activeSeries) return;
    const geometry = checkVolume(activeSeries.instances);
    const check = geometry.ok ? volumeMemoryCheck(activeSeries.instances, imageCacheBytes) : geometry;
    if (check.ok) {
      setNotice(undefined);
      // Read before the stack's viewport goes: MPR opens where the reader is.
      setMprFocus(readingFocus(viewer.status()?.imageId, activeSeries, imageIds.get(activeSeries.seriesInstanceUid) ?? []));
      // Each pane's place, kept for when the stack grid comes back.
      stackReturns.current.clear();
      viewportIds.slice(0, paneCount(layout)).forEach((viewportId, index) => {
        const seriesInstanceUid = assignments[index];
        const imageIndex = viewer.status(viewportId)?.imageIndex;
        if (seriesInstanceUid && imageIndex !== undefined) stackReturns.current.set(viewportId, { seriesInstanceUid, imageIndex });
      });
      setMprSeries(activeSeries);
    } else {
      setNotice(`MPR refused: ${check.reason}`);
    }
  };

  if (failure) return <p className="error" role="alert">{failure}</p>;
  if (!study || !ready) return <p className="viewer-loading">Opening the study…</p>;
  const [rows, columns] = layouts[layout];
  const shown = new Set(assignments.slice(0, paneCount(layout)).filter((uid): uid is string => uid !== undefined));

  return (
    <section className="viewer" aria-label="Viewer" data-testid="viewer">
      <Toolbar
        layout={layout}
        onLayout={(next) => {
          leaveMpr();
          setLayout(next);
        }}
        tool={tool}
        onTool={chooseTool}
        presets={presets}
        currentPreset={currentPreset}
        onPreset={applyPreset}
        hidePhi={hidePhi}
        onHidePhi={setHidePhi}
        cinePlaying={cine.playing}
        cineFps={cine.fps}
        onCine={updateCine}
        onMpr={onMpr}
        mprLabel={mprSeries ? 'Stack' : 'MPR'}
        onHelp={() => setHelp(true)}
        onClose={onClose}
      />
      {notice && (
        <p className="viewer-notice" role="status" data-testid="viewer-notice">
          {notice} <button type="button" onClick={() => setNotice(undefined)}>×</button>
        </p>
      )}
      <div className="viewer-body">
        <SeriesPanel series={study.series} firstImageIds={firstImageIds} shown={shown} onPick={(uid) => {
            leaveMpr();
            showSeries(viewer.activeViewportId ?? 'vp-0', uid);
          }} />
        {mprSeries ? (
          <MprView series={mprSeries} imageIds={imageIds.get(mprSeries.seriesInstanceUid) ?? []} focus={mprFocus} onBack={leaveMpr} />
        ) : (
        <div className="viewport-grid" style={{ gridTemplateRows: `repeat(${rows}, 1fr)`, gridTemplateColumns: `repeat(${columns}, 1fr)` }}>
          {viewportIds.slice(0, paneCount(layout)).map((viewportId, index) => {
            const series = study.series.find((s) => s.seriesInstanceUid === assignments[index]);
            return (
              <ViewportPane
                key={viewportId}
                viewportId={viewportId}
                study={study}
                series={series}
                imageIds={series ? imageIds.get(series.seriesInstanceUid) : undefined}
                active={viewer.activeViewportId === viewportId}
                hidePhi={hidePhi}
                onDropSeries={showSeries}
                takeReturn={takeReturn}
              />
            );
          })}
        </div>
        )}
        <PanelHost
          builtIn={[
            { id: 'measurements', title: 'Measurements', content: <MeasurementPanel api={api} study={study} />, keepMounted: true },
            { id: 'tags', title: 'Tags', content: <TagBrowser imageId={activeImageId} /> },
          ]}
          context={{ study, activeSeries, bundles: models.bundles, providers: models.providers, showSeries: showSeriesFromPanel, refreshStudy }}
        />
      </div>
      {help && <HelpDialog onClose={() => setHelp(false)} />}
    </section>
  );
}
