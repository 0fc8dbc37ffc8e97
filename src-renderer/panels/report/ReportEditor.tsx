import { useState } from 'react';
import type { RadstationApi } from '../../../src-shared/contract';
import { saveBlobAs } from '../../shell/save-file';
import { entryProvenance } from './entry-format';
import type { ReportDraftHandle, SaveState } from './use-report-draft';

const saveLabels: Record<SaveState, string> = {
  loading: 'Loading…',
  saved: 'Saved',
  unsaved: 'Not saved yet',
  saving: 'Saving…',
  conflict: 'Changed in another window',
  failed: 'Not saved',
};

function downloadPdf(fileName: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  saveBlobAs(new Blob([bytes], { type: 'application/pdf' }), fileName);
}

/** The study's report draft: the modality template's Findings and Impression, the added answers, save state and exports. */
export function ReportEditor({ api, studyInstanceUid, report, onSrSaved }: { api: RadstationApi; studyInstanceUid: string; report: ReportDraftHandle; onSrSaved: () => void }) {
  const [exporting, setExporting] = useState<'pdf' | 'sr' | undefined>();
  const [exportMessage, setExportMessage] = useState<{ ok: boolean; text: string }>();
  const { draft, saveState, problem } = report;

  const exportAs = async (kind: 'pdf' | 'sr') => {
    setExporting(kind);
    setExportMessage(undefined);
    try {
      await report.flush();
      if (kind === 'pdf') {
        const { fileName, pdfBase64 } = await api.call('reports.exportPdf', { studyInstanceUid });
        downloadPdf(fileName, pdfBase64);
        setExportMessage({ ok: true, text: `Saved ${fileName}` });
      } else {
        const { seriesInstanceUid } = await api.call('reports.exportSr', { studyInstanceUid });
        setExportMessage({ ok: true, text: `Saved into the study as a DICOM Basic Text SR (series ${seriesInstanceUid})` });
        onSrSaved();
      }
    } catch (error) {
      setExportMessage({ ok: false, text: error instanceof Error ? error.message : String(error) });
    } finally {
      setExporting(undefined);
    }
  };

  if (!draft) {
    return (
      <section className="report-editor" aria-label="Report draft">
        <h3>Report draft</h3>
        <p className={saveState === 'failed' ? 'error' : 'hint'}>{saveState === 'failed' ? `The report cannot be read: ${problem}` : 'Loading the report…'}</p>
      </section>
    );
  }
  return (
    <section className="report-editor" aria-label="Report draft" data-testid="report-editor">
      <div className="report-heading">
        <h3>Report draft</h3>
        <span className={`save-state save-${saveState}`} data-testid="report-save-state" role="status">
          {saveLabels[saveState]}
        </span>
      </div>
      {problem && saveState !== 'saved' && (
        <p className="error" role="alert" data-testid="report-problem">
          {saveState === 'conflict' ? 'This report was saved in another window after you opened it; your edits here are kept on screen but not saved.' : problem}{' '}
          {saveState === 'conflict' && (
            <span className="report-actions">
              <button type="button" onClick={report.reload}>
                Use the saved version
              </button>
              <button type="button" onClick={() => void report.keepMine()}>
                Keep mine
              </button>
            </span>
          )}
        </p>
      )}
      <label className="report-field">
        Findings
        <textarea data-testid="report-findings" rows={6} value={draft.findings} onChange={(event) => report.edit({ findings: event.target.value })} />
      </label>
      {draft.entries.length > 0 && (
        <ol className="report-entries" data-testid="report-entries" aria-label="Answers added to the report">
          {draft.entries.map((entry) => (
            <li key={entry.id} data-testid="report-entry">
              <div>
                <strong>Q:</strong> {entry.question}
              </div>
              <div>
                <strong>A:</strong> {entry.answer}
              </div>
              <div className="hint">{entryProvenance(entry)}</div>
              <button type="button" className="link-button" onClick={() => report.edit((current) => ({ entries: current.entries.filter((item) => item.id !== entry.id) }))}>
                Remove
              </button>
            </li>
          ))}
        </ol>
      )}
      <label className="report-field">
        Impression
        <textarea data-testid="report-impression" rows={3} value={draft.impression} onChange={(event) => report.edit({ impression: event.target.value })} />
      </label>
      <div className="report-actions">
        <button type="button" onClick={() => void exportAs('pdf')} disabled={exporting !== undefined}>
          {exporting === 'pdf' ? 'Exporting…' : 'Export PDF'}
        </button>
        <button type="button" onClick={() => void exportAs('sr')} disabled={exporting !== undefined}>
          {exporting === 'sr' ? 'Saving…' : 'Save as DICOM SR'}
        </button>
      </div>
      {exportMessage && (
        <p className={exportMessage.ok ? 'hint' : 'error'} data-testid="report-export-message" role={exportMessage.ok ? 'status' : 'alert'}>
          {exportMessage.text}
        </p>
      )}
    </section>
  );
}
