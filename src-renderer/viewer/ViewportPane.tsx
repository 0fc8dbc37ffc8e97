import { Enums as CoreEnums } from '@cornerstonejs/core';
import { useEffect, useRef, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
import type { ViewerSeries, ViewerStudy } from '../../src-shared/contract';
import { aiBannerText, isAiGenerated } from './ai-provenance';
import { Overlays } from './Overlays';
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
}

const statusEvents = [CoreEnums.Events.STACK_NEW_IMAGE, CoreEnums.Events.VOI_MODIFIED, CoreEnums.Events.CAMERA_MODIFIED, CoreEnums.Events.IMAGE_RENDERED];

/** One viewport: Cornerstone's element, its overlays, a scrollbar and a context menu. */
export function ViewportPane({ viewportId, study, series, imageIds, active, hidePhi, onDropSeries, onFirstImage }: Props) {
  const element = useRef<HTMLDivElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<ViewportStatus | undefined>();
  const [menu, setMenu] = useState<{ x: number; y: number } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const rightDown = useRef<{ x: number; y: number } | undefined>(undefined);

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
    const failed = (event: Event) => setError(`An image failed to load: ${String((event as CustomEvent<{ error?: unknown }>).detail?.error ?? '')}`);
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
  }, [viewportId]);

  useEffect(() => {
    if (!imageIds || imageIds.length === 0) return;
    let current = true;
    setError(undefined);
    viewer.showStack(viewportId, imageIds).then(
      () => {
        if (!current) return;
        setStatus(viewer.status(viewportId));
        onFirstImage?.(viewportId);
      },
      (reason: unknown) => current && setError(reason instanceof Error ? reason.message : String(reason)),
    );
    return () => {
      current = false;
    };
  }, [viewportId, imageIds]);

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
      {series && status && <Overlays study={study} series={series} status={status} hidePhi={hidePhi} />}
      {series && isAiGenerated(status?.imageId) && (
        <div className="viewport-ai-banner" data-testid="ai-banner" role="note">
          {aiBannerText}
        </div>
      )}
      {!series && <div className="viewport-empty">Drag a series here</div>}
      {error && <div className="viewport-error" role="alert">{error}</div>}
      {status && status.imageCount > 1 && (
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
