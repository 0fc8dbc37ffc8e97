import { Enums as CoreEnums } from '@cornerstonejs/core';
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { RadstationApi, Segmentation, ViewerSeries, ViewerStudy } from '../../src-shared/contract';
import { sopClassKind } from '../../src-shared/dicom/sop-classes';
import { drawSegmentations } from './segmentation-drawing';
import { viewer } from './viewer-state';

interface Props {
  api: RadstationApi;
  study: ViewerStudy;
  series: ViewerSeries;
  viewportId: string;
  element: RefObject<HTMLDivElement | null>;
}

/** SEG objects read once per page: several viewports, and the same study opened again, share them. */
const readSegmentations = new WeakMap<RadstationApi, Map<string, Promise<Segmentation>>>();

function segmentationOf(api: RadstationApi, sopInstanceUid: string): Promise<Segmentation> {
  let known = readSegmentations.get(api);
  if (!known) readSegmentations.set(api, (known = new Map()));
  let reading = known.get(sopInstanceUid);
  if (!reading) {
    reading = api.call('viewer.segmentation', { sopInstanceUid });
    // A failure is not kept: the next open asks again.
    reading.catch(() => known.delete(sopInstanceUid));
    known.set(sopInstanceUid, reading);
  }
  return reading;
}

const redrawEvents = [CoreEnums.Events.IMAGE_RENDERED, CoreEnums.Events.STACK_NEW_IMAGE, CoreEnums.Events.CAMERA_MODIFIED];

/**
 * The study's segmentations that refer to the series in this viewport: their masks drawn over
 * the image, and a legend with each segment's colour and a tick box that shows or hides it.
 */
export function SegmentationLayer({ api, study, series, viewportId, element }: Props) {
  const overlay = useRef<HTMLCanvasElement>(null);
  const [segmentations, setSegmentations] = useState<Segmentation[]>([]);
  const [failures, setFailures] = useState<string[]>([]);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const seriesSopUids = useMemo(() => new Set(series.instances.map((instance) => instance.sopInstanceUid)), [series]);
  const segUids = useMemo(
    () => study.series.flatMap((s) => s.instances.filter((i) => sopClassKind(i.sopClassUid) === 'segmentation').map((i) => i.sopInstanceUid)),
    [study],
  );

  useEffect(() => {
    let current = true;
    setSegmentations([]);
    setFailures([]);
    if (segUids.length === 0) return;
    void Promise.allSettled(segUids.map((uid) => segmentationOf(api, uid))).then((results) => {
      if (!current) return;
      const refersHere = (seg: Segmentation) =>
        seg.referencedSeriesInstanceUids.includes(series.seriesInstanceUid) || seg.frames.some((f) => f.referencedSopInstanceUid !== null && seriesSopUids.has(f.referencedSopInstanceUid));
      setSegmentations(results.flatMap((result) => (result.status === 'fulfilled' && refersHere(result.value) ? [result.value] : [])));
      setFailures(results.flatMap((result) => (result.status === 'rejected' ? [result.reason instanceof Error ? result.reason.message : String(result.reason)] : [])));
    });
    return () => {
      current = false;
    };
  }, [api, segUids, series, seriesSopUids]);

  useEffect(() => {
    const el = element.current;
    const canvas = overlay.current;
    if (!el || !canvas) return;
    // Nothing to draw: leave the canvas empty and the viewport's renders unobserved.
    if (segmentations.length === 0) {
      canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
      return;
    }
    let frame = 0;
    const redraw = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const viewport = viewer.viewport(viewportId);
        if (viewport) drawSegmentations(canvas, viewport, segmentations, seriesSopUids, hidden);
      });
    };
    for (const name of redrawEvents) el.addEventListener(name, redraw);
    const observer = new ResizeObserver(redraw);
    observer.observe(canvas);
    redraw();
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      for (const name of redrawEvents) el.removeEventListener(name, redraw);
    };
  }, [element, viewportId, segmentations, seriesSopUids, hidden]);

  const toggle = (key: string, visible: boolean) =>
    setHidden((current) => {
      const next = new Set(current);
      if (visible) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <>
      <canvas ref={overlay} className="segmentation-overlay" data-testid="segmentation-overlay" />
      {(segmentations.length > 0 || failures.length > 0) && (
        <div className="segment-legend" data-testid="segment-legend" aria-label="Segments">
          {segmentations.map((seg) => (
            <fieldset key={seg.sopInstanceUid}>
              <legend>{seg.contentLabel || seg.seriesDescription || 'Segmentation'}</legend>
              {seg.segments.map((segment) => {
                const key = `${seg.sopInstanceUid}:${segment.number}`;
                return (
                  <label key={key} title={segment.propertyType ? `${segment.label} (${segment.propertyType})` : segment.label}>
                    <input type="checkbox" checked={!hidden.has(key)} onChange={(event) => toggle(key, event.target.checked)} />
                    <span className="segment-swatch" style={{ background: `rgb(${segment.rgb.join(',')})` }} />
                    {segment.label}
                  </label>
                );
              })}
            </fieldset>
          ))}
          {failures.map((failure) => (
            <p key={failure} role="alert">
              A segmentation could not be shown: {failure}
            </p>
          ))}
        </div>
      )}
    </>
  );
}
