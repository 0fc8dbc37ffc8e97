import { eventTarget, utilities, type Types } from '@cornerstonejs/core';
import { annotation, Enums as ToolEnums } from '@cornerstonejs/tools';
import type { RadstationApi, StoredMeasurement } from '../../src-shared/contract';
import { parseImageId } from './image-ids';
import { removeMeasurement, restoreMeasurements, toStored } from './measurements';
import { fromVoiRange, toVoiRange } from './presets';
import { viewer } from './viewer-state';

/**
 * The viewer's side of a teaching session: what the teacher's viewport shows, as a
 * publishable view, and putting such a view on a student's viewport. Kept here so the
 * classroom screens never reach into Cornerstone themselves.
 */

/** The part of a teacher's view the viewport itself knows (the classroom adds case and series). */
export interface ViewportView {
  imageIndex: number;
  voi: { windowCenter: number; windowWidth: number } | null;
  /** Relative to fit (1 = fit). */
  zoom: number | null;
  /** In world millimetres, as Cornerstone's camera pans. */
  pan: [number, number] | null;
  annotations: StoredMeasurement[];
}

const maxAnnotations = 500;

export function captureViewportView(seriesInstanceUid: string, viewportId = viewer.activeViewportId): ViewportView | undefined {
  const viewport = viewer.viewport(viewportId);
  if (!viewport || viewport.getImageIds().length === 0) return undefined;
  const range = viewport.getProperties().voiRange;
  const window = range ? fromVoiRange(range) : undefined;
  const stack = new Set(viewport.getImageIds());
  const annotations = annotation.state
    .getAllAnnotations()
    .filter((item) => item.metadata?.referencedImageId !== undefined && stack.has(item.metadata.referencedImageId))
    .map((item) => toStored(item, () => seriesInstanceUid))
    .filter((item): item is StoredMeasurement => item !== undefined)
    .slice(0, maxAnnotations);
  const pan = viewport.getPan();
  const zoom = viewport.getZoom();
  return {
    imageIndex: viewport.getCurrentImageIdIndex(),
    voi: window && window.width > 0 ? { windowCenter: window.center, windowWidth: window.width } : null,
    zoom: Number.isFinite(zoom) && zoom > 0 ? zoom : null,
    pan: Number.isFinite(pan[0]) && Number.isFinite(pan[1]) ? [pan[0], pan[1]] : null,
    annotations,
  };
}

/** The teacher's annotations now shown on this viewer, by UID, with the JSON they were drawn from. */
const appliedAnnotations = new Map<string, string>();

/** Whether an annotation on this viewer is the teacher's, shown by follow-me (not the user's own). */
export function isTeacherAnnotation(annotationUid: string): boolean {
  return appliedAnnotations.has(annotationUid);
}

/** Puts a teacher's view on a viewport whose stack is already the view's series. */
export async function applyViewportView(api: RadstationApi, view: ViewportView, viewportId = viewer.activeViewportId): Promise<void> {
  const viewport = viewer.viewport(viewportId);
  if (!viewport) return;
  if (viewport.getCurrentImageIdIndex() !== view.imageIndex) await viewer.scrollTo(view.imageIndex, viewportId);
  if (view.voi) viewport.setProperties({ voiRange: toVoiRange({ center: view.voi.windowCenter, width: view.voi.windowWidth }) });
  if (view.zoom !== null) viewport.setZoom(view.zoom);
  if (view.pan !== null) viewport.setPan(view.pan as Types.Point2);
  applyAnnotations(api, view.annotations);
  viewport.render();
  viewer.notify();
}

function applyAnnotations(api: RadstationApi, incoming: readonly StoredMeasurement[]): void {
  const wanted = new Map(incoming.map((item) => [item.annotationUid, item]));
  for (const [uid, json] of appliedAnnotations) {
    const next = wanted.get(uid);
    // A moved handle arrives as new JSON under the same UID: take the old one off first.
    if (!next || next.annotationJson !== json) {
      removeMeasurement(uid);
      appliedAnnotations.delete(uid);
    }
  }
  const fresh = incoming.filter((item) => !appliedAnnotations.has(item.annotationUid));
  restoreMeasurements(api, fresh);
  for (const item of fresh) {
    appliedAnnotations.set(item.annotationUid, item.annotationJson);
    const shown = annotation.state.getAnnotation(item.annotationUid);
    // The student sees the teacher's drawing but cannot drag it about.
    if (shown) annotation.locking.setAnnotationLocked(item.annotationUid, true);
  }
}

/** Calls back when the viewer's view may have changed: slice, window, camera or an annotation. */
export function onViewportViewChange(listener: () => void): () => void {
  const annotationEvents = [
    ToolEnums.Events.ANNOTATION_COMPLETED,
    ToolEnums.Events.ANNOTATION_MODIFIED,
    ToolEnums.Events.ANNOTATION_REMOVED,
  ];
  for (const name of annotationEvents) eventTarget.addEventListener(name, listener);
  const unsubscribe = viewer.subscribe(listener);
  return () => {
    unsubscribe();
    for (const name of annotationEvents) eventTarget.removeEventListener(name, listener);
  };
}

/** The image point under a click on the active viewport, in pixel coordinates (column, row), with its instance. */
export function imagePointAt(clientX: number, clientY: number, viewportId = viewer.activeViewportId): { sopInstanceUid: string; x: number; y: number } | undefined {
  const viewport = viewer.viewport(viewportId);
  if (!viewport) return undefined;
  const imageId = viewport.getCurrentImageId();
  const ref = imageId ? parseImageId(imageId) : undefined;
  if (!imageId || !ref) return undefined;
  const rect = viewport.element.getBoundingClientRect();
  const world = viewport.canvasToWorld([clientX - rect.left, clientY - rect.top]);
  const [x, y] = utilities.worldToImageCoords(imageId, world) ?? [NaN, NaN];
  if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
  return { sopInstanceUid: ref.sopInstanceUid, x, y };
}
