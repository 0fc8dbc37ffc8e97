import { Enums as CoreEnums, getRenderingEngine, metaData, RenderingEngine, type StackViewport, type Types } from '@cornerstonejs/core';
import { ToolGroupManager, type Types as ToolTypes } from '@cornerstonejs/tools';
import { initCornerstone, toolClasses } from './cornerstone-init';
import type { SlicePlace } from '../../src-shared/imaging/slice-geometry';
import { parseVoiLutFunction, type VoiLutFunction } from '../../src-shared/imaging/voi';
import { fromVoiRange, toVoiRange, type WindowPreset } from './presets';
import { edgeLabels, type EdgeLabels } from './orientation-labels';
import { applyToolBindings, type LeftTool } from './tool-bindings';
import { fileVoiLutShown, showFileVoiLut, watchFileVoiLut } from './file-voi-lut';
import { prefetchAroundReader } from './prefetch-pacing';

export const renderingEngineId = 'radstation-viewer';
const toolGroupId = 'radstation-stack';

export interface ViewportStatus {
  viewportId: string;
  imageId: string | undefined;
  imageIndex: number;
  imageCount: number;
  windowCenter: number | undefined;
  windowWidth: number | undefined;
  /** Set while the file's own VOI LUT Sequence, not a window, gives the greys. */
  fileVoiLut: string | undefined;
  /** The image's VOI LUT Function (0028,1056), which the window is read in. */
  voiLutFunction: VoiLutFunction;
  /** Screen pixels per image pixel. */
  zoom: number | undefined;
  invert: boolean;
  /** Patient directions at the four edges, when the image has an orientation. */
  edges: EdgeLabels | undefined;
}

/**
 * Owns Cornerstone's rendering engine and tool group for the viewer: enabling panes,
 * putting stacks in them and the view operations the toolbar and keys ask for. Kept
 * apart from React so AI panels and tests can drive it too.
 */
export class ViewerController {
  private engine: RenderingEngine | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly stacks = new Map<string, string[]>();
  /** Where each image of a viewport's stack lies, when its pane knows (linked viewports match slices by it). */
  private readonly places = new Map<string, readonly SlicePlace[]>();
  /** Stops each pane's watch for the file's VOI LUT (file-voi-lut.ts). */
  private readonly unwatch = new Map<string, () => void>();
  activeViewportId: string | undefined;
  leftTool: LeftTool = 'WindowLevel';

  async init(): Promise<void> {
    await initCornerstone();
    // One engine for the page's life, kept when a study closes: each engine holds several WebGL
    // contexts, which the browser caps (Chromium about 16) and frees only when it collects them,
    // so an engine per study lost the oldest contexts, the thumbnails' among them, after ~17 opens.
    this.engine ??= getRenderingEngine(renderingEngineId) ?? new RenderingEngine(renderingEngineId);
    if (ToolGroupManager.getToolGroup(toolGroupId)) return;
    const group = ToolGroupManager.createToolGroup(toolGroupId);
    if (!group) throw new Error('Could not create the viewer tool group');
    for (const tool of toolClasses) if (!group.hasTool(tool.toolName)) group.addTool(tool.toolName);
    applyToolBindings(group, this.leftTool);
  }

  private get group(): ToolTypes.IToolGroup {
    const group = ToolGroupManager.getToolGroup(toolGroupId);
    if (!group) throw new Error('The viewer is not initialised');
    return group;
  }

  setLeftTool(tool: LeftTool): void {
    this.leftTool = tool;
    applyToolBindings(this.group, tool);
    this.notify();
  }

  enablePane(viewportId: string, element: HTMLDivElement): void {
    const engine = this.requireEngine();
    engine.enableElement({ viewportId, type: CoreEnums.ViewportType.STACK, element, defaultOptions: { background: [0, 0, 0] } });
    this.unwatch.get(viewportId)?.();
    this.unwatch.set(viewportId, watchFileVoiLut(element, () => this.viewport(viewportId)));
    this.group.addViewport(viewportId, renderingEngineId);
    this.activeViewportId ??= viewportId;
  }

  disablePane(viewportId: string): void {
    if (!this.engine?.getViewport(viewportId)) return;
    this.group.removeViewports(renderingEngineId, viewportId);
    this.unwatch.get(viewportId)?.();
    this.unwatch.delete(viewportId);
    this.engine.disableElement(viewportId);
    this.stacks.delete(viewportId);
    this.places.delete(viewportId);
    if (this.activeViewportId === viewportId) this.activeViewportId = undefined;
  }

  resize(): void {
    this.engine?.resize(true, true);
  }

  private requireEngine(): RenderingEngine {
    if (!this.engine) throw new Error('ViewerController.init() has not run');
    return this.engine;
  }

  viewport(viewportId = this.activeViewportId): StackViewport | undefined {
    if (!viewportId || !this.engine) return undefined;
    return this.engine.getViewport(viewportId) as StackViewport | undefined;
  }

  /**
   * Shows a stack: the chosen image first, then the rest prefetched outwards from it.
   * `places` (one per image, in order) says where each image lies in the patient.
   */
  async showStack(viewportId: string, imageIds: string[], startIndex = 0, places?: readonly SlicePlace[]): Promise<void> {
    const viewport = this.viewport(viewportId);
    if (!viewport) throw new Error(`No viewport ${viewportId}`);
    this.stacks.set(viewportId, imageIds);
    if (places && places.length === imageIds.length) this.places.set(viewportId, places);
    else this.places.delete(viewportId);
    await viewport.setStack(imageIds, Math.min(Math.max(0, startIndex), imageIds.length - 1));
    viewport.render();
    prefetchAroundReader(viewport.element, () => viewport.getImageIds());
    this.notify();
  }

