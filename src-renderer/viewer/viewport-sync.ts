import { Enums as CoreEnums, metaData, type StackViewport, type Types } from '@cornerstonejs/core';
import { nearestSliceIndex } from '../../src-shared/imaging/slice-geometry';
import { viewer } from './viewer-state';

/**
 * Links two viewports showing two series of one patient space (a source and its AI result):
 * scrolling one shows in the other the slice that lies nearest in the patient, and zooming or
 * panning one does the same to the other. A link holds only while each viewport still shows
 * its series, so dropping another series in ends it quietly.
 */
export interface LinkedPane {
  viewportId: string;
  seriesInstanceUid: string;
}

interface Link {
  a: LinkedPane;
  b: LinkedPane;
}

const links = new Set<Link>();
/** The stack each linked viewport showed last; a new stack is aligned to its partner, not the reverse. */
const knownStacks = new Map<string, string>();
let applying = false;

function shownSeries(viewportId: string): string | undefined {
  return document.querySelector<HTMLElement>(`[data-viewport-id="${viewportId}"]`)?.dataset.seriesUid;
}

function partnerOf(viewportId: string): { self: LinkedPane; partner: LinkedPane } | undefined {
  for (const link of links) {
    const pair = link.a.viewportId === viewportId ? { self: link.a, partner: link.b } : link.b.viewportId === viewportId ? { self: link.b, partner: link.a } : undefined;
    if (!pair) continue;
    if (shownSeries(pair.self.viewportId) === pair.self.seriesInstanceUid && shownSeries(pair.partner.viewportId) === pair.partner.seriesInstanceUid) return pair;
  }
  return undefined;
}

function stackKey(viewportId: string): string | undefined {
  const ids = viewer.viewport(viewportId)?.getImageIds() ?? [];
  return ids.length > 0 ? `${ids.length}:${ids[0]}` : undefined;
}

/**
 * The partner's slice for a slice of this stack, where neither has a position to go by (secondary
 * captures and the like): the same index when the counts agree, else the same fraction.
 */
export function matchingIndex(index: number, count: number, partnerCount: number): number {
  if (partnerCount <= 1 || count <= 1) return 0;
  if (count === partnerCount) return index;
  return Math.round((index * (partnerCount - 1)) / (count - 1));
}

function frameOfReference(imageId: string | undefined): string | undefined {
  if (!imageId) return undefined;
  const plane = metaData.get('imagePlaneModule', imageId) as { frameOfReferenceUID?: string } | undefined;
  return plane?.frameOfReferenceUID || undefined;
}

/**
 * The slice of `to` to show beside `from`'s: the one nearest in space, along the slice normal, so
 * a result with fewer slices (one saved slice) or another spacing lines up. The series' listings
 * give every slice's position; the frame of reference is read from the images on screen (the
 * listing lacks it), and two different ones fall back to the index, as does missing geometry.
 */
function partnerSlice(fromId: string, from: StackViewport, toId: string, to: StackViewport): number {
  const index = from.getCurrentImageIdIndex();
  const fromPlace = viewer.slicePlacesOf(fromId)?.[index];
  const toPlaces = viewer.slicePlacesOf(toId);
  if (fromPlace && toPlaces && toPlaces.length === to.getImageIds().length) {
    const fromFrame = frameOfReference(from.getCurrentImageId());
    const toFrame = frameOfReference(to.getCurrentImageId());
    const nearest = nearestSliceIndex(
      { ...fromPlace, frameOfReferenceUid: fromFrame },
      toPlaces.map((place) => ({ ...place, frameOfReferenceUid: toFrame })),
    );
    if (nearest !== undefined) return nearest;
  }
  return matchingIndex(index, from.getImageIds().length, to.getImageIds().length);
}

function copyView(fromId: string, toId: string, what: { slice: boolean; camera: boolean }): void {
  const from = viewer.viewport(fromId);
  const to = viewer.viewport(toId);
  if (!from || !to || stackKey(toId) === undefined) return;
  applying = true;
  try {
    if (what.slice) {
      const target = partnerSlice(fromId, from, toId, to);
      if (to.getCurrentImageIdIndex() !== target) void to.setImageIdIndex(target);
    }
    if (what.camera) {
      const zoom = from.getZoom();
      const pan = from.getPan();
      const [x, y] = to.getPan();
      if (Math.abs(to.getZoom() - zoom) > 1e-6 || Math.abs(x - pan[0]) > 1e-6 || Math.abs(y - pan[1]) > 1e-6) {
        to.setZoom(zoom);
        to.setPan(pan as Types.Point2);
        to.render();
      }
    }
  } finally {
    applying = false;
  }
}

function onViewportEvent(event: Event, kind: 'slice' | 'camera'): void {
  if (applying) return;
  const viewportId = (event as CustomEvent<{ viewportId?: string }>).detail?.viewportId;
  if (!viewportId) return;
  const pair = partnerOf(viewportId);
  if (!pair) return;
  const key = stackKey(viewportId);
  if (key !== knownStacks.get(viewportId)) {
    // Only a new image says which slice a new stack shows; its first camera events are ignored.
    if (kind === 'camera') return;
    // A stack just shown (the result opening beside its source) follows its partner.
    if (key) knownStacks.set(viewportId, key);
    copyView(pair.partner.viewportId, viewportId, { slice: true, camera: true });
    return;
  }
  copyView(viewportId, pair.partner.viewportId, { slice: kind === 'slice', camera: kind === 'camera' });
}

const onSlice = (event: Event) => onViewportEvent(event, 'slice');
const onCamera = (event: Event) => onViewportEvent(event, 'camera');

/**
 * Starts syncing two panes; returns the function that stops it. Cornerstone's events do not
 * bubble, so they are caught on the way down (capture) at the document, for any element.
 */
export function linkViewports(a: LinkedPane, b: LinkedPane): () => void {
  for (const link of [...links]) {
    const ids = [link.a.viewportId, link.b.viewportId];
    if (ids.includes(a.viewportId) || ids.includes(b.viewportId)) links.delete(link);
  }
  const link: Link = { a, b };
  links.add(link);
  const aKey = stackKey(a.viewportId);
  if (aKey && shownSeries(a.viewportId) === a.seriesInstanceUid) knownStacks.set(a.viewportId, aKey);
  if (links.size === 1) {
    document.addEventListener(CoreEnums.Events.STACK_NEW_IMAGE, onSlice, true);
    document.addEventListener(CoreEnums.Events.CAMERA_MODIFIED, onCamera, true);
  }
  return () => {
    links.delete(link);
    if (links.size === 0) {
      document.removeEventListener(CoreEnums.Events.STACK_NEW_IMAGE, onSlice, true);
      document.removeEventListener(CoreEnums.Events.CAMERA_MODIFIED, onCamera, true);
      knownStacks.clear();
    }
  };
}

/** The links now in force, for the viewer's overlays and for tests. */
export function linkedViewports(): { a: LinkedPane; b: LinkedPane }[] {
  return [...links].map((link) => ({ a: link.a, b: link.b }));
}
