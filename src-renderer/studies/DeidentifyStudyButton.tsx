import { useState } from 'react';
import { deidentifyOptionNames } from '../../src-shared/contract/deidentify';
import { useApi } from '../bridge/api-context';
import { saveUrlAs } from '../shell/save-file';
import { BurnedInImages, type CleanRectsByInstance } from './BurnedInImages';

type OptionName = (typeof deidentifyOptionNames)[number];
type Output = 'cache' | 'zip';

interface PreviewRow {
  tag: string;
  name: string;
  action: string;
  before: string;
  after: string | null;
}
interface Outcome {
  output: Output;
  written: number;
  files: number;
  excluded: Array<{ file: string; reason: string }>;
  burnedIn: Array<{ file: string; how: string }>;
}

/**
 * De-identifies a study into the cache (DICOM PS3.15 Basic Profile and the options the user
 * ticks), after showing what each attribute of one of its instances becomes. Images that may
 * carry burned-in text are left out and listed unless the user confirms they are clean.
 */
export function DeidentifyStudyButton({ studyInstanceUid }: { studyInstanceUid: string }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<OptionName[]>([]);
  const [confirmClean, setConfirmClean] = useState(false);
  const [cleanRectsByInstance, setCleanRectsByInstance] = useState<CleanRectsByInstance>({});
  const [output, setOutput] = useState<Output>('cache');
  const [dicomdir, setDicomdir] = useState(true);
  const [preview, setPreview] = useState<{ rows: PreviewRow[]; burnedIn: string | null }>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });

  const toggle = (option: OptionName) => setOptions((current) => (current.includes(option) ? current.filter((name) => name !== option) : [...current, option]));
  const fail = (error: unknown) => setState({ busy: false, error: error instanceof Error ? error.message : String(error) });

  const showPreview = async () => {
    setState({ busy: true });
    try {
      const { series } = await api.call('studies.series', { studyInstanceUid });
      const first = series[0];
      if (!first) throw new Error('The study has no series.');
      const { instances } = await api.call('studies.instances', { seriesInstanceUid: first.seriesInstanceUid });
      const instance = instances[0];
      if (!instance) throw new Error('The series has no instances.');
      const result = await api.call('studies.deidentifyPreview', { sopInstanceUid: instance.sopInstanceUid, options });
      setPreview({ rows: result.attributes, burnedIn: result.burnedIn });
      setState({ busy: false });
    } catch (error) {
      fail(error);
    }
  };

  const run = async () => {
    setState({ busy: true });
    try {
      const result = await api.call('studies.deidentify', {
        studyInstanceUids: [studyInstanceUid],
        options,
        project: 'default',
        // Images blacked out by the user are cleaned whatever the confirmation says; the rest follow it.
        burnedIn: { ...(confirmClean ? { confirmClean: 'all' as const } : {}), ...(Object.keys(cleanRectsByInstance).length > 0 ? { cleanRectsByInstance } : {}) },
        output,
        dicomdir: output === 'zip' && dicomdir,
      });
      if (result.download) saveUrlAs(api.deidentifiedExportUrl(result.download.exportId), result.download.fileName);
      setOutcome({ ...result, output });
      setState({ busy: false });
    } catch (error) {
      fail(error);
    }
  };

  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        De-identify…
      </button>
      {open && (
        <div className="dialog-backdrop" onClick={() => setOpen(false)}>
          <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="deidentify-title" style={{ maxHeight: '90vh', overflow: 'auto' }} onClick={(event) => event.stopPropagation()}>
            <h2 id="deidentify-title">De-identify study</h2>
            <p>A de-identified copy (DICOM PS3.15 Basic Profile) goes into the cache as a new study, or is downloaded as a zip; the original stays as it is.</p>
            <fieldset>
              <legend>Output</legend>
              <label>
                <input type="radio" name="deidentify-output" checked={output === 'cache'} onChange={() => setOutput('cache')} /> Into the cache, as a new study
              </label>
              <label>
                <input type="radio" name="deidentify-output" checked={output === 'zip'} onChange={() => setOutput('zip')} /> Download as a zip
              </label>
              {output === 'zip' && (
                <label>
                  <input type="checkbox" checked={dicomdir} onChange={() => setDicomdir((value) => !value)} /> With a DICOMDIR (for CD/USB media)
                </label>
              )}
            </fieldset>
            <fieldset>
              <legend>Options</legend>
              {deidentifyOptionNames.map((option) => (
                <label key={option}>
                  <input type="checkbox" checked={options.includes(option)} onChange={() => toggle(option)} /> {option}
                </label>
              ))}
              <label>
                <input type="checkbox" checked={confirmClean} onChange={() => setConfirmClean((value) => !value)} /> Images flagged for burned-in text: I have checked they carry none
              </label>
            </fieldset>
            <BurnedInImages studyInstanceUid={studyInstanceUid} onChange={setCleanRectsByInstance} />
            {preview && (
              <>
                {preview.burnedIn && <p className="error">Held back: {preview.burnedIn}</p>}
                {/* The preview lists dozens of attributes: it scrolls inside the dialog so the buttons stay in reach. */}
                <div style={{ maxHeight: '35vh', overflow: 'auto' }}>
                <table aria-label="Preview of one instance">
                  <thead>
                    <tr>
                      <th>Tag</th>
                      <th>Attribute</th>
                      <th>Action</th>
                      <th>Before</th>
                      <th>After</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.rows
                      .filter((row) => row.name)
                      .map((row) => (
                        <tr key={row.tag}>
                          <td>{row.tag}</td>
                          <td>{row.name}</td>
                          <td>{row.action}</td>
                          <td>{row.before}</td>
                          <td>{row.after === null ? '(removed)' : row.after}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
                </div>
              </>
            )}
            {outcome && (
              <div data-testid="deidentify-outcome">
                <p>
                  Wrote <strong data-testid="deidentify-written">{outcome.written}</strong> of {outcome.files} files
                  {outcome.output === 'zip' ? (outcome.written > 0 ? ' into the downloaded zip.' : '; nothing to download.') : ' into the cache.'}
                </p>
                {outcome.burnedIn.length > 0 && (
                  <table aria-label="Included after the burned-in check">
                    <tbody>
                      {outcome.burnedIn.map((item) => (
                        <tr key={item.file}>
                          <td>{item.file}</td>
                          <td>{item.how === 'cleaned' ? 'areas blacked out (Clean Pixel Data)' : 'confirmed free of burned-in text'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {outcome.excluded.length > 0 && (
                  <table aria-label="Left out">
                    <tbody>
                      {outcome.excluded.map((item) => (
                        <tr key={item.file}>
                          <td>{item.file}</td>
                          <td>{item.reason}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            )}
            {state.error && <p className="error">{state.error}</p>}
            <div className="dialog-actions">
              <button type="button" onClick={() => setOpen(false)}>
                Close
              </button>
              <button type="button" disabled={state.busy} onClick={() => void showPreview()}>
                Preview
              </button>
              <button type="button" disabled={state.busy} onClick={() => void run()}>
                De-identify
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
