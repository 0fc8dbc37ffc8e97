import { Enums, getRenderingEngine, RenderingEngine, utilities, type StackViewport, type Types } from '@cornerstonejs/core';
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type WheelEvent as ReactWheelEvent } from 'react';
import { pixelRectBetween, type PixelRect } from '../../src-shared/imaging/pixel-rect';
import { initCornerstone } from '../viewer/cornerstone-init';

/** Its own engine, so drawing here never disturbs the viewer's viewports, tools or annotations. */
const engineId = 'deidentify-blackout';
const viewportId = 'deidentify-blackout-viewport';
/** A press that moves less than this (screen pixels) is a click, not a rectangle. */
const minimumDrag = 3;

interface Props {
  imageId: string;
  columns: number;
  rows: number;
  rects: readonly PixelRect[];
  onChange: (rects: PixelRect[]) => void;
  onDone: () => void;
}

type Gesture = { kind: 'draw'; start: Types.Point2; end: Types.Point2 } | { kind: 'pan'; last: Types.Point2 };

/**
 * Shows one image so the user can draw the rectangles to black out (the Clean Pixel Data option):
 * the left button draws, the right button pans, the wheel and buttons zoom. Rectangles are kept in
 * image pixels, converted through the viewport's camera, so zoom and pan never change what is covered.
 */
