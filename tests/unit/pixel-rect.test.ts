import { describe, expect, it } from 'vitest';
import { pixelRectBetween } from '../../src-shared/imaging/pixel-rect';

describe('pixelRectBetween', () => {
  it('covers every pixel a drag touches, whichever way it goes', () => {
    expect(pixelRectBetween([300.5, 200.5], [339.5, 219.5], 640, 480)).toEqual({ x: 300, y: 200, width: 40, height: 20 });
    expect(pixelRectBetween([339.5, 219.5], [300.5, 200.5], 640, 480)).toEqual({ x: 300, y: 200, width: 40, height: 20 });
    expect(pixelRectBetween([10, 10], [12, 11], 640, 480)).toEqual({ x: 10, y: 10, width: 2, height: 1 });
  });

  it('clips to the image and gives nothing for a drag wholly outside it', () => {
    expect(pixelRectBetween([-20, -5.2], [3.1, 2], 640, 480)).toEqual({ x: 0, y: 0, width: 4, height: 2 });
    expect(pixelRectBetween([630, 470], [700, 900], 640, 480)).toEqual({ x: 630, y: 470, width: 10, height: 10 });
    expect(pixelRectBetween([650, 10], [700, 20], 640, 480)).toBeUndefined();
    expect(pixelRectBetween([Number.NaN, 10], [700, 20], 640, 480)).toBeUndefined();
  });
});
