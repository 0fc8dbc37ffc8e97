import type { ReportEntry } from '../../../src-shared/domain/reports';

/** One line saying where an answer came from: the model or the DICOM header, and the image as it was on screen. */
export function entryProvenance(entry: ReportEntry): string {
  const source =
    entry.source === 'metadata'
      ? 'From the DICOM header and the cache'
      : `AI-generated, not for diagnosis — ${entry.model ? `${entry.model.name} ${entry.model.version} (${entry.model.provider.toUpperCase()})` : 'model'}${entry.confidence !== null ? `, confidence ${Math.round(entry.confidence * 100)}%` : ''}`;
  const image = entry.image;
  const window = image.windowCenter !== null && image.windowWidth !== null ? `, W/L ${Math.round(image.windowWidth)}/${Math.round(image.windowCenter)}` : '';
  const roi = image.roi ? `, ROI ${Math.round(image.roi.width)}×${Math.round(image.roi.height)} at (${Math.round(image.roi.x)}, ${Math.round(image.roi.y)})` : '';
  return `${source}; image ${image.sopInstanceUid} frame ${image.frame + 1}${window}${roi}`;
}
