import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../../bridge/api-context';
import { AiLabel } from '../AiLabel';
import { DomainWarnings } from '../imaging/DomainWarnings';
import { taskAvailability } from '../task-availability';
import { useActiveImage } from '../use-active-image';
import { cropImage, upsampleBicubic, type FloatImage } from '../imaging/bicubic';
import { currentImage, rectangleRoiOn, regionRequest, scaleRegion, type PixelRegion } from '../imaging/roi';
import { SeriesJobStatus } from '../imaging/SeriesJobStatus';
import { SplitView } from '../imaging/SplitView';
import { useSeriesJob, type SeriesJobRequest } from '../imaging/use-inference-job';
import { useSlicePreview, type SlicePreview } from '../imaging/use-slice-preview';
import { upsampleNearest } from '../imaging/windowing';
import { linkViewports, type LinkedPane, type PanelProps } from '../../viewer/services';

export const superResolutionTasks = ['superres-x2', 'superres-x4'] as const;
const scaleOfTask: Record<string, number> = { 'superres-x2': 2, 'superres-x4': 4 };
type Region = 'slice' | 'roi';
type Baseline = 'bicubic' | 'original';
/** What a save covers: the whole series, the slice on screen, or the ROI of that slice. */
type SaveScope = 'series' | 'slice' | 'region';
/**
 * A save as it was asked: what it covers, at which scale, by which model, and the viewport of its
 * source. The status line, the label and the side-by-side view read it, not the choices on screen,
 * which the reader may change while the job runs or after it ends.
 */
interface SaveAsked {
  scope: SaveScope;
  scale: number;
  provenance: { model: string; version: string } | undefined;
  source: LinkedPane | undefined;
}
const drawRoiFirst = 'Draw a rectangle ROI on this slice first (G, then drag on the image).';

/** The three images the before/after view compares, over the chosen region, at the output size. */
function comparison(preview: SlicePreview, scale: number, region: PixelRegion | undefined): { ai: FloatImage; bicubic: FloatImage; original: FloatImage } {
  const whole = { x0: 0, y0: 0, x1: preview.source.width, y1: preview.source.height };
  const area = region ?? whole;
  // The bicubic is computed on the whole slice and then cropped, so the ROI's borders see their neighbours as the model did.
  const bicubic = cropImage(upsampleBicubic(preview.source, scale), scaleRegion(area, scale));
  const ai = cropImage(preview.output, scaleRegion(area, scale));
  const original = upsampleNearest(cropImage(preview.source, area), scale);
  return { ai, bicubic, original };
}

