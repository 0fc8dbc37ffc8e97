import { layouts, type LayoutName } from './hanging';
import type { WindowPreset } from './presets';
import { leftTools, type LeftTool } from './tool-bindings';
import { viewer } from './viewer-state';

const toolLabels: Record<LeftTool, string> = {
  WindowLevel: 'W/L',
  Pan: 'Pan',
  Zoom: 'Zoom',
  StackScroll: 'Scroll',
  PlanarRotate: 'Rotate',
  Length: 'Length',
  Angle: 'Angle',
  EllipticalROI: 'Ellipse',
  RectangleROI: 'Rectangle',
  Probe: 'Probe',
};

export const cineRates = [5, 10, 15, 20, 30, 60] as const;

interface Props {
  layout: LayoutName;
  onLayout: (layout: LayoutName) => void;
  tool: LeftTool;
  onTool: (tool: LeftTool) => void;
  presets: readonly WindowPreset[];
  /** The preset whose window the active view shows, if any. */
  currentPreset: number | undefined;
  onPreset: (index: number) => void;
  hidePhi: boolean;
  onHidePhi: (hide: boolean) => void;
  cinePlaying: boolean;
  cineFps: number;
  onCine: (playing: boolean, fps: number) => void;
  onMpr: () => void;
  mprLabel: string;
  onHelp: () => void;
  onClose: () => void;
}

export function Toolbar(props: Props) {
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label="Viewer tools">
      <button type="button" onClick={props.onClose}>
        ← Studies
      </button>
      <span className="group" aria-label="Layout">
        {(Object.keys(layouts) as LayoutName[]).map((name) => (
          <button key={name} type="button" aria-pressed={props.layout === name} onClick={() => props.onLayout(name)}>
            {name.replace('x', '×')}
          </button>
        ))}
      </span>
      <span className="group" aria-label="Left mouse tool">
        {leftTools.map((tool) => (
          <button key={tool} type="button" aria-pressed={props.tool === tool} onClick={() => props.onTool(tool)}>
            {toolLabels[tool]}
          </button>
        ))}
      </span>
      <select
        aria-label="Window preset"
        value={props.currentPreset === undefined ? '' : String(props.currentPreset)}
        onChange={(event) => {
          if (event.target.value !== '') props.onPreset(Number(event.target.value));
        }}
      >
        <option value="">{props.currentPreset === undefined ? 'Preset…' : 'Presets'}</option>
        {props.presets.map((preset, index) => (
          <option key={preset.name} value={index}>
            {index < 9 ? `${index + 1} ` : ''}
            {preset.name} (W {Math.round(preset.width)} L {Math.round(preset.center)})
          </option>
        ))}
      </select>
      <span className="group" aria-label="View">
        <button type="button" onClick={() => viewer.fit()}>Fit</button>
        <button type="button" onClick={() => viewer.actualSize()}>1:1</button>
        <button type="button" onClick={() => viewer.invert()}>Invert</button>
        <button type="button" onClick={() => viewer.rotate(90)}>Rotate</button>
        <button type="button" onClick={() => viewer.flip('horizontal')}>Flip H</button>
        <button type="button" onClick={() => viewer.flip('vertical')}>Flip V</button>
        <button type="button" onClick={() => viewer.reset()}>Reset</button>
      </span>
      <span className="group" aria-label="Cine">
        <button type="button" aria-pressed={props.cinePlaying} onClick={() => props.onCine(!props.cinePlaying, props.cineFps)}>
          {props.cinePlaying ? 'Stop' : 'Cine'}
        </button>
        <select aria-label="Cine frames per second" value={props.cineFps} onChange={(event) => props.onCine(props.cinePlaying, Number(event.target.value))}>
          {cineRates.map((fps) => (
            <option key={fps} value={fps}>
              {fps} fps
            </option>
          ))}
        </select>
      </span>
      <button type="button" onClick={props.onMpr}>{props.mprLabel}</button>
      <label className="toggle">
        <input type="checkbox" checked={props.hidePhi} onChange={(event) => props.onHidePhi(event.target.checked)} /> Hide PHI
      </label>
      <button type="button" onClick={props.onHelp}>Help</button>
    </div>
  );
}
