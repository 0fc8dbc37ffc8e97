import { useEffect, useRef } from 'react';

const size = 128;
const magnification = 3;

/**
 * A round magnifier over a canvas: the pixels under the pointer enlarged, drawn without
 * smoothing so single pixels stay visible.
 */
export function Loupe({ source, at }: { source: HTMLCanvasElement; at: { x: number; y: number } }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    // Three times the shown size, and at least two loupe pixels per image pixel, so a 1024-pixel
    // result squeezed into the side bar still shows its own pixels.
    const shownWidth = source.clientWidth || source.width;
    const perCss = source.width / shownWidth;
    const span = size / Math.max(magnification / perCss, 2);
    const centreX = at.x * source.width;
    const centreY = at.y * source.height;
    context.imageSmoothingEnabled = false;
    context.fillStyle = '#000';
    context.fillRect(0, 0, size, size);
    context.drawImage(source, centreX - span / 2, centreY - span / 2, span, span, 0, 0, size, size);
  }, [source, at]);
  return (
    <canvas
      ref={canvas}
      className="loupe"
      width={size}
      height={size}
      data-testid="loupe"
      style={{ left: `calc(${at.x * 100}% - ${size / 2}px)`, top: `calc(${at.y * 100}% - ${size + 12}px)` }}
      aria-hidden="true"
    />
  );
}