/** ×2 / ×4 super-resolution of the active slice, an ROI of it, or the whole series. */
export function SuperResolutionPanel({ activeSeries, bundles, visible, showSeries, refreshStudy }: PanelProps) {
  const api = useApi();
  const image = useActiveImage();
  const tasks = useMemo(
    () => taskAvailability(bundles ?? [], superResolutionTasks, activeSeries?.modality, { 'superres-x2': '×2', 'superres-x4': '×4' }),
    [bundles, activeSeries?.modality],
  );
  const [taskId, setTaskId] = useState<string>('superres-x2');
  const [region, setRegion] = useState<Region>('slice');
  const [baseline, setBaseline] = useState<Baseline>('bicubic');
  const [roiProblem, setRoiProblem] = useState<string | undefined>();
  const [roi, setRoi] = useState<PixelRegion | undefined>();
  const [saveAsked, setSaveAsked] = useState<SaveAsked | undefined>();
  const [saveProblem, setSaveProblem] = useState<string | undefined>();
  // Where the model is measured worse than bicubic, bicubic is what the panel shows unless the reader asks for the model.
  const [showModelAnyway, setShowModelAnyway] = useState(false);
  const preview = useSlicePreview(api);
  // The saved series opens beside its source at once, linked to it, as the conversion panel's does.
  const job = useSeriesJob(api, (saved) => {
    refreshStudy();
    openBeside(saved.seriesInstanceUid);
  });
  const chosen = tasks.find((task) => task.taskId === taskId);
  const scale = scaleOfTask[taskId] ?? 2;
  const running = job.state.status === 'running' || job.state.status === 'starting';

  const bundleId = chosen?.available ? chosen.bundleId : undefined;
  useEffect(() => {
    // Opening the model while the reader looks at the panel saves the load time of the first preview.
    if (visible && bundleId) api.call('inference.warmUp', { taskId, bundleId, provider: 'auto' }).catch(() => undefined);
  }, [api, visible, taskId, bundleId]);

  const runPreview = () => {
    if (!chosen?.available) return;
    let area: PixelRegion | undefined;
    if (region === 'roi') {
      area = rectangleRoiOn(image?.imageId);
      if (!area) {
        setRoiProblem(drawRoiFirst);
        return;
      }
    }
    setRoiProblem(undefined);
    setRoi(area);
    void preview.run(taskId, chosen.bundleId, image);
  };

  const shown = preview.state.status === 'ready' && preview.state.preview.taskId === taskId ? preview.state.preview : undefined;
  const images = useMemo(() => (shown ? comparison(shown, scale, roi) : undefined), [shown, scale, roi]);
  const result = job.state.status === 'completed' ? job.state.result : undefined;
  const provenance = chosen?.available ? { model: `${chosen.bundleName} · super-resolution ${chosen.label}`, version: chosen.bundleVersion } : undefined;

  const save = (scope: SaveScope) => {
    if (!chosen?.available || !activeSeries) return;
    const request: SeriesJobRequest = { taskId, bundleId: chosen.bundleId, seriesInstanceUid: activeSeries.seriesInstanceUid };
    if (scope !== 'series') {
      const current = currentImage(image);
      if (!current) return setSaveProblem('There is no slice on screen to save.');
      request.instances = [current];
    }
    if (scope === 'region') {
      const drawn = rectangleRoiOn(image?.imageId);
      if (!drawn) return setSaveProblem(drawRoiFirst);
      // The preview knows the slice's size when it is of this slice: a ROI dragged past the edge is clipped to it.
      request.region = regionRequest(drawn, shown && shown.sopInstanceUid === image?.sopInstanceUid ? shown.source : undefined);
    }
    setSaveProblem(undefined);
    const source = image?.viewportId ? { viewportId: image.viewportId, seriesInstanceUid: activeSeries.seriesInstanceUid } : undefined;
    setSaveAsked({ scope, scale, provenance, source });
    void job.start(request, scope === 'series' ? activeSeries.instances.length : 1);
  };
  const savedText = (slices: number): string => {
    const asked = saveAsked ?? { scope: 'series', scale };
    return asked.scope === 'series'
      ? `Saved ${slices} slices ×${asked.scale} as a derived series (pixel spacing ÷${asked.scale})`
      : `Saved ${asked.scope === 'region' ? 'the region of the slice' : 'the slice'} ×${asked.scale} as a one-image derived series (pixel spacing ÷${asked.scale})`;
  };

  function openBeside(seriesUid: string): void {
    const source = saveAsked?.source;
    const resultViewport = showSeries(seriesUid, { beside: true });
    if (source && resultViewport) linkViewports(source, { viewportId: resultViewport, seriesInstanceUid: seriesUid });
  }
  const jobProvenance = running || result ? (saveAsked?.provenance ?? provenance) : undefined;

  if (!activeSeries) return <p className="hint">Show a series in a viewport to upsample it.</p>;
  return (
    <div className="imaging-panel" data-testid="superres-panel">
      {bundles === undefined && <p className="hint">Listing the installed models…</p>}
      <fieldset disabled={running}>
        <legend>Scale</legend>
        {tasks.map((task) => (
          <label key={task.taskId} title={task.available ? undefined : task.reason}>
            <input type="radio" name="superres-scale" checked={taskId === task.taskId} disabled={!task.available} onChange={() => setTaskId(task.taskId)} data-testid={`superres-${task.taskId}`} />{' '}
            {task.label}
          </label>
        ))}
        {tasks.map((task) =>
          task.available ? null : (
            <p key={task.taskId} className="hint">
              {task.label}: {task.reason}
            </p>
          ),
        )}
      </fieldset>
      <fieldset disabled={running}>
        <legend>Region of the current slice</legend>
        <label>
          <input type="radio" name="superres-region" checked={region === 'slice'} onChange={() => setRegion('slice')} data-testid="superres-region-slice" /> Whole slice
        </label>
        <label>
          <input type="radio" name="superres-region" checked={region === 'roi'} onChange={() => setRegion('roi')} data-testid="superres-region-roi" /> Rectangle ROI
        </label>
      </fieldset>
      <button type="button" onClick={runPreview} disabled={!chosen?.available || preview.state.status === 'running'} data-testid="superres-preview">
        {preview.state.status === 'running' ? 'Upsampling…' : `Preview ×${scale} of slice ${image ? image.imageIndex + 1 : '–'}`}
      </button>
      {roiProblem && <p className="error" role="alert">{roiProblem}</p>}
      {preview.state.status === 'failed' && <p className="error" role="alert" data-testid="superres-error">{preview.state.message}</p>}
      {shown && images && (
        <>
          {provenance && <AiLabel model={provenance.model} version={provenance.version} provider={shown.provider} />}
          <DomainWarnings domain={shown.domain} />
          {shown.domain.bicubicPreferred && (
            <label>
              <input type="checkbox" checked={showModelAnyway} onChange={(event) => setShowModelAnyway(event.target.checked)} data-testid="superres-show-model" /> Show the model&apos;s output anyway (measured worse than bicubic on this kind of image)
            </label>
          )}
          {shown.domain.bicubicPreferred && !showModelAnyway ? (
            <SplitView before={images.original} after={images.bicubic} beforeLabel="Original" afterLabel={`Bicubic ×${scale}`} window={shown.window} testId="superres-compare" />
          ) : (
            <>
          <label>
            Compare the AI with{' '}
            <select value={baseline} onChange={(event) => setBaseline(event.target.value as Baseline)} data-testid="superres-baseline">
              <option value="bicubic">bicubic ×{scale}</option>
              <option value="original">original pixels</option>
            </select>
          </label>
          <SplitView before={baseline === 'bicubic' ? images.bicubic : images.original} after={images.ai} beforeLabel={baseline === 'bicubic' ? 'Bicubic' : 'Original'} afterLabel="AI" window={shown.window} testId="superres-compare" />
            </>
          )}
          <p className="hint" data-testid="superres-preview-info" data-rows={shown.output.height} data-columns={shown.output.width}>
            Slice {shown.imageIndex + 1}: {shown.source.width}×{shown.source.height} → {shown.output.width}×{shown.output.height}
            {shown.pixelSpacing ? `, spacing ${shown.pixelSpacing[0].toFixed(3)}×${shown.pixelSpacing[1].toFixed(3)} mm` : ''} · model {shown.timings.inferenceMs.toFixed(0)} ms. Not saved.
          </p>
        </>
      )}
      <div className="button-row">
        <button type="button" onClick={() => save('slice')} disabled={!chosen?.available || running || !image} data-testid="superres-save-slice">
          Save this slice ×{scale}
        </button>
        {region === 'roi' && (
          <button type="button" onClick={() => save('region')} disabled={!chosen?.available || running || !image} data-testid="superres-save-region">
            Save this region ×{scale}
          </button>
        )}
        <button type="button" onClick={() => save('series')} disabled={!chosen?.available || running} data-testid="superres-save">
          Save the whole series ×{scale}
        </button>
      </div>
      {shown?.domain.bicubicPreferred && <p className="hint" data-testid="superres-save-warning">Saving writes the model&apos;s output, which is measured worse than bicubic on this kind of image.</p>}
      {saveProblem && <p className="error" role="alert" data-testid="superres-save-problem">{saveProblem}</p>}
      {jobProvenance && (
        <AiLabel model={jobProvenance.model} version={jobProvenance.version} provider={job.state.status === 'running' ? (job.state.progress.provider ?? undefined) : result?.provider} />
      )}
      <SeriesJobStatus state={job.state} onCancel={job.cancel} savedText={savedText} />
      {result && (
        <button type="button" onClick={() => openBeside(result.seriesInstanceUid)} data-testid="superres-open-result" data-series-uid={result.seriesInstanceUid}>
          Open the derived series beside the source
        </button>
      )}
    </div>
  );
}
