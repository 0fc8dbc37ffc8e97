import { Enums as CoreEnums } from '@cornerstonejs/core';
import { useEffect, useRef, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
import type { RadstationApi, ViewerSeries, ViewerStudy } from '../../src-shared/contract';
import { sopClassKind } from '../../src-shared/dicom/sop-classes';
import { useApi } from '../bridge/api-context';
import { aiBannerText, isAiGenerated } from './ai-provenance';
import { parseImageId, slicePlacesForInstances } from './image-ids';
import { ObjectView } from './ObjectView';
import { Overlays } from './Overlays';
import { SegmentationLayer } from './SegmentationLayer';
import { returnIndex, type StackReturn } from './stack-return';
import { copyPng, savePng } from './snapshot';
import type { ViewportStatus } from './viewer-controller';
import { viewer } from './viewer-state';

export const seriesDragType = 'application/x-radstation-series';

interface Props {
  viewportId: string;
  study: ViewerStudy;
  series: ViewerSeries | undefined;
  imageIds: string[] | undefined;
  active: boolean;
  hidePhi: boolean;
  onDropSeries: (viewportId: string, seriesInstanceUid: string) => void;
  onFirstImage?: (viewportId: string) => void;
  /** Where this pane resumes when the grid comes back after MPR; taken once, by the first stack shown. */
  takeReturn?: (viewportId: string) => StackReturn | undefined;
}

/**
 * Why an image did not display, in the reader's words: the main process reads the file for
 * a reason (no or empty Pixel Data…) and the decoder's message is kept when it finds none.
 */
async function explainFailure(api: RadstationApi, imageId: string | undefined, decoderMessage: string): Promise<string> {
  const sopInstanceUid = imageId ? parseImageId(imageId)?.sopInstanceUid : undefined;
  if (!sopInstanceUid) return decoderMessage;
  try {
    const object = await api.call('viewer.object', { sopInstanceUid });
    if (object.kind === 'image') return object.problem ?? decoderMessage;
    return object.kind === 'not-shown' ? object.reason : decoderMessage;
  } catch {
    return decoderMessage;
  }
}

const statusEvents = [CoreEnums.Events.STACK_NEW_IMAGE, CoreEnums.Events.VOI_MODIFIED, CoreEnums.Events.CAMERA_MODIFIED, CoreEnums.Events.IMAGE_RENDERED];

/** One viewport: Cornerstone's element, its overlays, a scrollbar and a context menu. */
export function ViewportPane({ viewportId, study, series, imageIds, active, hidePhi, onDropSeries, onFirstImage, takeReturn }: Props) {
  const api = useApi();
  const element = useRef<HTMLDivElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<ViewportStatus | undefined>();
  const [menu, setMenu] = useState<{ x: number; y: number } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const rightDown = useRef<{ x: number; y: number } | undefined>(undefined);
  // The series the image IDs come from: its listing says where each image lies, for linked viewports.
  const seriesRef = useRef(series);
  seriesRef.current = series;
  const takeReturnRef = useRef(takeReturn);
  takeReturnRef.current = takeReturn;

  useEffect(() => {
    const el = element.current;
    if (!el) return;
    viewer.enablePane(viewportId, el);
    let frame = 0;
    const update = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        setStatus(viewer.status(viewportId));
        if (viewer.activeViewportId === viewportId) viewer.notify();
      });
    };
    for (const name of statusEvents) el.addEventListener(name, update);
    const failed = (event: Event) => {
      const detail = (event as CustomEvent<{ error?: unknown; imageId?: string }>).detail;
      const message = `An image failed to load: ${String(detail?.error ?? '')}`;
      setError(message);
      void explainFailure(api, detail?.imageId, message).then(setError);
    };
    el.addEventListener(CoreEnums.Events.IMAGE_LOAD_ERROR, failed);
    const observer = new ResizeObserver(() => viewer.resize());
    observer.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      for (const name of statusEvents) el.removeEventListener(name, update);
      el.removeEventListener(CoreEnums.Events.IMAGE_LOAD_ERROR, failed);
      viewer.disablePane(viewportId);
    };
  }, [viewportId, api]);

  useEffect(() => {
    if (!imageIds || imageIds.length === 0) return;
    let current = true;
    setError(undefined);
    // An image without (or with empty) Pixel Data loads as nothing and raises no error: ask the main process, which reads the file.
    void explainFailure(api, imageIds[0], '').then((problem) => current && problem && setError(problem));
    const places = slicePlacesForInstances(seriesRef.current?.instances ?? []);
    const back = takeReturnRef.current?.(viewportId);
    const start = back && back.seriesInstanceUid === seriesRef.current?.seriesInstanceUid ? returnIndex(back, places, imageIds.length) : 0;
    viewer.showStack(viewportId, imageIds, start, places).then(
      () => {
        if (!current) return;
        setStatus(viewer.status(viewportId));
        onFirstImage?.(viewportId);
      },
      (reason: unknown) => {
        if (!current) return;
        const message = reason instanceof Error ? reason.message : String(reason);
        setError(message);
        void explainFailure(api, imageIds[0], message).then((explained) => current && setError(explained));
      },
    );
    return () => {
      current = false;
    };
  }, [viewportId, imageIds, api]);

  // A series of reports, documents or references (no image in it) is shown as what it is.
  const objectUids = imageIds && imageIds.length > 0 ? [] : (series?.instances ?? []).filter((i) => sopClassKind(i.sopClassUid) !== 'image').map((i) => i.sopInstanceUid);
  const showsObject = series !== undefined && objectUids.length > 0;

  const onDrop = (event: DragEvent) => {
    const uid = event.dataTransfer.getData(seriesDragType);
    if (uid) {
      event.preventDefault();
      onDropSeries(viewportId, uid);
    }
  };

  // Right-drag is window/level; a right click that does not move opens the menu.
  const onMouseDownCapture = (event: ReactMouseEvent) => {
    // A press on the menu's own items must not close it before their click arrives.
    if (event.target instanceof Element && event.target.closest('.context-menu')) return;
    viewer.setActive(viewportId);
    setMenu(undefined);
    if (event.button === 2) rightDown.current = { x: event.clientX, y: event.clientY };
  };
  const onMouseUpCapture = (event: ReactMouseEvent) => {
    const start = rightDown.current;
    rightDown.current = undefined;
    if (event.button !== 2 || !start || Math.hypot(event.clientX - start.x, event.clientY - start.y) > 3) return;
    const rect = container.current?.getBoundingClientRect();
    if (rect) setMenu({ x: event.clientX - rect.left, y: event.clientY - rect.top });
  };

  const fileName = `${series?.modality ?? 'view'}-S${series?.seriesNumber ?? ''}-${(status?.imageIndex ?? 0) + 1}.png`;
  const runMenu = (action: () => Promise<void>) => {
    setMenu(undefined);
    action().catch((reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)));
  };

  return (
    <div
      ref={container}
      className={`viewport-pane${active ? ' active' : ''}`}
      data-viewport-id={viewportId}
      data-testid={`viewport-${viewportId}`}
      data-series-uid={series?.seriesInstanceUid ?? ''}
      onDragOver={(event) => event.dataTransfer.types.includes(seriesDragType) && event.preventDefault()}
      onDrop={onDrop}
      onMouseDownCapture={onMouseDownCapture}
      onMouseUpCapture={onMouseUpCapture}
      onContextMenu={(event) => event.preventDefault()}
    >
      <div ref={element} className="viewport-element" />
      {series && imageIds && imageIds.length > 0 && <SegmentationLayer api={api} study={study} series={series} viewportId={viewportId} element={element} />}
      {showsObject && <ObjectView key={series.seriesInstanceUid} api={api} study={study} sopInstanceUids={objectUids} onOpenSeries={(uid) => onDropSeries(viewportId, uid)} />}
      {series && status && !showsObject && <Overlays study={study} series={series} status={status} hidePhi={hidePhi} />}
      {series && isAiGenerated(status?.imageId) && (
        <div className="viewport-ai-banner" data-testid="ai-banner" role="note">
          {aiBannerText}
        </div>
      )}
      {!series && <div className="viewport-empty">Drag a series here</div>}
      {error && <div className="viewport-error" role="alert">{error}</div>}
      {status && status.imageCount > 1 && !showsObject && (
        <input
          className="viewport-scrollbar"
          type="range"
          aria-label="Slice"
          min={0}
          max={status.imageCount - 1}
          value={status.imageIndex}
          onChange={(event) => void viewer.scrollTo(Number(event.target.value), viewportId)}
        />
      )}
      {menu && container.current && (
        <div className="context-menu" role="menu" style={{ left: menu.x, top: menu.y }}>
          <button type="button" role="menuitem" onClick={() => container.current && runMenu(() => savePng(container.current as HTMLElement, fileName))}>
            Save as PNG
          </button>
          <button type="button" role="menuitem" onClick={() => container.current && runMenu(() => copyPng(container.current as HTMLElement))}>
            Copy
          </button>
        </div>
      )}
    </div>
  );
}
