import { applyRescale } from '../../../src-shared/imaging/modality-lut';
import { resampleFloat } from '../../../src-shared/imaging/resample';

/** A single-channel float image, row-major. */
export interface Plane {
  rows: number;
  columns: number;
  data: Float32Array;
}

/** Every value × slope + intercept: the modality LUT when given a file's rescale slope and intercept (src-shared/imaging). */
export function affine(values: Float32Array, slope: number, intercept: number): Float32Array {
  return Float32Array.from(applyRescale(values, { slope, intercept }));
}

/** Bilinear resampling with pixel centres aligned (align_corners = false) and no antialiasing, as PyTorch and ONNX Resize do by default. */
export function resizeBilinear(source: Plane, rows: number, columns: number): Plane {
  const out = resampleFloat({ width: source.columns, height: source.rows, channels: 1, data: source.data }, columns, rows, { kernel: 'bilinear', antialias: false });
  return { rows, columns, data: out.data };
}

/** Copies a window of the plane, repeating edge pixels where the window runs past the image. */
export function cropWithEdgePadding(source: Plane, top: number, left: number, rows: number, columns: number): Plane {
  const data = new Float32Array(rows * columns);
  for (let y = 0; y < rows; y += 1) {
    const sy = Math.min(source.rows - 1, Math.max(0, top + y));
    for (let x = 0; x < columns; x += 1) {
      const sx = Math.min(source.columns - 1, Math.max(0, left + x));
      data[y * columns + x] = source.data[sy * source.columns + sx]!;
    }
  }
  return { rows, columns, data };
}

/** Start offsets of tiles of `tile` pixels overlapping by `overlap` that cover `length`; the last one ends at the edge. */
export function tileStarts(length: number, tile: number, overlap: number): number[] {
  if (length <= tile) return [0];
  const stride = Math.max(1, tile - overlap);
  const starts: number[] = [];
  for (let start = 0; start + tile < length; start += stride) starts.push(start);
  starts.push(length - tile);
  return starts;
}

/**
 * Blending weight along one tile axis: 1 in the middle, ramping down across the overlap
 * so seams fade between neighbouring tiles. Never 0, so every pixel has some weight.
 */
function ramp(length: number, overlap: number): Float32Array {
  const weights = new Float32Array(length).fill(1);
  if (overlap <= 0) return weights;
  for (let i = 0; i < length; i += 1) weights[i] = Math.min(1, (i + 0.5) / overlap, (length - i - 0.5) / overlap);
  return weights;
}

export type PlaneModel = (input: Plane) => Promise<Plane>;

/**
 * Runs `model` on overlapping tiles and blends the outputs, so memory depends on the
 * tile size and not on the image. `scale` is output pixels per input pixel.
 */
export async function runTiled(image: Plane, tile: number, overlap: number, scale: number, model: PlaneModel, beforeEachTile: () => void): Promise<Plane> {
  const outRows = Math.round(image.rows * scale);
  const outColumns = Math.round(image.columns * scale);
  // Float64 accumulators keep the blend of equal values exact to float32 precision.
  const sum = new Float64Array(outRows * outColumns);
  const weightSum = new Float64Array(outRows * outColumns);
  const outTile = Math.round(tile * scale);
  const weights = ramp(outTile, Math.round(overlap * scale));
  for (const top of tileStarts(image.rows, tile, overlap)) {
    for (const left of tileStarts(image.columns, tile, overlap)) {
      beforeEachTile();
      const output = await model(cropWithEdgePadding(image, top, left, tile, tile));
      if (output.rows !== outTile || output.columns !== outTile) {
        throw new Error(`the model returned a ${output.columns}×${output.rows} tile for a ${tile}×${tile} input; the manifest's scale ${scale} expects ${outTile}×${outTile}`);
      }
      const outTop = Math.round(top * scale);
      const outLeft = Math.round(left * scale);
      for (let y = 0; y < outTile && outTop + y < outRows; y += 1) {
        for (let x = 0; x < outTile && outLeft + x < outColumns; x += 1) {
          const weight = weights[y]! * weights[x]!;
          const index = (outTop + y) * outColumns + outLeft + x;
          sum[index] = sum[index]! + output.data[y * outTile + x]! * weight;
          weightSum[index] = weightSum[index]! + weight;
        }
      }
    }
  }
  const data = new Float32Array(sum.length);
  for (let i = 0; i < sum.length; i += 1) data[i] = sum[i]! / weightSum[i]!;
  return { rows: outRows, columns: outColumns, data };
}
