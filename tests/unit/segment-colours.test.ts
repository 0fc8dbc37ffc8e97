import { describe, expect, it } from 'vitest';
import { dicomLabToRgb, paletteColour } from '../../src-shared/imaging/segment-colours';

/** DICOM's scaled CIELab (PS3.3 C.10.7.1.1): L* 0–100 and a*, b* −128–127, each onto 0–65535. */
const scaled = (l: number, a: number, b: number): number[] => [Math.round((l * 65535) / 100), Math.round(((a + 128) * 65535) / 255), Math.round(((b + 128) * 65535) / 255)];

describe('segment colours', () => {
  it('turns CIELab (D65) into sRGB: white, black, mid grey and the sRGB primaries', () => {
    expect(dicomLabToRgb(scaled(100, 0, 0))).toEqual([255, 255, 255]);
    expect(dicomLabToRgb(scaled(0, 0, 0))).toEqual([0, 0, 0]);
    // sRGB (119, 119, 119) is L* 50.
    dicomLabToRgb(scaled(50, 0, 0)).forEach((value) => expect(Math.abs(value - 119)).toBeLessThanOrEqual(1));
    const primaries: [number[], number[]][] = [
      [[53.24, 80.09, 67.2], [255, 0, 0]],
      [[87.73, -86.18, 83.18], [0, 255, 0]],
      [[32.3, 79.19, -107.86], [0, 0, 255]],
    ];
    for (const [lab, rgb] of primaries) {
      dicomLabToRgb(scaled(lab[0]!, lab[1]!, lab[2]!)).forEach((value, channel) => expect(Math.abs(value - rgb[channel]!), `${lab.join(',')}`).toBeLessThanOrEqual(2));
    }
  });

  it('clips colours outside the sRGB gamut instead of wrapping them', () => {
    for (const value of dicomLabToRgb(scaled(60, 127, -128))) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(255);
    }
  });

  it('gives segments without a colour distinct palette colours, the same for the same number', () => {
    const first = Array.from({ length: 10 }, (_, i) => paletteColour(i + 1).join(','));
    expect(new Set(first).size).toBe(10);
    expect(paletteColour(11)).toEqual(paletteColour(1));
  });
});
