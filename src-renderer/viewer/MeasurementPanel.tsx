import type { RadstationApi, ViewerStudy } from '../../src-shared/contract';
import { removeMeasurement } from './measurements';
import { useMeasurementStore } from './use-measurement-store';

/** The measurements of the open study: listed, removable, and kept in the cache. */
export function MeasurementPanel({ api, study }: { api: RadstationApi; study: ViewerStudy }) {
  const { items, saveState } = useMeasurementStore(api, study);

  return (
    <section className="measurement-panel" aria-label="Measurements">
      <h2>Measurements</h2>
      {items.length === 0 && <p className="hint">Pick a measuring tool and draw on the image.</p>}
      <ol data-testid="measurement-list">
        {items.map((item) => (
          <li key={item.annotationUid} data-testid="measurement" data-tool={item.toolName} data-annotation-uid={item.annotationUid}>
            <span className="measurement-label">
              {item.label}
              {item.onReformat && <span className="measurement-where" title="Drawn on a reformat (MPR); shown when MPR cuts its plane"> · MPR</span>}
            </span>
            <button type="button" aria-label="Delete measurement" onClick={() => removeMeasurement(item.annotationUid)}>
              ×
            </button>
          </li>
        ))}
      </ol>
      <p className="hint" data-testid="measurement-save-state">
        {saveState === 'saving' ? 'Saving…' : saveState === 'saved' ? 'Saved in the cache' : saveState === 'idle' ? '' : saveState}
      </p>
    </section>
  );
}
