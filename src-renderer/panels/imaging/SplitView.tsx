import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { FloatImage } from './bicubic';
import { Loupe } from './Loupe';
import { windowToRgba, type DisplayWindow } from './windowing';

interface Props {
  /** Shown left of the divider. */
  before: FloatImage;
  /** Shown right of the divider; the same size as `before`. */
  after: FloatImage;
  beforeLabel: string;
  afterLabel: string;
  window: DisplayWindow;
  testId?: string;
}

function canvasOf(image: FloatImage, window: DisplayWindow): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d')?.putImageData(windowToRgba(image, window), 0, 0);
  return canvas;
}

/**
 * Before/after over the same region: one canvas, the "before" image left of a draggable
 * divider and the "after" image right of it, and a magnifier loupe under the pointer.
 */
export function SplitView({ before, after, beforeLabel, afterLabel, window, testId = 'split-view' }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [split, setSplit] = useState(0.5);
  const [dragging, setDragging] = useState(false);
  const [pointer, setPointer] = useState<{ x: number; y: number } | undefined>();
  const layers = useMemo(() => ({ before: canvasOf(before, window), after: canvasOf(after, window) }), [before, after, window]);
  const sameSize = before.width === after.width && before.height === after.height;

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context || !sameSize) return;
    const { width, height } = after;
    const cut = Math.round(width * split);
    context.clearRect(0, 0, width, height);
    context.drawImage(layers.after, 0, 0);
    if (cut > 0) context.drawImage(layers.before, 0, 0, cut, height, 0, 0, cut, height);
  }, [layers, split, after, sameSize]);

  if (!sameSize) {
    return (
      <p className="error" role="alert">
        The images to compare differ in size ({before.width}×{before.height} and {after.width}×{after.height}).
      </p>
    );
  }

  const fraction = (event: ReactPointerEvent) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: (event.clientX - rect.left) / rect.width, y: (event.clientY - rect.top) / rect.height };
  };
  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    setDragging(true);
    setSplit(Math.min(1, Math.max(0, fraction(event).x)));
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>) => {
    const at = fraction(event);
    if (dragging) setSplit(Math.min(1, Math.max(0, at.x)));
    setPointer(at.x >= 0 && at.x <= 1 && at.y >= 0 && at.y <= 1 ? at : undefined);
  };

  return (
    <figure className="split-view" data-testid={testId}>
      <div
        className="split-stage"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => setDragging(false)}
        onPointerLeave={() => setPointer(undefined)}
        role="presentation"
      >
        <canvas ref={canvas} width={after.width} height={after.height} data-testid={`${testId}-canvas`} />
        <div className="split-divider" style={{ left: `${split * 100}%` }} aria-hidden="true" />
        <span className="split-tag split-tag-left">{beforeLabel}</span>
        <span className="split-tag split-tag-right">{afterLabel}</span>
        {pointer && !dragging && canvas.current && <Loupe source={canvas.current} at={pointer} />}
      </div>
      <input
        type="range"
        min={0}
        max={100}
        value={Math.round(split * 100)}
        onChange={(event) => setSplit(Number(event.target.value) / 100)}
        aria-label={`Divider between ${beforeLabel} and ${afterLabel}`}
        data-testid={`${testId}-divider`}
      />
      <figcaption className="hint">
        {after.width}×{after.height} px · drag to compare, hover to magnify
      </figcaption>
    </figure>
  );
}
