import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import type { ImageToImageTask } from '../../../src-shared/inference/manifest';
import { scaledImagePosition, writeDerivedSlice } from '../derived/derived-dicom';
import { PixelReadError, readSlice, type DecodedSlice, type SliceGeometry } from '../pixels/dicom-pixels';
import { affine, cropWithEdgePadding, resizeBilinear, runTiled, type Plane } from '../pixels/image-ops';
import { fitNormalization } from '../pixels/normalization';
import { regionProblem, runOnRegion, type PixelRegion } from '../pixels/region';
import { WorkerTaskError } from './errors';
import type { SliceRequest, SliceResult } from './protocol';
import type { ProviderFallback, SessionCache } from './session-cache';

function applyEach(values: Float32Array, fn: (value: number) => number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = fn(values[i]!);
  return out;
}

function throwIfCancelled(flag: Int32Array | undefined): void {
  if (flag && Atomics.load(flag, 0) !== 0) throw new WorkerTaskError('cancelled', 'cancelled');
}

/** One forward pass on a plane: NCHW float32 in, the first output channel out. */
async function runPlane(session: ort.InferenceSession, task: ImageToImageTask, plane: Plane): Promise<Plane> {
  const channels = task.preprocessing.channels;
  const input = new Float32Array(channels * plane.data.length);
  for (let c = 0; c < channels; c += 1) input.set(plane.data, c * plane.data.length);
  const inputName = task.inputs[0]!.name;
  const outputName = task.outputs[0]!.name;
  const results = await session.run({ [inputName]: new ort.Tensor('float32', input, [1, channels, plane.rows, plane.columns]) });
  const output = results[outputName];
  if (!output) throw new WorkerTaskError('model-error', `the graph has no output named "${outputName}" (it has ${Object.keys(results).join(', ')})`);
  if (output.type !== 'float32') throw new WorkerTaskError('model-error', `output "${outputName}" is ${output.type}; image tasks need float32`);
  const dims = output.dims;
  const rows = dims[dims.length - 2] ?? 0;
  const columns = dims[dims.length - 1] ?? 0;
  const data = output.data as Float32Array;
  // The first channel only: image-to-image outputs here are greyscale.
  const plane0 = new Float32Array(data.buffer, data.byteOffset, rows * columns).slice();
  output.dispose();
  return { rows, columns, data: plane0 };
}

async function runSizeStrategy(session: ort.InferenceSession, task: ImageToImageTask, image: Plane, cancelFlag: Int32Array | undefined): Promise<Plane> {
  const scale = task.postprocessing.scale;
  const outRows = Math.round(image.rows * scale);
  const outColumns = Math.round(image.columns * scale);
  const size = task.preprocessing.size;
  const model = (plane: Plane): Promise<Plane> => runPlane(session, task, plane);
  switch (size.kind) {
    case 'tile':
      return runTiled(image, size.tile, size.overlap, scale, model, () => throwIfCancelled(cancelFlag));
    case 'resize': {
      const output = await model(resizeBilinear(image, size.height, size.width));
      return resizeBilinear(output, outRows, outColumns);
    }
    case 'native': {
      const multiple = size.multipleOf;
      const padded = cropWithEdgePadding(image, 0, 0, Math.ceil(image.rows / multiple) * multiple, Math.ceil(image.columns / multiple) * multiple);
      const output = await model(padded);
      const expectedRows = Math.round(padded.rows * scale);
      const expectedColumns = Math.round(padded.columns * scale);
      if (output.rows !== expectedRows || output.columns !== expectedColumns) {
        throw new WorkerTaskError('model-error', `the model returned ${output.columns}×${output.rows} for a ${padded.columns}×${padded.rows} input; the manifest's scale ${scale} expects ${expectedColumns}×${expectedRows}`);
      }
      return cropWithEdgePadding(output, 0, 0, outRows, outColumns);
    }
  }
}

