import type { RadstationApi, StackInstance, ViewerSeries } from '../../src-shared/contract';
import { sopClassKind } from '../../src-shared/dicom/sop-classes';
import type { SlicePlace } from '../../src-shared/imaging/slice-geometry';

/**
 * Cornerstone image IDs for a series, one per frame: `wadouri:` and the host's file URL
 * for the instance. The URL carries only the SOP Instance UID, so the renderer can
 * never name a path.
 */
export function imageIdFor(api: RadstationApi, sopInstanceUid: string, frame?: number): string {
  const url = api.instanceFileUrl(sopInstanceUid);
  return frame === undefined ? `wadouri:${url}` : `wadouri:${url}?frame=${frame}`;
}

/** Image IDs of the instances that are images; reports, documents and the like are shown otherwise (ObjectView). */
export function imageIdsForInstances(api: RadstationApi, instances: readonly StackInstance[]): string[] {
  return instances.flatMap((instance) =>
    sopClassKind(instance.sopClassUid) !== 'image'
      ? []
      : instance.numberOfFrames > 1
      ? Array.from({ length: instance.numberOfFrames }, (_, index) => imageIdFor(api, instance.sopInstanceUid, index + 1))
      : [imageIdFor(api, instance.sopInstanceUid)],
  );
}

/**
 * Where each image of imageIdsForInstances lies, in the same order, from the geometry the
 * study listing carries (no pixel needed). The frames of a multi-frame instance have their
 * own positions, which the listing does not carry: they are left unplaced.
 */
export function slicePlacesForInstances(instances: readonly StackInstance[]): SlicePlace[] {
  return instances.flatMap((instance) =>
    sopClassKind(instance.sopClassUid) !== 'image'
      ? []
      : instance.numberOfFrames > 1
      ? Array.from({ length: instance.numberOfFrames }, () => ({ position: null, orientation: instance.imageOrientationPatient }))
      : [{ position: instance.imagePositionPatient, orientation: instance.imageOrientationPatient }],
  );
}

export function imageIdsForSeries(api: RadstationApi, series: ViewerSeries): string[] {
  return imageIdsForInstances(api, series.instances);
}

/** The SOP Instance UID and 1-based frame an image ID addresses. */
export function parseImageId(imageId: string): { sopInstanceUid: string; frame: number | undefined } | undefined {
  const match = /\/files\/instances\/([0-9.%A-Fa-f]+?)(?:\?frame=(\d+))?$/.exec(imageId);
  if (!match?.[1]) return undefined;
  return { sopInstanceUid: decodeURIComponent(match[1]), frame: match[2] ? Number(match[2]) : undefined };
}
