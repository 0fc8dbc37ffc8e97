import { annotation, type Types as ToolTypes } from '@cornerstonejs/tools';
import type { RadstationApi, StoredMeasurement } from '../../src-shared/contract';
import { imageIdFor, parseImageId } from './image-ids';
import { measurementTools } from './viewer-controller';

/** The figures of one measurement, in the units Cornerstone computed them in. */
export interface MeasurementSummary {
  annotationUid: string;
  toolName: string;
  imageId: string | undefined;
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

/** What goes to the cache: the annotation without derived stats, its image named by UID. */
export function toStored(item: ToolTypes.Annotation, seriesOf: (sopInstanceUid: string) => string | undefined): StoredMeasurement | undefined {
  const summary = summarise(item);
  const ref = summary?.imageId ? parseImageId(summary.imageId) : undefined;
  const series = ref ? seriesOf(ref.sopInstanceUid) : undefined;
  if (!summary || !ref || !series) return undefined;
  const copy = structuredClone({ ...item, data: { ...item.data, cachedStats: {} } });
  if (copy.metadata) copy.metadata.referencedImageId = `frame:${ref.frame ?? ''}`;
  return {
    annotationUid: summary.annotationUid,
    toolName: summary.toolName,
    seriesInstanceUid: series,
    sopInstanceUid: ref.sopInstanceUid,
    label: summary.label,
    annotationJson: JSON.stringify(copy),
  };
}

/** Puts saved measurements back, each on its image as this host addresses it. */
export function restoreMeasurements(api: RadstationApi, stored: readonly StoredMeasurement[]): number {
  let restored = 0;
  for (const m of stored) {
    if (annotation.state.getAnnotation(m.annotationUid) || !m.sopInstanceUid) continue;
    const item = JSON.parse(m.annotationJson) as ToolTypes.Annotation;
    if (!item.metadata) continue;
    const frameText = /^frame:(\d*)$/.exec(item.metadata.referencedImageId ?? '')?.[1];
    item.metadata.referencedImageId = imageIdFor(api, m.sopInstanceUid, frameText ? Number(frameText) : undefined);
    item.invalidated = true;
    const groupKey = item.metadata.FrameOfReferenceUID;
    if (!groupKey) continue;
    annotation.state.addAnnotation(item, groupKey);
    restored++;
  }
  return restored;
}

export function removeMeasurement(annotationUid: string): void {
  annotation.state.removeAnnotation(annotationUid);
}