/** Runs the graph, falling back to the next provider when one fails at run time too (an operator a GPU lacks). */
async function runWithFallback(
  sessions: SessionCache,
  request: SliceRequest,
  image: Plane,
): Promise<{ output: Plane; provider: SliceResult['provider']; fallbacks: ProviderFallback[] }> {
  const graphPath = path.join(request.bundle.dir, request.task.graphs[0]!);
  const fallbacks: ProviderFallback[] = [];
  for (;;) {
    const acquired = await sessions.acquire(graphPath, request.provider).catch((error: unknown) => {
      throw new WorkerTaskError('model-error', error instanceof Error ? error.message : String(error));
    });
    for (const fallback of acquired.fallbacks) if (!fallbacks.some((f) => f.provider === fallback.provider)) fallbacks.push(fallback);
    try {
      const model = (plane: Plane): Promise<Plane> => runSizeStrategy(acquired.session, request.task, plane, request.cancelFlag);
      const output = await (request.region ? runOnRegion(request.task, image, request.region, model) : model(image));
      return { output, provider: acquired.provider, fallbacks };
    } catch (error) {
      if (error instanceof WorkerTaskError || acquired.provider === 'cpu') {
        if (error instanceof WorkerTaskError) throw error;
        throw new WorkerTaskError('model-error', `the model failed on ${acquired.provider}: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sessions.markFailed(graphPath, acquired.provider, `failed while running: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
}

function scaledGeometry(slice: DecodedSlice, scale: number, rows: number, columns: number, region: PixelRegion | undefined): SliceGeometry {
  return {
    rows,
    columns,
    pixelSpacing: slice.pixelSpacing ? [slice.pixelSpacing[0] / scale, slice.pixelSpacing[1] / scale] : null,
    imagePositionPatient: scaledImagePosition(slice, scale, region ? { column: region.x, row: region.y } : undefined),
    imageOrientationPatient: slice.imageOrientationPatient,
  };
}

/** The values in modality units that the source's Bits Stored and Pixel Representation can hold. */
function storedRangeInModalityUnits(bitsStored: number, pixelRepresentation: 0 | 1, slope: number, intercept: number): [number, number] {
  const bits = Math.min(Math.max(bitsStored, 1), 16);
  const [low, high] = pixelRepresentation === 1 ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
  const ends = [low * slope + intercept, high * slope + intercept];
  return [Math.min(...ends), Math.max(...ends)];
}

function clampToStoredRange(values: Float32Array, slice: DecodedSlice, slope: number, intercept: number): Float32Array {
  const [low, high] = storedRangeInModalityUnits(slice.bitsStored, slice.pixelRepresentation, slope, intercept);
  const clamped = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += 1) clamped[i] = Math.min(high, Math.max(low, values[i]!));
  return clamped;
}

function toStored(values: Float32Array, slope: number, intercept: number, signed: boolean): Int16Array | Uint16Array {
  const stored = signed ? new Int16Array(values.length) : new Uint16Array(values.length);
  const [low, high] = signed ? [-32768, 32767] : [0, 65535];
  for (let i = 0; i < values.length; i += 1) stored[i] = Math.min(high, Math.max(low, Math.round((values[i]! - intercept) / slope)));
  return stored;
}

/** Reads one frame, runs the task on it and, when asked, writes its derived instance. */
export async function runSlice(request: SliceRequest, sessions: SessionCache): Promise<SliceResult> {
  const { task } = request;
  const started = performance.now();
  throwIfCancelled(request.cancelFlag);
  const slice = await readSlice(request.source.filePath, request.source.frame).catch((error: unknown) => {
    throw new WorkerTaskError('invalid-input', error instanceof PixelReadError ? error.message : String(error));
  });
  if (!task.accepts.modalities.includes(slice.modality)) {
    throw new WorkerTaskError('invalid-input', `task ${task.id} accepts ${task.accepts.modalities.join(', ')} images; ${path.basename(request.source.filePath)} is ${slice.modality || 'of no stated modality'}`);
  }
  const problem = request.region ? regionProblem(request.region, slice.rows, slice.columns) : undefined;
  if (problem) throw new WorkerTaskError('invalid-input', `${path.basename(request.source.filePath)}: ${problem}`);
  const read = performance.now();

  const { slope, intercept } = { slope: slice.rescaleSlope || 1, intercept: slice.rescaleIntercept };
  const useModality = task.preprocessing.modalityLut;
  // Fitted on the whole slice even for a region, so a region's values match the whole-slice result's.
  // Plain loops: TypedArray.prototype.map is several times slower in V8 on million-pixel arrays.
  const values = useModality ? affine(slice.stored, slope, intercept) : slice.stored;
  const normalization = fitNormalization(task.preprocessing.normalization, values);
  const image: Plane = { rows: slice.rows, columns: slice.columns, data: applyEach(values, normalization.forward) };
  const preprocessed = performance.now();

  const { output, provider, fallbacks } = await runWithFallback(sessions, request, image);
  const inferred = performance.now();

  const outputUnits = task.postprocessing.inverse === 'normalization' ? applyEach(output.data, normalization.inverse) : output.data;
  const changesModality = task.postprocessing.outputModality !== undefined && task.postprocessing.outputModality !== slice.modality;
  const unclamped = useModality ? outputUnits : affine(outputUnits, slope, intercept);
  // A network's overshoot (ringing at edges) can leave the range the source's stored values can
  // hold, e.g. negative MR magnitudes. Such values are artefacts, not signal: keep the source's range.
  const modalityValues = changesModality ? unclamped : clampToStoredRange(unclamped, slice, slope, intercept);
  const geometry = scaledGeometry(slice, task.postprocessing.scale, output.rows, output.columns, request.region);
  if (request.derived) {
    throwIfCancelled(request.cancelFlag);
    // Another modality's values have no use for the source's rescale; they are stored as they are.
    const rescale = changesModality ? { slope: 1, intercept: 0 } : { slope, intercept };
    let minimum = Infinity;
    for (const v of modalityValues) minimum = Math.min(minimum, (v - rescale.intercept) / rescale.slope);
    const signed = slice.pixelRepresentation === 1 || (changesModality && minimum < -0.5);
    await writeDerivedSlice({
      sourcePath: request.source.filePath,
      sourceFrame: request.source.frame,
      ...request.derived,
      task: { id: task.id, label: task.label },
      bundle: { id: request.bundle.id, version: request.bundle.version },
      scale: task.postprocessing.scale,
      ...(request.region ? { region: request.region } : {}),
      ...(changesModality ? { outputModality: task.postprocessing.outputModality } : {}),
      stored: toStored(modalityValues, rescale.slope, rescale.intercept, signed),
      geometry,
      rescale,
    });
  }
  const finished = performance.now();
  return {
    provider,
    fallbacks,
    timings: { readMs: read - started, preprocessMs: preprocessed - read, inferenceMs: inferred - preprocessed, postprocessMs: finished - inferred },
    rows: output.rows,
    columns: output.columns,
    pixelSpacing: geometry.pixelSpacing,
    ...(request.returnPixels ? { pixels: modalityValues } : {}),
    sourceSopInstanceUid: slice.sopInstanceUid,
  };
}
