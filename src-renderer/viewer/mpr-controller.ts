import { cache, Enums as CoreEnums, getRenderingEngine, setVolumesForViewports, utilities, volumeLoader, type Types, type VolumeViewport } from '@cornerstonejs/core';
import { ToolGroupManager } from '@cornerstonejs/tools';
import { toolClasses } from './cornerstone-init';
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
  for (const toolClass of toolClasses) group.addTool(toolClass.toolName);
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

  /** Builds (or reuses) the series' volume, puts it in the three panes and streams its slices in. */
  async show(seriesInstanceUid: string, imageIds: readonly string[]): Promise<void> {
    const volumeId = `cornerstoneStreamingImageVolume:radstation-${seriesInstanceUid}`;
    this.volumeId = volumeId;
    this.seriesInstanceUid = seriesInstanceUid;
    // The loader may reverse the list it is given in place; hand it a copy.
    const volume = await volumeLoader.createAndCacheVolume(volumeId, { imageIds: [...imageIds] });
    const viewportIds = mprOrientations.map(mprViewportId).filter((id) => this.enabled.has(id));
    await setVolumesForViewports(engine(), [{ volumeId }], viewportIds);
    (volume as { load?: (callback: () => void) => void }).load?.(() => undefined);
    engine().renderViewports(viewportIds);
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
    for (const orientation of mprOrientations) this.disablePane(orientation);
    ToolGroupManager.destroyToolGroup(mprToolGroupId);
    this.volumeId = undefined;
    this.seriesInstanceUid = undefined;
  }
}
