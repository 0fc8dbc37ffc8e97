import { Enums, imageLoadPoolManager } from '@cornerstonejs/core';
import { utilities as toolUtilities } from '@cornerstonejs/tools';

/*
 * How the stack's images are fetched ahead of the reader (issue 14). Cornerstone starts up to a
 * thousand prefetches at once: every file of a large series is then requested together, the
 * browser queues them six at a time, and a slice the reader scrolls to waits behind the whole
 * series. A few at a time keeps the decoders busy while a slice asked for goes next. When the
 * reader moves, the stack's queued prefetches are dropped, so that Cornerstone's stack prefetch
 * queues them again outwards from the new slice; other viewports' and volumes' requests stay.
 */

/** Prefetches in flight at once: enough to overlap fetching, parsing and the decoding workers. */
export const prefetchesInFlight = 6;

interface QueuedRequest {
  type: string;
  additionalDetails?: { imageId?: string; volumeId?: string };
}

/** Whether a queued request is a stack prefetch of one of these images (a volume's are not). */
export function isStackPrefetchOf(request: QueuedRequest, imageIds: ReadonlySet<string>): boolean {
  const details = request.additionalDetails;
  return request.type === Enums.RequestType.Prefetch && !details?.volumeId && details?.imageId !== undefined && imageIds.has(details.imageId);
}

/** Sets the pace once, at start. */
export function configurePrefetch(): void {
  imageLoadPoolManager.setMaxSimultaneousRequests(Enums.RequestType.Prefetch, prefetchesInFlight);
  toolUtilities.stackPrefetch.setConfiguration({ maxImagesToPrefetch: Infinity, preserveExistingPool: true });
}

const followed = new WeakSet<HTMLDivElement>();

/** Starts the stack prefetch of a viewport's element and keeps it ordered around the current slice. */
export function prefetchAroundReader(element: HTMLDivElement, imageIdsOf: () => readonly string[]): void {
  toolUtilities.stackPrefetch.enable(element);
  if (followed.has(element)) return;
  followed.add(element);
  // Runs before the stack prefetch re-queues (it waits a few milliseconds after each new image).
  element.addEventListener(Enums.Events.STACK_NEW_IMAGE, () => {
    const ids = new Set(imageIdsOf());
    imageLoadPoolManager.filterRequests((request: QueuedRequest) => !isStackPrefetchOf(request, ids));
  });
}
