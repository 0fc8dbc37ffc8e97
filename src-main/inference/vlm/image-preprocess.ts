/**
 * HealthGPT's image path for a DICOM slice: the viewer's windowed pixels become an RGB image, which
 * is padded to a square with CLIP's mean colour (HealthGPT's expand2square), resized with PIL's
 * bicubic filter (CLIPImageProcessor resizes through PIL) and normalised with CLIP's mean and std.
 * The resize reproduces PIL's fixed-point two-pass algorithm so pixels match PIL exactly.
 */

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved R, G, B bytes, row-major. */
  data: Uint8Array;
}

/** Grey levels (one byte a pixel, e.g. a windowed CT slice) or RGB, as the viewer renders them. */
export interface PixelImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

export interface Roi {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** DICOM's linear VOI window (PS3.3 C.11.2.1.2) from modality values to 8-bit grey. */
export function windowToGrey(values: ArrayLike<number>, center: number, width: number): Uint8Array {
  const out = new Uint8Array(values.length);
  const low = center - 0.5 - (width - 1) / 2;
  const high = center - 0.5 + (width - 1) / 2;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] ?? 0;
    out[i] = x <= low ? 0 : x > high ? 255 : Math.round(((x - (center - 0.5)) / (width - 1) + 0.5) * 255);
  }
  return out;
}

/** PIL's convert('RGB'): grey is copied into all three channels. */
export function toRgb(image: PixelImage, roi?: Roi): RgbImage {
  const box = roi ?? { x: 0, y: 0, width: image.width, height: image.height };
  if (box.x < 0 || box.y < 0 || box.width < 1 || box.height < 1 || box.x + box.width > image.width || box.y + box.height > image.height) {
    throw new Error(`region ${JSON.stringify(box)} is outside the ${image.width}×${image.height} image`);
  }
  const data = new Uint8Array(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const src = ((box.y + y) * image.width + box.x + x) * image.channels;
      const dst = (y * box.width + x) * 3;
      for (let c = 0; c < 3; c++) data[dst + c] = image.data[src + (image.channels === 3 ? c : 0)] ?? 0;
    }
  }
  return { width: box.width, height: box.height, data };
}

/** expand2square: the image centred on a square of `fill`, offset by floor((long - short) / 2). */
export function expandToSquare(image: RgbImage, fill: readonly [number, number, number]): RgbImage {
  const side = Math.max(image.width, image.height);
  if (image.width === image.height) return image;
  const data = new Uint8Array(side * side * 3);
  for (let i = 0; i < side * side; i++) data.set(fill, i * 3);
  const offX = Math.floor((side - image.width) / 2);
  const offY = Math.floor((side - image.height) / 2);
  for (let y = 0; y < image.height; y++) {
    data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((offY + y) * side + offX) * 3);
  }
  return { width: side, height: side, data };
}

const PRECISION_BITS = 32 - 8 - 2;

function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** PIL's precompute_coeffs + normalize_coeffs_8bpc: per output index, a first input index and integer weights. */
function coefficients(inSize: number, outSize: number): { first: Int32Array; count: Int32Array; weights: Int32Array; kernel: number } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const kernel = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * kernel);
  const row = new Float64Array(kernel);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) total += row[x] = bicubic((x + xmin - center + 0.5) / filterScale);
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? (row[x] ?? 0) / total : row[x] ?? 0;
      weights[xx * kernel + x] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  return { first, count, weights, kernel };
}

function clip8(accumulator: number): number {
  const v = accumulator >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function resampleAxis(image: RgbImage, outSize: number, horizontal: boolean): RgbImage {
  const inSize = horizontal ? image.width : image.height;
  const { first, count, weights, kernel } = coefficients(inSize, outSize);
  const width = horizontal ? outSize : image.width;
  const height = horizontal ? image.height : outSize;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = horizontal ? x : y;
      for (let c = 0; c < 3; c++) {
        // Integer arithmetic as PIL does it; products stay below 2^31 because weights are < 2^22 in sum.
        let acc = 1 << (PRECISION_BITS - 1);
        for (let k = 0; k < (count[o] ?? 0); k++) {
          const src = horizontal ? (y * image.width + (first[o] ?? 0) + k) * 3 + c : (((first[o] ?? 0) + k) * image.width + x) * 3 + c;
          acc += (image.data[src] ?? 0) * (weights[o * kernel + k] ?? 0);
        }
        data[(y * width + x) * 3 + c] = clip8(acc);
      }
    }
  }
  return { width, height, data };
}

/** Image.resize((w, h), BICUBIC): horizontal pass first, each pass only where the size changes. */
export function resizeBicubic(image: RgbImage, width: number, height: number): RgbImage {
  let out = image;
  if (width !== image.width) out = resampleAxis(out, width, true);
  if (height !== image.height) out = resampleAxis(out, height, false);
  return out;
}

export interface ClipImageSettings {
  size: number;
  mean: readonly number[];
  std: readonly number[];
  padToSquare: boolean;
}

/** The pixel_values tensor [1, 3, size, size] for the vision encoder. */
export function clipPixelValues(image: RgbImage, s: ClipImageSettings): Float32Array {
  const fill = s.mean.map((m) => Math.trunc(m * 255)) as [number, number, number];
  let square = s.padToSquare ? expandToSquare(image, fill) : image;
  square = resizeBicubic(square, s.size, s.size);
  const plane = s.size * s.size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      out[c * plane + i] = ((square.data[i * 3 + c] ?? 0) / 255 - (s.mean[c] ?? 0)) / (s.std[c] ?? 1);
    }
  }
  return out;
}
