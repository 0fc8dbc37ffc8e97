import { getEnabledElementByViewportId } from '@cornerstonejs/core';
import { cancelActiveManipulations, Enums as ToolEnums, type Types as ToolTypes } from '@cornerstonejs/tools';

/**
 * The viewer's mouse model, in one place, for the stack and the reformats alike:
 * - exactly one tool answers the left (primary) button: the one chosen in the toolbar;
 * - a few tools keep fixed secondary bindings whatever is chosen (as Weasis and OHIF do);
 * - every measuring tool that is not chosen stays passive, so its measurements show and their
 *   handles can still be dragged, but a drag on the image never makes one.
 * Help lists the fixed bindings from `secondaryBindings`, so it cannot drift from what the mouse does.
 */

/** Tools the left mouse button can take, in toolbar order. */
export const leftTools = ['WindowLevel', 'Pan', 'Zoom', 'StackScroll', 'PlanarRotate', 'Length', 'Angle', 'EllipticalROI', 'RectangleROI', 'Probe'] as const;
export type LeftTool = (typeof leftTools)[number];
export const measurementTools: readonly string[] = ['Length', 'Angle', 'EllipticalROI', 'RectangleROI', 'Probe'];

interface SecondaryBinding {
  tool: LeftTool;
  binding: ToolTypes.IToolBinding;
  /** What Help says about it. */
  keys: string;
  action: string;
}

const { MouseBindings, KeyboardBindings } = ToolEnums;

/** The bindings that do not change with the toolbar. */
export const secondaryBindings: readonly SecondaryBinding[] = [
  { tool: 'StackScroll', binding: { mouseButton: MouseBindings.Wheel }, keys: 'Mouse wheel', action: 'Scroll the stack' },
  { tool: 'WindowLevel', binding: { mouseButton: MouseBindings.Secondary }, keys: 'Right-drag', action: 'Window / level' },
  { tool: 'Zoom', binding: { mouseButton: MouseBindings.Secondary, modifierKey: KeyboardBindings.Shift }, keys: 'Shift + right-drag', action: 'Zoom' },
  { tool: 'Pan', binding: { mouseButton: MouseBindings.Auxiliary }, keys: 'Middle-drag', action: 'Pan' },
];

/** Each tool's full list of bindings when `primary` is the chosen tool. */
export function bindingsFor(primary: LeftTool): Map<LeftTool, ToolTypes.IToolBinding[]> {
  const bindings = new Map<LeftTool, ToolTypes.IToolBinding[]>(leftTools.map((tool) => [tool, []]));
  for (const { tool, binding } of secondaryBindings) bindings.get(tool)?.push(binding);
  bindings.get(primary)?.push({ mouseButton: MouseBindings.Primary });
  return bindings;
}

/**
 * Puts a tool group in the state `bindingsFor(primary)` describes. Cornerstone's setToolActive
 * adds bindings to those a tool already has, so every tool's bindings are cleared first: without
 * that, a tool chosen earlier kept the left button and won over the one chosen after it.
 */
export function applyToolBindings(group: ToolTypes.IToolGroup, primary: LeftTool): void {
  // A measurement half drawn (an angle waiting for its third point) would keep the mouse: end it first.
  for (const { viewportId, renderingEngineId } of group.getViewportsInfo()) {
    const element = getEnabledElementByViewportId(viewportId)?.viewport.element;
    if (element && renderingEngineId) cancelActiveManipulations(element);
  }
  for (const [tool, bindings] of bindingsFor(primary)) {
    if (!group.hasTool(tool)) continue;
    group.setToolPassive(tool, { removeAllBindings: true });
    if (bindings.length > 0) group.setToolActive(tool, { bindings });
  }
}
