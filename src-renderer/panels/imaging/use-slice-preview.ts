import { useCallback, useRef, useState } from 'react';
import { decodePreviewPixels, type ExecutionProviderName, type InferenceTimings, type InputDomain, type RadstationApi } from '../../../src-shared/contract';
import type { ActiveImage } from '../../viewer/services';
import type { FloatImage } from './bicubic';
import { modalityPixels } from './source-pixels';
import { errorText } from './use-inference-job';
import { fallbackWindow, type DisplayWindow } from './windowing';

/** A model's output for the slice on screen, with the source slice it came from. */
export interface SlicePreview {
  taskId: string;
  bundleId: string;
  provider: ExecutionProviderName;
  fallbacks: { provider: string; reason: string }[];
  timings: InferenceTimings;
  source: FloatImage;
  output: FloatImage;
  /** Output pixel spacing in mm (row, column), when the source has one. */
  pixelSpacing: [number, number] | null;
  /** The viewport's window when the preview was made, else one fitted to the source. */
  window: DisplayWindow;
  sopInstanceUid: string;
  imageIndex: number;
  /** How this input compares with the model's training data. */
  domain: InputDomain;
}

export type SlicePreviewState = { status: 'idle' } | { status: 'running' } | { status: 'ready'; preview: SlicePreview } | { status: 'failed'; message: string };

/** Runs inference.preview on the active slice (nothing is saved) and reads the source pixels beside it. */
export function useSlicePreview(api: RadstationApi) {
  const [state, setState] = useState<SlicePreviewState>({ status: 'idle' });
  const request = useRef(0);

  const run = useCallback(
    async (taskId: string, bundleId: string | undefined, image: ActiveImage | undefined) => {
      const sopInstanceUid = image?.sopInstanceUid;
      if (!image || !sopInstanceUid) {
        setState({ status: 'failed', message: 'Show a slice in the active viewport first.' });
        return;
      }
      const mine = ++request.current;
      setState({ status: 'running' });
      try {
        const [answer, source] = await Promise.all([
          api.call('inference.preview', { taskId, ...(bundleId ? { bundleId } : {}), provider: 'auto', sopInstanceUid, frame: (image.frame ?? 1) - 1 }),
          modalityPixels(image.imageId),
        ]);
        if (mine !== request.current) return;
        const output: FloatImage = { width: answer.image.columns, height: answer.image.rows, pixels: decodePreviewPixels(answer.image.pixels) };
        const window =
          image.windowCenter !== undefined && image.windowWidth !== undefined
            ? { center: image.windowCenter, width: image.windowWidth, lutFunction: image.voiLutFunction }
            : fallbackWindow(source);
        setState({
          status: 'ready',
          preview: {
            taskId: answer.taskId,
            bundleId: answer.bundleId,
            provider: answer.provider,
            fallbacks: answer.fallbacks,
            timings: answer.timings,
            source,
            output,
            pixelSpacing: answer.image.pixelSpacing,
            window,
            sopInstanceUid,
            imageIndex: image.imageIndex,
            domain: answer.domain,
          },
        });
      } catch (error) {
        if (mine === request.current) setState({ status: 'failed', message: `The preview failed: ${errorText(error)}` });
      }
    },
    [api],
  );

  const clear = useCallback(() => {
    request.current += 1;
    setState({ status: 'idle' });
  }, []);
  return { state, run, clear };
}
