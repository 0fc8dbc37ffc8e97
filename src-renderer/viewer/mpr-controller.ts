import { cache, Enums as CoreEnums, getRenderingEngine, metaData, setVolumesForViewports, utilities, volumeLoader, type Types, type VolumeViewport } from '@cornerstonejs/core';
import { CrosshairsTool, ToolGroupManager } from '@cornerstonejs/tools';
import { cameraThrough, planesMeet, sliceCentre, type PlaneThrough, type SlicePlane, type Vec3 } from '../../src-shared/imaging/slice-plane';
import type { ViewerSeries } from '../../src-shared/contract';
import { toolClasses } from './cornerstone-init';
import { parseImageId } from './image-ids';
import { applyToolBindings, type LeftTool } from './tool-bindings';
import { renderingEngineId } from './viewer-controller';
import { parseVoiLutFunction } from '../../src-shared/imaging/voi';
import { fromVoiRange, toVoiRange, type WindowPreset } from './presets';

const mprToolGroupId = 'radstation-mpr';

export const mprOrientations = ['axial', 'sagittal', 'coronal'] as const;
export type MprOrientation = (typeof mprOrientations)[number];

const orientationAxis: Record<MprOrientation, CoreEnums.OrientationAxis> = {
  axial: CoreEnums.OrientationAxis.AXIAL,
  sagittal: CoreEnums.OrientationAxis.SAGITTAL,
  coronal: CoreEnums.OrientationAxis.CORONAL,
};

export const mprViewportId = (orientation: MprOrientation) => `mpr-${orientation}`;

/** Each view's colour: its title and the line that marks its plane in the other two views. */
export const mprColours: Record<MprOrientation, string> = { axial: 'rgb(235, 90, 90)', sagittal: 'rgb(230, 200, 60)', coronal: 'rgb(80, 170, 245)' };

const orientationOfViewport = (viewportId: string) => mprOrientations.find((orientation) => mprViewportId(orientation) === viewportId);

/**
 * The reference lines: Cornerstone's crosshairs, only drawn (enabled, never bound to a button), so
 * the left button keeps the one tool the toolbar chose (tool-bindings.ts). Scrolling a view moves
 * its line in the other two; the lines are not dragged.
 */
const crosshairsConfiguration = {
  getReferenceLineColor: (viewportId: string) => {
    const orientation = orientationOfViewport(viewportId);
    return orientation ? mprColours[orientation] : undefined;
  },
  getReferenceLineControllable: () => false,
  getReferenceLineDraggableRotatable: () => false,
  getReferenceLineSlabThicknessControlsOn: () => false,
};

/**
 * Where MPR opens when started from a stack: the centre of the image being read (the series' first
 * when none is shown yet). From the image's metadata when it has been parsed, else from the
 * series' instance geometry, so a click before the stack has drawn still opens at its slice.
 */
export function readingFocus(readingImageId: string | undefined, series: ViewerSeries, seriesImageIds: readonly string[]): Vec3 | undefined {
  const imageId = readingImageId ?? seriesImageIds[0];
  if (!imageId) return undefined;
  const fromMetadata = imageCentre(imageId);
  if (fromMetadata) return fromMetadata;
  const ref = parseImageId(imageId);
  const instance = series.instances.find((candidate) => candidate.sopInstanceUid === ref?.sopInstanceUid);
  // A multi-frame image's frames each have their own position, which the instance does not carry.
  if (!instance || instance.numberOfFrames > 1 || !instance.imagePositionPatient || !instance.imageOrientationPatient) return undefined;
  const [rowPixelSpacing = NaN, columnPixelSpacing = NaN] = instance.pixelSpacing ?? [];
  return sliceCentre({
    imagePositionPatient: instance.imagePositionPatient,
    rowCosines: instance.imageOrientationPatient.slice(0, 3),
    columnCosines: instance.imageOrientationPatient.slice(3, 6),
    rowPixelSpacing,
    columnPixelSpacing,
    rows: instance.rows ?? NaN,
    columns: instance.columns ?? NaN,
  });
}

/** The centre of a stack image in patient space, from its metadata. */
function imageCentre(imageId: string): Vec3 | undefined {
  const plane = metaData.get('imagePlaneModule', imageId) as (Partial<SlicePlane> & { usingDefaultValues?: boolean }) | undefined;
  // Cornerstone answers with made-up defaults (origin, identity axes) when the header is not in its store (not parsed yet, or released after eviction).
  if (!plane?.imagePositionPatient || !plane.rowCosines || !plane.columnCosines || plane.usingDefaultValues) return undefined;
  return sliceCentre({
    imagePositionPatient: plane.imagePositionPatient,
    rowCosines: plane.rowCosines,
    columnCosines: plane.columnCosines,
    rowPixelSpacing: plane.rowPixelSpacing ?? NaN,
    columnPixelSpacing: plane.columnPixelSpacing ?? NaN,
    rows: plane.rows ?? NaN,
    columns: plane.columns ?? NaN,
  });
}

