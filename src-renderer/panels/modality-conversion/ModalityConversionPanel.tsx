import { useEffect, useMemo, useRef, useState } from 'react';
import type { InferenceResult } from '../../../src-shared/contract';
import { useApi } from '../../bridge/api-context';
import { linkViewports, type PanelProps } from '../../viewer/services';
import { AiLabel } from '../AiLabel';
import { DomainWarnings } from '../imaging/DomainWarnings';
import { taskAvailability } from '../task-availability';
import { useActiveImage } from '../use-active-image';
import { SeriesJobStatus } from '../imaging/SeriesJobStatus';
import { SplitView } from '../imaging/SplitView';
import { TaskChoice } from '../imaging/TaskChoice';
import { currentImage } from '../imaging/roi';
import { useSeriesJob } from '../imaging/use-inference-job';
import { useSlicePreview } from '../imaging/use-slice-preview';

export const conversionTasks = ['mr-t1-to-t2', 'mr-t2-to-t1', 'mr-t1-to-flair', 'mr-t2-to-flair', 'ct-to-mr', 'mr-to-ct'] as const;
const taskLabels: Record<string, string> = {
  'mr-t1-to-t2': 'T1 → T2',
  'mr-t2-to-t1': 'T2 → T1',
  'mr-t1-to-flair': 'T1 → FLAIR',
  'mr-t2-to-flair': 'T2 → FLAIR',
  'ct-to-mr': 'CT → MR',
  'mr-to-ct': 'MR → CT',
};

/**
 * MR contrast conversion (and CT↔MR when a model exists): preview the slice on screen, run the
 * whole series, and open the result beside its source with scroll, zoom and pan linked.
 */
export function ModalityConversionPanel({ activeSeries, bundles, visible, showSeries, refreshStudy }: PanelProps) {
  const api = useApi();
  const image = useActiveImage();
  const tasks = useMemo(() => taskAvailability(bundles ?? [], conversionTasks, activeSeries?.modality, taskLabels), [bundles, activeSeries?.modality]);
  const [picked, setPicked] = useState<string | undefined>();
  const firstAvailable = tasks.find((task) => task.available)?.taskId;
  const taskId = picked && tasks.some((task) => task.taskId === picked && task.available) ? picked : firstAvailable;
  const chosen = tasks.find((task) => task.taskId === taskId);
  const preview = useSlicePreview(api);
  // Where the source was when the job started: the result opens beside that viewport.
  const source = useRef<{ viewportId: string; seriesInstanceUid: string } | undefined>(undefined);
  const openResult = (result: InferenceResult) => {
    refreshStudy();
    const from = source.current;
    const resultViewport = showSeries(result.seriesInstanceUid, { beside: true });
    if (from && resultViewport) linkViewports(from, { viewportId: resultViewport, seriesInstanceUid: result.seriesInstanceUid });
  };
  const job = useSeriesJob(api, openResult);
  const running = job.state.status === 'running' || job.state.status === 'starting';

  const bundleId = chosen?.available ? chosen.bundleId : undefined;
  useEffect(() => {
    // Opening the model while the reader picks a task saves the load time of the first preview.
    if (visible && taskId && bundleId) api.call('inference.warmUp', { taskId, bundleId, provider: 'auto' }).catch(() => undefined);
  }, [api, visible, taskId, bundleId]);

  const [savedSlice, setSavedSlice] = useState(false);
  /** The whole series, or only the slice on screen (a one-image derived series). */
  const save = (onlyThisSlice: boolean) => {
    if (!chosen?.available || !activeSeries) return;
    const current = currentImage(image);
    if (onlyThisSlice && !current) return;
    source.current = image ? { viewportId: image.viewportId, seriesInstanceUid: activeSeries.seriesInstanceUid } : undefined;
    setSavedSlice(onlyThisSlice);
    const request = { taskId: chosen.taskId, bundleId: chosen.bundleId, seriesInstanceUid: activeSeries.seriesInstanceUid };
    void job.start(onlyThisSlice && current ? { ...request, instances: [current] } : request, onlyThisSlice ? 1 : activeSeries.instances.length);
  };

  const shown = preview.state.status === 'ready' && preview.state.preview.taskId === taskId ? preview.state.preview : undefined;
  const provenance = chosen?.available ? { model: `${chosen.bundleName} · ${chosen.label}`, version: chosen.bundleVersion } : undefined;
  const result = job.state.status === 'completed' ? job.state.result : undefined;

  if (!activeSeries) return <p className="hint">Show a series in a viewport to convert it.</p>;
  return (
    <div className="imaging-panel" data-testid="conversion-panel">
      {bundles === undefined && <p className="hint">Listing the installed models…</p>}
      <p className="hint">
        {activeSeries.modality} series {activeSeries.seriesNumber ?? ''} {activeSeries.seriesDescription} · {activeSeries.instances.length} images
      </p>
      <TaskChoice name="conversion-task" tasks={tasks} selected={taskId} onSelect={setPicked} disabled={running} />
      <button type="button" onClick={() => chosen?.available && void preview.run(chosen.taskId, chosen.bundleId, image)} disabled={!chosen?.available || preview.state.status === 'running'} data-testid="conversion-preview">
        {preview.state.status === 'running' ? 'Converting the slice…' : `Preview slice ${image ? image.imageIndex + 1 : '–'}`}
      </button>
      {preview.state.status === 'failed' && <p className="error" role="alert" data-testid="conversion-error">{preview.state.message}</p>}
      {shown && provenance && (
        <>
          <AiLabel model={provenance.model} version={provenance.version} provider={shown.provider} />
          <DomainWarnings domain={shown.domain} />
          <SplitView before={shown.source} after={shown.output} beforeLabel="Source" afterLabel={chosen?.label ?? 'AI'} window={shown.window} testId="conversion-compare" />
          <p className="hint" data-testid="conversion-preview-info">
            Slice {shown.imageIndex + 1} · model {shown.timings.inferenceMs.toFixed(0)} ms. Not saved.
          </p>
        </>
      )}
      <div className="button-row">
        <button type="button" onClick={() => save(true)} disabled={!chosen?.available || running || !image?.sopInstanceUid} data-testid="conversion-save-slice">
          Convert this slice and save it
        </button>
        <button type="button" onClick={() => save(false)} disabled={!chosen?.available || running} data-testid="conversion-run">
          Convert the whole series and save it
        </button>
      </div>
      {(running || result) && provenance && (
        <AiLabel model={provenance.model} version={provenance.version} provider={job.state.status === 'running' ? (job.state.progress.provider ?? undefined) : result?.provider} />
      )}
      <SeriesJobStatus state={job.state} onCancel={job.cancel} savedText={(slices) => (savedSlice ? 'Saved the converted slice as a one-image derived series, opened beside the source' : `Saved ${slices} converted slices as a derived series, opened beside the source`)} />
      {result && (
        <button type="button" onClick={() => openResult(result)} data-testid="conversion-open-result" data-series-uid={result.seriesInstanceUid}>
          Show it beside the source again
        </button>
      )}
    </div>
  );
}