export function BlackoutEditor({ imageId, columns, rows, rects, onChange, onDone }: Props) {
  const element = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<StackViewport | undefined>(undefined);
  const [ready, setReady] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [gesture, setGestureState] = useState<Gesture>();
  // The handlers read the gesture from a ref: pointer events can come faster than React re-renders,
  // and a handler reading the rendered state would lose the moves made in between (a pan fell short).
  const gestureRef = useRef<Gesture | undefined>(undefined);
  const setGesture = (next: Gesture | undefined) => {
    gestureRef.current = next;
    setGestureState(next);
  };
  // The overlay is drawn in screen space: redraw it whenever the camera moves.
  const [, setCameraTick] = useState(0);

  useEffect(() => {
    let alive = true;
    const target = element.current;
    const onCamera = () => setCameraTick((tick) => tick + 1);
    void (async () => {
      await initCornerstone();
      if (!alive || !target) return;
      getRenderingEngine(engineId)?.destroy();
      const engine = new RenderingEngine(engineId);
      engine.enableElement({ viewportId, type: Enums.ViewportType.STACK, element: target, defaultOptions: { background: [0, 0, 0] } });
      const viewport = engine.getViewport(viewportId) as StackViewport;
      await viewport.setStack([imageId], 0);
      if (!alive) return;
      viewport.render();
      viewportRef.current = viewport;
      target.addEventListener(Enums.Events.CAMERA_MODIFIED, onCamera);
      setReady(true);
    })().catch((error: unknown) => alive && setFailure(`The image could not be shown: ${error instanceof Error ? error.message : String(error)}`));
    return () => {
      alive = false;
      target?.removeEventListener(Enums.Events.CAMERA_MODIFIED, onCamera);
      viewportRef.current = undefined;
      getRenderingEngine(engineId)?.destroy();
    };
  }, [imageId]);

  const canvasPoint = (event: { clientX: number; clientY: number }): Types.Point2 => {
    const box = element.current?.getBoundingClientRect();
    return [event.clientX - (box?.left ?? 0), event.clientY - (box?.top ?? 0)];
  };
  /** Screen (canvas) point to image pixel-edge coordinates, through the camera. */
  const toImage = (point: Types.Point2): [number, number] => {
    const viewport = viewportRef.current;
    if (!viewport) return [Number.NaN, Number.NaN];
    const [x, y] = utilities.worldToImageCoords(imageId, viewport.canvasToWorld(point)) ?? [Number.NaN, Number.NaN];
    return [x, y];
  };
  const toCanvas = (x: number, y: number): Types.Point2 | undefined => viewportRef.current?.worldToCanvas(utilities.imageToWorldCoords(imageId, [x, y]) as Types.Point3);

  const onPointerDown = (event: ReactPointerEvent<SVGSVGElement>) => {
    if (!ready) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const point = canvasPoint(event);
    setGesture(event.button === 2 ? { kind: 'pan', last: point } : { kind: 'draw', start: point, end: point });
  };
  const onPointerMove = (event: ReactPointerEvent<SVGSVGElement>) => {
    const point = canvasPoint(event);
    const viewport = viewportRef.current;
    const gesture = gestureRef.current;
    if (gesture?.kind === 'draw') setGesture({ ...gesture, end: point });
    if (gesture?.kind === 'pan' && viewport) {
      // Move the camera by the world distance under the mouse, so the image follows it exactly.
      const from = viewport.canvasToWorld(gesture.last);
      const to = viewport.canvasToWorld(point);
      const camera = viewport.getCamera();
      const shift = (value: Types.Point3 | undefined): Types.Point3 | undefined => value && [value[0] - (to[0] - from[0]), value[1] - (to[1] - from[1]), value[2] - (to[2] - from[2])];
      viewport.setCamera({ focalPoint: shift(camera.focalPoint), position: shift(camera.position) });
      viewport.render();
      setGesture({ kind: 'pan', last: point });
    }
  };
  const onPointerUp = (event: ReactPointerEvent<SVGSVGElement>) => {
    const gesture = gestureRef.current;
    if (gesture?.kind === 'draw') {
      const end = canvasPoint(event);
      const moved = Math.hypot(end[0] - gesture.start[0], end[1] - gesture.start[1]);
      const rect = moved >= minimumDrag ? pixelRectBetween(toImage(gesture.start), toImage(end), columns, rows) : undefined;
      if (rect) onChange([...rects, rect]);
    }
    setGesture(undefined);
  };
  const zoomBy = (factor: number) => {
    const viewport = viewportRef.current;
    if (!viewport) return;
    viewport.setZoom(viewport.getZoom() * factor);
    viewport.render();
  };
  const onWheel = (event: ReactWheelEvent) => zoomBy(event.deltaY < 0 ? 1.25 : 0.8);
  const fit = () => {
    viewportRef.current?.resetCamera();
    viewportRef.current?.render();
  };

  /** A pixel rectangle as an SVG box on the screen, where the camera puts it now. */
  const screenBox = (rect: PixelRect) => {
    const a = toCanvas(rect.x, rect.y);
    const b = toCanvas(rect.x + rect.width, rect.y + rect.height);
    if (!a || !b) return undefined;
    return { x: Math.min(a[0], b[0]), y: Math.min(a[1], b[1]), width: Math.abs(b[0] - a[0]), height: Math.abs(b[1] - a[1]) };
  };
  const drawing = gesture?.kind === 'draw' ? pixelRectBetween(toImage(gesture.start), toImage(gesture.end), columns, rows) : undefined;

  return (
    <section aria-label="Black out areas" className="blackout-editor">
      <p>Drag with the left button over text to black out; the right button pans, the wheel zooms. Every frame is blacked out in the same places.</p>
      <div className="dialog-actions">
        <button type="button" onClick={() => zoomBy(2)}>
          Zoom in
        </button>
        <button type="button" onClick={() => zoomBy(0.5)}>
          Zoom out
        </button>
        <button type="button" onClick={fit}>
          Fit
        </button>
      </div>
      <div data-testid="blackout-viewport" data-ready={ready ? 'true' : 'false'} style={{ position: 'relative', width: 512, height: 384, background: '#000' }}>
        <div ref={element} style={{ position: 'absolute', inset: 0 }} onContextMenu={(event) => event.preventDefault()} />
        <svg
          aria-label="Image to draw on"
          style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', cursor: 'crosshair', touchAction: 'none' }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onWheel={onWheel}
          onContextMenu={(event) => event.preventDefault()}
        >
          {ready &&
            rects.map((rect, index) => {
              const box = screenBox(rect);
              return box && <rect key={`${rect.x},${rect.y},${rect.width},${rect.height},${index}`} {...box} fill="rgba(0,0,0,0.75)" stroke="#ffcc00" strokeWidth={1.5} />;
            })}
          {ready && drawing && (() => {
            const box = screenBox(drawing);
            return box && <rect {...box} fill="none" stroke="#ffcc00" strokeDasharray="4 3" strokeWidth={1.5} />;
          })()}
        </svg>
      </div>
      {failure && <p className="error">{failure}</p>}
      <ol aria-label="Areas to black out">
        {rects.map((rect, index) => (
          <li key={`${rect.x},${rect.y},${rect.width},${rect.height},${index}`}>
            x {rect.x}, y {rect.y}, {rect.width} × {rect.height} pixels{' '}
            <button type="button" aria-label={`Remove area ${index + 1}`} onClick={() => onChange(rects.filter((_, other) => other !== index))}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <div className="dialog-actions">
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}