/** What one MPR view shows, in patient (world) millimetres: enough to check it against the files. */
export interface MprViewState {
  viewportId: string;
  orientation: MprOrientation;
  viewPlaneNormal: [number, number, number];
  viewUp: [number, number, number];
  focalPoint: [number, number, number];
  /** Half the viewport's height in millimetres. */
  parallelScale: number;
  sliceIndex: number;
  sliceCount: number;
  windowCenter: number | undefined;
  windowWidth: number | undefined;
}

function engine() {
  const found = getRenderingEngine(renderingEngineId);
  if (!found) throw new Error('The viewer is not initialised');
  return found;
}

/** The reformats take the same tools and mouse as the stack, measuring tools included. */
function mprGroup(tool: LeftTool) {
  const existing = ToolGroupManager.getToolGroup(mprToolGroupId);
  if (existing) return existing;
  const group = ToolGroupManager.createToolGroup(mprToolGroupId);
  if (!group) throw new Error('Could not create the MPR tool group');
  for (const toolClass of toolClasses) group.addTool(toolClass.toolName, toolClass === CrosshairsTool ? crosshairsConfiguration : undefined);
  applyToolBindings(group, tool);
  return group;
}

/**
 * Axial, sagittal and coronal reformats of one series, as Cornerstone volume viewports
 * (orthographic) in the viewer's rendering engine. The series must already have passed
 * checkVolume: the volume loader assumes the image IDs are ordered along the slice normal
 * and evenly spaced, which is what that check establishes.
 */
export class MprController {
  private volumeId: string | undefined;
  private readonly enabled = new Set<string>();
  private leftTool: LeftTool = 'WindowLevel';
  /** The series shown as a volume, while MPR is open. */
  seriesInstanceUid: string | undefined;
  /** Whether show() has put the volume in the views and placed their planes; until then they cross nowhere meaningful. */
  private placed = false;

  /** The left mouse button's tool in the three reformats, as in the stack. */
  setLeftTool(tool: LeftTool): void {
    this.leftTool = tool;
    const group = ToolGroupManager.getToolGroup(mprToolGroupId);
    if (group) applyToolBindings(group, tool);
  }

  enablePane(orientation: MprOrientation, element: HTMLDivElement): void {
    const viewportId = mprViewportId(orientation);
    engine().enableElement({
      viewportId,
      type: CoreEnums.ViewportType.ORTHOGRAPHIC,
      element,
      defaultOptions: { orientation: orientationAxis[orientation], background: [0, 0, 0] },
    });
    mprGroup(this.leftTool).addViewport(viewportId, renderingEngineId);
    this.enabled.add(viewportId);
  }

  disablePane(orientation: MprOrientation): void {
    const viewportId = mprViewportId(orientation);
    if (!this.enabled.delete(viewportId)) return;
    ToolGroupManager.getToolGroup(mprToolGroupId)?.removeViewports(renderingEngineId, viewportId);
    getRenderingEngine(renderingEngineId)?.disableElement(viewportId);
  }

  /**
   * Builds (or reuses) the series' volume, puts it in the three panes and streams its slices in.
   * With a focus (the centre of the slice being read) the three planes cross there instead of at
   * the volume's centre.
   */
  async show(seriesInstanceUid: string, imageIds: readonly string[], focus?: Vec3): Promise<void> {
    const volumeId = `cornerstoneStreamingImageVolume:radstation-${seriesInstanceUid}`;
    this.volumeId = volumeId;
    this.seriesInstanceUid = seriesInstanceUid;
    this.placed = false;
    // The loader may reverse the list it is given in place; hand it a copy.
    const volume = await volumeLoader.createAndCacheVolume(volumeId, { imageIds: [...imageIds] });
    const viewportIds = mprOrientations.map(mprViewportId).filter((id) => this.enabled.has(id));
    await setVolumesForViewports(engine(), [{ volumeId }], viewportIds);
    if (focus) this.crossAt(focus);
    this.placed = true;
    // Enabled after the cameras are placed: the crosshairs take their centre from where the three planes meet.
    if (viewportIds.length > 1) ToolGroupManager.getToolGroup(mprToolGroupId)?.setToolEnabled(CrosshairsTool.toolName);
    (volume as { load?: (callback: () => void) => void }).load?.(() => undefined);
    engine().renderViewports(viewportIds);
  }

