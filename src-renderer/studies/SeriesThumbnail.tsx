import { useCall } from '../bridge/api-context';

/** A series' thumbnail, made by the host on first request; a plain note when there is none. */
export function SeriesThumbnail({ seriesInstanceUid, label, refreshKey }: { seriesInstanceUid: string; label: string; refreshKey: number }) {
  // Refreshed with the list: an import into this series clears the cached thumbnail on the host.
  const thumbnail = useCall('studies.thumbnail', { seriesInstanceUid }, refreshKey);
  if (thumbnail.status === 'loading') return <div className="thumbnail thumbnail-pending" aria-label="Loading thumbnail" />;
  if (thumbnail.status === 'failed') return <div className="thumbnail thumbnail-none" title={thumbnail.message}>No preview</div>;
  if (thumbnail.value.status === 'unavailable') {
    return (
      <div className="thumbnail thumbnail-none" title={thumbnail.value.reason} data-testid="thumbnail-unavailable">
        No preview
      </div>
    );
  }
  return <img className="thumbnail" src={thumbnail.value.dataUrl} width={thumbnail.value.width} height={thumbnail.value.height} alt={`Thumbnail of ${label}`} />;
}
