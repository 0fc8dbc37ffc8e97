import { ctPresets, filePresets, histogramWindow, type WindowPreset } from './presets';
import { secondaryBindings } from './tool-bindings';
import { viewer } from './viewer-state';
import { voiLutFunctionOf } from './voi-lut-function';

/** The viewer's keys, listed in Help. */
export const shortcutList: readonly { keys: string; action: string }[] = [
  { keys: '↑ / ↓ or ← / →', action: 'Previous / next image' },
  { keys: 'Page Up / Page Down', action: 'Ten images back / forward' },
  { keys: 'Home / End', action: 'First / last image' },
  { keys: 'Left-drag', action: 'The tool chosen in the toolbar (one at a time)' },
  ...secondaryBindings.map(({ keys, action }) => ({ keys, action })),
  { keys: 'Right-click', action: 'Save as PNG / Copy' },
  { keys: '1 – 9', action: 'Window presets (CT: brain, subdural, stroke, lung, mediastinum, abdomen, liver, bone; 9 or MR: auto)' },
  { keys: 'I', action: 'Invert' },
  { keys: 'R / Shift+R', action: 'Rotate 90° right / left' },
  { keys: 'H / V', action: 'Flip horizontal / vertical' },
  { keys: 'F', action: 'Fit to window' },
  { keys: '0', action: 'Actual size (1:1)' },
  { keys: '+ / −', action: 'Zoom in / out' },
  { keys: 'Esc', action: 'Reset the view (closes a dialog first)' },
  { keys: 'Space', action: 'Start / stop cine' },
  { keys: 'L, A, E, G, P', action: 'Length, angle, ellipse, rectangle, probe tools' },
  { keys: 'W', action: 'Window/level on the left button' },
  { keys: '?', action: 'This help' },
];

interface VoiModule {
  windowCenter?: number | number[];
  windowWidth?: number | number[];
  /** VOI LUT Function (0028,1056): a string from the loader, a one-element array once voi-lut-function.ts has mended it. */
  voiLUTFunction?: string | string[];
}

/** Presets for the active image: the CT list for CT, else the file's windows and the histogram. */
export function presetsFor(modality: string, voi: VoiModule | undefined, pixels: ArrayLike<number> | undefined): WindowPreset[] {
  const fromFile = filePresets(voi?.windowCenter, voi?.windowWidth, undefined, voiLutFunctionOf(voi));
  const auto = pixels ? histogramWindow(pixels) : undefined;
  if (modality === 'CT') return [...ctPresets, ...(auto ? [auto] : fromFile.slice(0, 1))];
  return [...fromFile.slice(0, 8), ...(auto ? [auto] : [])];
}

export interface ShortcutHandlers {
  applyPreset: (index: number) => void;
  toggleCine: () => void;
  showHelp: () => void;
  setTool: (key: string) => boolean;
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) && !(target instanceof HTMLInputElement && target.type === 'range');
}

export function handleViewerKey(event: KeyboardEvent, handlers: ShortcutHandlers): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return false;
  const count = viewer.status()?.imageCount ?? 0;
  switch (event.key) {
    case 'ArrowUp':
    case 'ArrowLeft':
      void viewer.scrollBy(-1);
      return true;
    case 'ArrowDown':
    case 'ArrowRight':
      void viewer.scrollBy(1);
      return true;
    case 'PageUp':
      void viewer.scrollBy(-10);
      return true;
    case 'PageDown':
      void viewer.scrollBy(10);
      return true;
    case 'Home':
      void viewer.scrollTo(0);
      return true;
    case 'End':
      void viewer.scrollTo(count - 1);
      return true;
    case 'i':
    case 'I':
      viewer.invert();
      return true;
    case 'r':
      viewer.rotate(90);
      return true;
    case 'R':
      viewer.rotate(-90);
      return true;
    case 'h':
    case 'H':
      viewer.flip('horizontal');
      return true;
    case 'v':
    case 'V':
      viewer.flip('vertical');
      return true;
    case 'f':
    case 'F':
      viewer.fit();
      return true;
    case '0':
      viewer.actualSize();
      return true;
    case '+':
    case '=':
      viewer.zoomBy(1.25);
      return true;
    case '-':
      viewer.zoomBy(0.8);
      return true;
    case 'Escape':
      viewer.reset();
      return true;
    case ' ':
      handlers.toggleCine();
      return true;
    case '?':
      handlers.showHelp();
      return true;
    default:
      if (/^[1-9]$/.test(event.key)) {
        handlers.applyPreset(Number(event.key) - 1);
        return true;
      }
      return handlers.setTool(event.key.toLowerCase());
  }
}
