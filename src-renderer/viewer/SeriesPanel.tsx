import { utilities } from '@cornerstonejs/core';
import { useEffect, useRef } from 'react';
import type { ViewerSeries } from '../../src-shared/contract';
import { seriesDragType } from './ViewportPane';

function Thumbnail({ imageId }: { imageId: string | undefined }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current || !imageId) return;
    utilities.loadImageToCanvas({ canvas: canvas.current, imageId, thumbnail: true }).catch(() => undefined);
  }, [imageId]);
  return <canvas ref={canvas} className="series-thumbnail" width={96} height={96} />;
}

/** The study's series as thumbnails: click to show in the active viewport, or drag onto one. */
export function SeriesPanel({
  series,
  firstImageIds,
  shown,
  onPick,
}: {
  series: readonly ViewerSeries[];
  firstImageIds: Map<string, string | undefined>;
  shown: ReadonlySet<string>;
  onPick: (seriesInstanceUid: string) => void;
}) {
  return (
    <aside className="series-panel" aria-label="Series">
      {series.map((s) => (
        <button
          key={s.seriesInstanceUid}
          type="button"
          className={`series-item${shown.has(s.seriesInstanceUid) ? ' shown' : ''}`}
          data-series-uid={s.seriesInstanceUid}
          data-testid="series-item"
          draggable
          onDragStart={(event) => {
            event.dataTransfer.setData(seriesDragType, s.seriesInstanceUid);
            event.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => onPick(s.seriesInstanceUid)}
          title={s.seriesDescription}
        >
          {firstImageIds.get(s.seriesInstanceUid) ? (
            <Thumbnail imageId={firstImageIds.get(s.seriesInstanceUid)} />
          ) : (
            // Reports, documents and references have no pixels: a tile naming them, not a black square.
            <span className="series-thumbnail series-tile">{s.modality || 'DOC'}</span>
          )}
          <span className="series-label">
            {s.modality} S{s.seriesNumber ?? '?'} · {s.instances.length} im
            <br />
            {s.seriesDescription}
          </span>
        </button>
      ))}
    </aside>
  );
}