  stackOf(viewportId: string): string[] | undefined {
    return this.stacks.get(viewportId);
  }

  /** Where the images of a viewport's stack lie, when known; one per image ID of stackOf. */
  slicePlacesOf(viewportId: string): readonly SlicePlace[] | undefined {
    return this.places.get(viewportId);
  }

  setActive(viewportId: string): void {
    if (this.activeViewportId === viewportId) return;
    this.activeViewportId = viewportId;
    this.notify();
  }

  async scrollTo(index: number, viewportId = this.activeViewportId): Promise<void> {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    const count = viewport.getImageIds().length;
    if (count === 0) return;
    await viewport.setImageIdIndex(Math.min(count - 1, Math.max(0, Math.round(index))));
  }

  async scrollBy(delta: number, viewportId = this.activeViewportId): Promise<void> {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    await this.scrollTo(viewport.getCurrentImageIdIndex() + delta, viewportId);
  }

  applyWindow(preset: Pick<WindowPreset, 'center' | 'width'>, viewportId = this.activeViewportId): void {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    // The range follows the image's VOI LUT Function (LINEAR_EXACT spans c ± w/2), which the viewport keeps.
    viewport.setProperties({ voiRange: toVoiRange(preset, parseVoiLutFunction(viewport.getProperties().VOILUTFunction)) });
    viewport.render();
  }

  invert(viewportId = this.activeViewportId): void {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    viewport.setProperties({ invert: !viewport.getProperties().invert });
    viewport.render();
  }

  rotate(degrees: number, viewportId = this.activeViewportId): void {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    viewport.setViewPresentation({ rotation: (viewport.getRotation() + degrees + 360) % 360 });
    viewport.render();
  }

  flip(direction: 'horizontal' | 'vertical', viewportId = this.activeViewportId): void {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    const camera = viewport.getCamera();
    viewport.setCamera(direction === 'horizontal' ? { flipHorizontal: !camera.flipHorizontal } : { flipVertical: !camera.flipVertical });
    viewport.render();
  }

  fit(viewportId = this.activeViewportId): void {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    viewport.resetCamera({ resetPan: true, resetZoom: true });
    viewport.render();
  }

  zoomBy(factor: number, viewportId = this.activeViewportId): void {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    const camera = viewport.getCamera();
    viewport.setCamera({ parallelScale: (camera.parallelScale ?? 1) / factor });
    viewport.render();
  }

  /** One image pixel to one screen (CSS) pixel. */
  actualSize(viewportId = this.activeViewportId): void {
    const viewport = this.viewport(viewportId);
    const image = viewport?.getCornerstoneImage();
    if (!viewport || !image) return;
    const rowSpacing = image.rowPixelSpacing || 1;
    viewport.setCamera({ parallelScale: (viewport.element.clientHeight * rowSpacing) / 2 });
    viewport.render();
  }

  reset(viewportId = this.activeViewportId): void {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    viewport.resetProperties();
    showFileVoiLut(viewport);
    viewport.setViewPresentation({ rotation: 0 });
    viewport.setCamera({ flipHorizontal: false, flipVertical: false });
    viewport.resetCamera();
    viewport.render();
  }

  status(viewportId = this.activeViewportId): ViewportStatus | undefined {
    const viewport = this.viewport(viewportId);
    if (!viewport || !viewportId) return undefined;
    const imageIds = viewport.getImageIds();
    const properties = viewport.getProperties();
    const voiLutFunction = parseVoiLutFunction(properties.VOILUTFunction);
    const window = properties.voiRange ? fromVoiRange(properties.voiRange, voiLutFunction) : undefined;
    const image = viewport.getCornerstoneImage() as Types.IImage | undefined;
    const camera = viewport.getCamera();
    const parallelScale = camera.parallelScale;
    const hasOrientation = image !== undefined && metaData.get('imagePlaneModule', image.imageId)?.rowCosines !== undefined;
    const zoom =
      image && parallelScale ? viewport.element.clientHeight / ((2 * parallelScale) / (image.rowPixelSpacing || 1)) : undefined;
    return {
      viewportId,
      imageId: imageIds.length > 0 ? viewport.getCurrentImageId() : undefined,
      imageIndex: viewport.getCurrentImageIdIndex(),
      imageCount: imageIds.length,
      windowCenter: window?.center,
      windowWidth: window?.width,
      fileVoiLut: fileVoiLutShown(viewportId)?.label,
      voiLutFunction,
      zoom,
      invert: properties.invert ?? false,
      edges: hasOrientation && camera.viewUp && camera.viewPlaneNormal ? edgeLabels(camera.viewUp, camera.viewPlaneNormal) : undefined,
    };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Ends the viewer's session: its panes and tool state go; the engine and its WebGL contexts stay for the next (see init). */
  destroy(): void {
    ToolGroupManager.destroyToolGroup(toolGroupId);
    for (const viewport of this.engine?.getViewports() ?? []) this.engine?.disableElement(viewport.id);
    this.stacks.clear();
    this.places.clear();
    this.activeViewportId = undefined;
  }
}
