/**
 * The viewer's services: everything the AI panels (src-renderer/panels) may use of the viewer,
 * and the one viewer module they may import, as OHIF's extensions reach the viewer only through
 * its services. The dependency runs one way: panels import this module; the viewer imports no
 * panel (it hosts the side bar through panel-host/ and learns of panels from the registry).
 * eslint.config.js enforces both directions.
 */

/** The active viewport's image and window, and a notice on every slice, window, layout or tool change. */
export { getActiveImage, onViewerChange, type ActiveImage } from './viewer-state';
/** An image's pixels as the viewer's loader decoded them. */
export { decodedPixels, type DecodedPixels } from './viewer-state';
/** The measurements drawn now, and a measurement's handles in image pixels. */
export { currentMeasurements, measurementHandles, type MeasurementSummary } from './measurements';
/** Scroll, zoom and pan of two viewports kept in step (a result shown beside its source). */
export { linkViewports, type LinkedPane } from './viewport-sync';
/** How a panel joins the side bar, and what the viewer tells it. */
export { registerPanel, type PanelAvailability, type PanelContext, type PanelDefinition, type PanelProps } from './panel-host/panel-registry';
