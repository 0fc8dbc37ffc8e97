import type { ComponentType } from 'react';
import type { BundleSummary, ViewerSeries, ViewerStudy } from '../../../src-shared/contract';

/**
 * AI panels register themselves here, the way an OHIF extension registers a panel: the viewer
 * asks the registry what to show and knows nothing of a panel's insides. A panel module calls
 * registerPanel() when it is imported; panels/all-panels.ts is the one place that imports them.
 */

/** What the shell tells every panel about the screen it sits beside. */
export interface PanelContext {
  study: ViewerStudy;
  /** The series in the active viewport, when one is shown there. */
  activeSeries: ViewerSeries | undefined;
  /** Installed model bundles; undefined while they are being listed. */
  bundles: BundleSummary[] | undefined;
  /** The machine's execution providers, fastest first, as the main process reports them. */
  providers: string[];
  /**
   * Shows a series of the open study in a viewport (the side-by-side and saved-result paths).
   * Returns the ID of the viewport it goes to, so a panel can link the two (viewer/viewport-sync).
   */
  showSeries: (seriesInstanceUid: string, options?: { beside?: boolean }) => string | void;
  /** Asks the viewer to list the study's series again, after a derived series was saved. */
  refreshStudy: () => void;
}

export interface PanelProps extends PanelContext {
  /** False while another tab is in front; a hidden panel stays mounted so its job and chat survive. */
  visible: boolean;
}

export type PanelAvailability = { enabled: true } | { enabled: false; reason: string };

export interface PanelDefinition {
  id: string;
  title: string;
  /** A short glyph shown on the tab; text, so no icon font has to ship. */
  icon: string;
  /** The letter that opens the panel with Alt (matched on the physical key, so any keyboard layout works). */
  shortcutKey: string;
  /** Task IDs the panel can run; the shell lists which installed bundles provide them. */
  tasks: readonly string[];
  /** Position among the panels' tabs, lowest first. */
  order: number;
  /** Whether the panel can work on what is on screen now, and why not when it cannot. */
  availability: (context: PanelContext) => PanelAvailability;
  Component: ComponentType<PanelProps>;
}

const panels = new Map<string, PanelDefinition>();
const listeners = new Set<() => void>();

/** Adds a panel; returns a function that removes it again (tests, hot reload). */
export function registerPanel(definition: PanelDefinition): () => void {
  if (panels.has(definition.id)) throw new Error(`A panel with the id "${definition.id}" is already registered`);
  const clash = [...panels.values()].find((panel) => panel.shortcutKey.toLowerCase() === definition.shortcutKey.toLowerCase());
  if (clash) throw new Error(`Alt+${definition.shortcutKey.toUpperCase()} already opens the "${clash.title}" panel`);
  panels.set(definition.id, definition);
  listeners.forEach((listener) => listener());
  return () => {
    if (panels.get(definition.id) === definition) panels.delete(definition.id);
    listeners.forEach((listener) => listener());
  };
}

export function registeredPanels(): PanelDefinition[] {
  return [...panels.values()].sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
}

export function onPanelsChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The panel an Alt+key press opens, if any. `code` is KeyboardEvent.code, e.g. "KeyQ". */
export function panelForShortcut(code: string): PanelDefinition | undefined {
  const letter = /^Key([A-Z])$/.exec(code)?.[1];
  if (!letter) return undefined;
  return registeredPanels().find((panel) => panel.shortcutKey.toUpperCase() === letter);
}
