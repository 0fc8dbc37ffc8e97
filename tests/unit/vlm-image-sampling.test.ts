import { describe, expect, it } from 'vitest';
import { clipPixelValues, expandToSquare, resizeBicubic, toRgb, windowToGrey } from '../../src-main/inference/vlm/image-preprocess';
import { argmax, sampleTopP, seededRandom } from '../../src-main/inference/vlm/sampling';

describe('VLM image preprocessing', () => {
  it('windows modality values with the DICOM linear function', () => {
    // center 40, width 400: values at or below -160 are black, above 239 white, c - 0.5 is mid-grey.
    expect(Array.from(windowToGrey([-1000, -160, 39.5, 240, 3000], 40, 400))).toEqual([0, 0, 128, 255, 255]);
  });

  it('copies grey into three channels and crops a region of interest', () => {
    const grey = { width: 3, height: 2, channels: 1 as const, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    expect(Array.from(toRgb(grey, { x: 1, y: 1, width: 2, height: 1 }).data)).toEqual([5, 5, 5, 6, 6, 6]);
    expect(() => toRgb(grey, { x: 2, y: 0, width: 2, height: 1 })).toThrow(/outside/);
  });

  it('pads to a square with the fill colour, centred with the floor offset', () => {
    const wide = { width: 3, height: 1, data: Uint8Array.from([10, 10, 10, 20, 20, 20, 30, 30, 30]) };
    const square = expandToSquare(wide, [1, 2, 3]);
    expect(square.width).toBe(3);
    expect(Array.from(square.data.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(Array.from(square.data.subarray(9, 18))).toEqual([10, 10, 10, 20, 20, 20, 30, 30, 30]);
    const tall = expandToSquare({ width: 1, height: 2, data: Uint8Array.from([9, 9, 9, 8, 8, 8]) }, [0, 0, 0]);
    expect(Array.from(tall.data)).toEqual([9, 9, 9, 0, 0, 0, 8, 8, 8, 0, 0, 0]);
  });

  it('keeps a flat image flat through the bicubic resize, up and down', () => {
    const flat = { width: 7, height: 5, data: new Uint8Array(7 * 5 * 3).fill(77) };
    expect(resizeBicubic(flat, 3, 3).data.every((v) => v === 77)).toBe(true);
    expect(resizeBicubic(flat, 11, 9).data.every((v) => v === 77)).toBe(true);
  });

  it('normalises with the CLIP mean and std into a planar tensor', () => {
    const image = { width: 2, height: 2, data: new Uint8Array(12).fill(255) };
    const pixels = clipPixelValues(image, { size: 2, mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 0.5], padToSquare: true });
    expect(Array.from(pixels)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1]);
  });
});

describe('token choice', () => {
  const logits = Float32Array.from([0.1, 3, 2.9, -1]);

  it('greedy picks the largest logit', () => {
    expect(argmax(logits)).toBe(1);
  });

  it('top-p keeps only the nucleus and is reproducible from its seed', () => {
    const draws = (seed: number) => Array.from({ length: 200 }, ((r) => () => sampleTopP(logits, 0.9, 1, r))(seededRandom(seed)));
    const first = draws(7);
    expect(draws(7)).toEqual(first);
    // Tokens 1 and 2 hold ~0.94 of the mass; token 0 and 3 fall outside a 0.9 nucleus.
    expect(new Set(first)).toEqual(new Set([1, 2]));
    expect(Array.from({ length: 20 }, () => sampleTopP(logits, 0.01, 1, seededRandom(1)))).toEqual(new Array(20).fill(1));
  });
});
