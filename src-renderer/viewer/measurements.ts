import { utilities } from '@cornerstonejs/core';
import { annotation, type Types as ToolTypes } from '@cornerstonejs/tools';
import type { RadstationApi, StoredMeasurement } from '../../src-shared/contract';
import { imageIdFor, parseImageId } from './image-ids';
import { measurementTools } from './tool-bindings';

/** The figures of one measurement, in the units Cornerstone computed them in. */
export interface MeasurementSummary {
  annotationUid: string;
  toolName: string;
  imageId: string | undefined;
  /** Drawn on a reformat through the volume: anchored in patient space, not on one image. */
  onReformat: boolean;
  label: string;
  values: Record<string, number>;
  units: Record<string, string>;
}

type Stats = Record<string, unknown>;

function num(stats: Stats, key: string): number | undefined {
  const value = stats[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(stats: Stats, key: string): string | undefined {
  const value = stats[key];
  return typeof value === 'string' ? value : undefined;
}

const fmt = (value: number | undefined, digits = 1) => (value === undefined ? '–' : value.toFixed(digits));

const toolTitles: Record<string, string> = {
  Length: 'Length',
  Angle: 'Angle',
  EllipticalROI: 'Ellipse',
  RectangleROI: 'Rectangle',
  Probe: 'Probe',
};

export function summarise(item: ToolTypes.Annotation): MeasurementSummary | undefined {
  const toolName = item.metadata?.toolName ?? '';
  if (!measurementTools.includes(toolName) || !item.annotationUID) return undefined;
  const cached = (item.data as { cachedStats?: Record<string, Stats> }).cachedStats ?? {};
  const stats: Stats = Object.values(cached)[0] ?? {};
  const values: Record<string, number> = {};
  const units: Record<string, string> = {};
  for (const key of ['length', 'angle', 'area', 'mean', 'stdDev', 'min', 'max', 'value']) {
    const value = num(stats, key);
    if (value !== undefined) values[key] = value;
  }
  const modalityUnit = str(stats, 'modalityUnit') ?? '';
  units.length = str(stats, 'unit') ?? 'mm';
  units.area = str(stats, 'areaUnit') ?? 'mm²';
  units.modality = modalityUnit;
  let label: string;
  switch (toolName) {
    case 'Length':
      label = `${fmt(values.length)} ${units.length}`;
      break;
    case 'Angle':
      label = `${fmt(values.angle)}°`;
      break;
    case 'Probe':
      label = `${fmt(values.value)} ${modalityUnit}`;
      break;
    default:
      label = `area ${fmt(values.area)} ${units.area}, mean ${fmt(values.mean)} SD ${fmt(values.stdDev)} min ${fmt(values.min, 0)} max ${fmt(values.max, 0)} ${modalityUnit}`;
  }
  return {
    annotationUid: item.annotationUID,
    toolName,
    imageId: item.metadata?.referencedImageId,
    onReformat: !item.metadata?.referencedImageId,
    label: `${toolTitles[toolName] ?? toolName}: ${label}`,
    values,
    units,
  };
}

/** Every measurement currently drawn, oldest first. */
export function currentMeasurements(): MeasurementSummary[] {
  const all = annotation.state.getAllAnnotations();
  return all.map(summarise).filter((item): item is MeasurementSummary => item !== undefined);
}

/** A measurement's handles in image pixel coordinates (column, row), or undefined when it is gone or lies on no image. */
export function measurementHandles(annotationUid: string): [number, number][] | undefined {
  const item = annotation.state.getAnnotation(annotationUid);
  const imageId = item?.metadata?.referencedImageId;
  if (!item || !imageId) return undefined;
  const points = (item.data as { handles?: { points?: [number, number, number][] } }).handles?.points ?? [];
  return points.map((point) => {
    const [column, row] = utilities.worldToImageCoords(imageId, point) ?? [NaN, NaN];
    return [column, row];
  });
}

/**
 * The series of each measurement drawn on a reformat. Such an annotation is anchored by its
 * frame of reference and world points, with no image to name its series, so the MPR view
 * records it when the measurement is drawn and the restore when it is read back.
 */
const reformatSeries = new Map<string, string>();

export function noteReformatSeries(annotationUid: string, seriesInstanceUid: string): void {
  reformatSeries.set(annotationUid, seriesInstanceUid);
}

/** What goes to the cache: the annotation without derived stats, its image named by UID (none for a reformat's). */
export function toStored(item: ToolTypes.Annotation, seriesOf: (sopInstanceUid: string) => string | undefined): StoredMeasurement | undefined {
  const summary = summarise(item);
  if (!summary) return undefined;
  const copy = structuredClone({ ...item, data: { ...item.data, cachedStats: {} } });
  const common = { annotationUid: summary.annotationUid, toolName: summary.toolName, label: summary.label };
  if (summary.onReformat) {
    const series = reformatSeries.get(summary.annotationUid);
    if (!series || !item.metadata?.FrameOfReferenceUID) return undefined;
    return { ...common, seriesInstanceUid: series, sopInstanceUid: null, annotationJson: JSON.stringify(copy) };
  }
  const ref = summary.imageId ? parseImageId(summary.imageId) : undefined;
  const series = ref ? seriesOf(ref.sopInstanceUid) : undefined;
  if (!ref || !series) return undefined;
  if (copy.metadata) copy.metadata.referencedImageId = `frame:${ref.frame ?? ''}`;
  return { ...common, seriesInstanceUid: series, sopInstanceUid: ref.sopInstanceUid, annotationJson: JSON.stringify(copy) };
}

/**
 * Puts saved measurements back: one on an image is tied to that image as this host addresses it;
 * one on a reformat keeps its world points and shows wherever a reformat of its frame of
 * reference cuts its plane (its figures are recomputed once the volume is there).
 */
export function restoreMeasurements(api: RadstationApi, stored: readonly StoredMeasurement[]): number {
  let restored = 0;
  for (const m of stored) {
    if (annotation.state.getAnnotation(m.annotationUid)) continue;
    const item = JSON.parse(m.annotationJson) as ToolTypes.Annotation;
    const groupKey = item.metadata?.FrameOfReferenceUID;
    if (!item.metadata || !groupKey) continue;
    if (m.sopInstanceUid) {
      const frameText = /^frame:(\d*)$/.exec(item.metadata.referencedImageId ?? '')?.[1];
      item.metadata.referencedImageId = imageIdFor(api, m.sopInstanceUid, frameText ? Number(frameText) : undefined);
    } else {
      noteReformatSeries(m.annotationUid, m.seriesInstanceUid);
    }
    item.invalidated = true;
    annotation.state.addAnnotation(item, groupKey);
    restored++;
  }
  return restored;
}

export function removeMeasurement(annotationUid: string): void {
  annotation.state.removeAnnotation(annotationUid);
}
