import { useState, type DragEvent } from 'react';
import type { StorageMode } from '../../src-shared/domain/imports';
import { canDropFiles, droppedPaths } from '../bridge/dropped-files';
import { pickedFiles } from './upload';
import type { PickedFile } from './upload-zip';

/**
 * Chooses what to import. In the desktop app, paths on this computer (and files can be
 * dropped here). In the web host, a file or zip uploaded from the browser's computer: a
 * browser may neither name nor learn paths on the host's disk, and the host refuses
 * imports.start from it.
 */
export function ImportDialog({
  host,
  initialPaths,
  onStart,
  onUpload,
  onClose,
}: {
  host: 'electron' | 'web';
  initialPaths: string[];
  onStart: (paths: string[], mode: StorageMode) => void;
  /** Web host: send files, zips or a folder from the browser's computer instead of naming a host path. */
  onUpload: (files: PickedFile[]) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState(initialPaths.join('\n'));
  const [mode, setMode] = useState<StorageMode>('copy');
  const [dragging, setDragging] = useState(false);
  const paths = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const acceptsDrops = canDropFiles();

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const dropped = droppedPaths(event.dataTransfer);
    if (dropped.length > 0) setText((current) => [...current.split('\n').filter((line) => line.trim()), ...dropped].join('\n'));
  };

  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <form
        className="dialog import-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="import-title"
        onClick={(event) => event.stopPropagation()}
        onSubmit={(event) => {
          event.preventDefault();
          if (paths.length > 0) onStart(paths, mode);
        }}
      >
        <h2 id="import-title">Import studies</h2>
        {host === 'web' ? (
          <div className="upload-choice">
            <p>Upload from this computer (copied into the cache); several files or a folder go as one import:</p>
            <label>
              Files or zips (any name, a CD&apos;s I10 too):{' '}
              <input
                type="file"
                aria-label="Upload files or zips"
                multiple
                autoFocus
                onChange={(event) => {
                  const files = pickedFiles(event.target.files);
                  if (files.length > 0) onUpload(files);
                }}
              />
            </label>
            <label>
              A folder:{' '}
              <input
                type="file"
                aria-label="Upload a folder"
                // Not in React's types: every file under the chosen folder, with its relative path.
                ref={(input) => input?.setAttribute('webkitdirectory', '')}
                onChange={(event) => {
                  const files = pickedFiles(event.target.files);
                  if (files.length > 0) onUpload(files);
                }}
              />
            </label>
          </div>
        ) : (
          <>
            <label htmlFor="import-paths">Files, folders, DICOMDIRs or zips, one path per line</label>
            <textarea id="import-paths" rows={4} value={text} onChange={(event) => setText(event.target.value)} placeholder="/path/to/study-folder" autoFocus />
            {acceptsDrops && (
              <div
                className={`drop-zone${dragging ? ' dragging' : ''}`}
                onDragOver={(event) => {
                  event.preventDefault();
                  setDragging(true);
                }}
                onDragLeave={() => setDragging(false)}
                onDrop={onDrop}
              >
                Or drop files and folders here
              </div>
            )}
            <fieldset className="import-mode">
              <legend>Storage</legend>
              <label>
                <input type="radio" name="import-mode" checked={mode === 'copy'} onChange={() => setMode('copy')} /> Copy into the cache
              </label>
              <label>
                <input type="radio" name="import-mode" checked={mode === 'link'} onChange={() => setMode('link')} /> Link in place (read-only media; files must stay where they are)
              </label>
            </fieldset>
          </>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          {host !== 'web' && (
            <button type="submit" className="primary" disabled={paths.length === 0}>
              Import
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
