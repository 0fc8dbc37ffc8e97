/**
 * Display colours of segmentation segments: the Recommended Display CIELab Value a SEG may
 * carry (PS3.3 C.10.7.1.1), turned into sRGB, or a fixed palette for segments without one.
 */

export type Rgb = [number, number, number];

/** CIE XYZ of the D65 white point, which DICOM's CIELab values are relative to. */
const whitePoint = [0.950456, 1, 1.088754] as const;

/** sRGB's transfer function on a linear value in 0–1. */
function gammaEncode(linear: number): number {
  const clipped = Math.min(1, Math.max(0, linear));
  return clipped <= 0.0031308 ? 12.92 * clipped : 1.055 * clipped ** (1 / 2.4) - 0.055;
}

/** The inverse of CIELab's f(t). */
function fInverse(t: number): number {
  const delta = 6 / 29;
  return t > delta ? t ** 3 : 3 * delta * delta * (t - 4 / 29);
}

/**
 * A DICOM CIELab triplet (L* scaled 0–100 to 0–65535, a* and b* scaled −128–127 to 0–65535)
 * as 8-bit sRGB, colours outside the gamut clipped.
 */
export function dicomLabToRgb(scaled: readonly number[]): Rgb {
  const [sl = 0, sa = 0, sb = 0] = scaled;
  const l = (sl * 100) / 65535;
  const a = (sa * 255) / 65535 - 128;
  const b = (sb * 255) / 65535 - 128;
  const fy = (l + 16) / 116;
  const x = whitePoint[0] * fInverse(fy + a / 500);
  const y = whitePoint[1] * fInverse(fy);
  const z = whitePoint[2] * fInverse(fy - b / 200);
  const linear = [
    3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
    -0.969266 * x + 1.8760108 * y + 0.041556 * z,
    0.0556434 * x - 0.2040259 * y + 1.0572252 * z,
  ];
  return linear.map((value) => Math.round(gammaEncode(value) * 255)) as Rgb;
}

/** Distinct, saturated colours for segments with no recommended colour, by segment number. */
const palette: readonly Rgb[] = [
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [240, 228, 66],
  [0, 114, 178],
  [213, 94, 0],
  [204, 121, 167],
  [128, 220, 60],
  [160, 90, 255],
  [255, 90, 120],
];

export function paletteColour(segmentNumber: number): Rgb {
  const index = (((segmentNumber - 1) % palette.length) + palette.length) % palette.length;
  return [...palette[index]!] as Rgb;
}