  /** Moves each view along its normal (no pan, zoom or turn) so the three planes cross at a point. */
  crossAt(point: Vec3): void {
    for (const orientation of mprOrientations) {
      const viewport = this.viewport(orientation);
      if (!viewport) continue;
      const camera = viewport.getCamera();
      if (!camera.focalPoint || !camera.position || !camera.viewPlaneNormal) continue;
      const moved = cameraThrough({ focalPoint: [...camera.focalPoint], position: [...camera.position], viewPlaneNormal: [...camera.viewPlaneNormal] }, point);
      viewport.setCamera(moved);
    }
  }

  /**
   * Where the three views' planes cross now (the reader may have scrolled each): the place the
   * stack returns to when MPR closes. Undefined unless all three views are shown.
   */
  crossing(): Vec3 | undefined {
    if (!this.placed) return undefined;
    const planes: PlaneThrough[] = [];
    for (const orientation of mprOrientations) {
      const camera = this.viewport(orientation)?.getCamera();
      if (!camera?.focalPoint || !camera.viewPlaneNormal) return undefined;
      planes.push({ point: [...camera.focalPoint], normal: [...camera.viewPlaneNormal] });
    }
    return planesMeet(planes as [PlaneThrough, PlaneThrough, PlaneThrough]);
  }

  viewport(orientation: MprOrientation): VolumeViewport | undefined {
    const viewportId = mprViewportId(orientation);
    if (!this.enabled.has(viewportId)) return undefined;
    return getRenderingEngine(renderingEngineId)?.getViewport(viewportId) as VolumeViewport | undefined;
  }

  /** Whether every slice of the volume has arrived. */
  loaded(): boolean {
    if (!this.volumeId) return false;
    const volume = cache.getVolume(this.volumeId) as { loadStatus?: { loaded?: boolean } } | undefined;
    return volume?.loadStatus?.loaded ?? false;
  }

  /** Moves a view to one of its slices, exactly on the volume's voxels. */
  async jumpToSlice(orientation: MprOrientation, sliceIndex: number): Promise<void> {
    const viewport = this.viewport(orientation);
    if (viewport) await utilities.jumpToSlice(viewport.element, { imageIndex: sliceIndex });
  }

  /** The volume's slices in index (k) order, by image ID. */
  volumeImageIds(): string[] {
    const volume = this.volumeId ? cache.getVolume(this.volumeId) : undefined;
    return volume ? [...volume.imageIds] : [];
  }

  /** A world point as a continuous (column, row, slice) index into the volume. */
  volumeIndex(world: Types.Point3): Types.Point3 | undefined {
    const volume = this.volumeId ? cache.getVolume(this.volumeId) : undefined;
    if (!volume?.imageData) return undefined;
    return utilities.transformWorldToIndexContinuous(volume.imageData, world);
  }

  applyWindow(preset: Pick<WindowPreset, 'center' | 'width'>): void {
    for (const orientation of mprOrientations) {
      const viewport = this.viewport(orientation);
      if (!viewport) continue;
      viewport.setProperties({ voiRange: toVoiRange(preset, parseVoiLutFunction(viewport.getProperties()?.VOILUTFunction)) });
      viewport.render();
    }
  }

  states(): MprViewState[] {
    return mprOrientations.flatMap((orientation) => {
      const viewport = this.viewport(orientation);
      if (!viewport) return [];
      const camera: Types.ICamera = viewport.getCamera();
      const properties = viewport.getProperties();
      const window = properties?.voiRange ? fromVoiRange(properties.voiRange, parseVoiLutFunction(properties.VOILUTFunction)) : undefined;
      return [
        {
          viewportId: viewport.id,
          orientation,
          viewPlaneNormal: [...(camera.viewPlaneNormal ?? [0, 0, 0])] as [number, number, number],
          viewUp: [...(camera.viewUp ?? [0, 0, 0])] as [number, number, number],
          focalPoint: [...(camera.focalPoint ?? [0, 0, 0])] as [number, number, number],
          parallelScale: camera.parallelScale ?? 0,
          sliceIndex: viewport.getSliceIndex(),
          sliceCount: viewport.getNumberOfSlices(),
          windowCenter: window?.center,
          windowWidth: window?.width,
        },
      ];
    });
  }

  destroy(): void {
    // Disabling the crosshairs removes their annotations, which would otherwise outlive the views.
    const group = ToolGroupManager.getToolGroup(mprToolGroupId);
    if (group?.hasTool(CrosshairsTool.toolName)) group.setToolDisabled(CrosshairsTool.toolName);
    for (const orientation of mprOrientations) this.disablePane(orientation);
    ToolGroupManager.destroyToolGroup(mprToolGroupId);
    this.volumeId = undefined;
    this.seriesInstanceUid = undefined;
    this.placed = false;
  }
}
