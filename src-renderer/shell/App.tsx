import { lazy, Suspense, useEffect, useState, type DragEvent } from 'react';
import { canDropFiles, droppedPaths } from '../bridge/dropped-files';
import { ImportDialog } from '../imports/ImportDialog';
import { ImportProgressBar } from '../imports/ImportProgressBar';
import { ImportReportDialog } from '../imports/ImportReportDialog';
import { useImport } from '../imports/use-import';
import { NetworkView } from '../network/NetworkView';
import { StudyBrowser } from '../studies/StudyBrowser';
import { AboutDialog } from './AboutDialog';
import { useApi } from '../bridge/api-context';
import { readPlace, writePlace } from './reader-place';

/**
 * The viewer (Cornerstone3D, its codecs and the AI panels: most of the renderer's code) loads only
 * when a study is opened, so the study list, the first screen, is not kept waiting while the
 * browser parses code it does not need yet. The panels register themselves before the viewer
 * module runs, as they did when both were imported at start.
 */
const ViewerScreen = lazy(async () => {
  await import('../panels/all-panels');
  const { ViewerScreen: Screen } = await import('../viewer/ViewerScreen');
  return { default: Screen };
});

/**
 * Once the study list is up, the viewer's code is fetched and parsed while the browser is idle, so
 * opening a study does not wait for it; it also installs the viewer's read API
 * (window.radstationViewer) for AI panels and end-to-end tests before any study is opened.
 */
function warmViewer(): void {
  const load = () => void import('../panels/all-panels').then(() => import('../viewer/viewer-state'));
  if (typeof requestIdleCallback === 'function') requestIdleCallback(load, { timeout: 2000 });
  else setTimeout(load, 200);
}

export function App() {
  const api = useApi();
  useEffect(warmViewer, []);
  const [showAbout, setShowAbout] = useState(false);
  const [showNetwork, setShowNetwork] = useState(false);
  // A reload comes back to the study that was open.
  const [openStudy, setOpenStudy] = useState<string | undefined>(() => readPlace().study);
  useEffect(() => {
    if (!openStudy) writePlace({ study: undefined, series: undefined });
    else if (readPlace().study !== openStudy) writePlace({ study: openStudy, series: undefined });
  }, [openStudy]);
  const [importPaths, setImportPaths] = useState<string[] | undefined>(undefined);
  const importer = useImport();
  const busy = importer.state.phase === 'running' || importer.state.phase === 'starting';
  useEffect(
    () =>
      api.on('app.menuCommand', ({ command }) => {
        if (command === 'about') setShowAbout(true);
        if (command === 'import') setImportPaths([]);
      }),
    [api],
  );
  // In the desktop app, files dropped anywhere on the window open the import dialog with their paths.
  const dropHandlers = canDropFiles()
    ? {
        onDragOver: (event: DragEvent) => event.preventDefault(),
        onDrop: (event: DragEvent) => {
          event.preventDefault();
          const paths = droppedPaths(event.dataTransfer);
          if (paths.length > 0 && !busy) setImportPaths(paths);
        },
      }
    : {};

  return (
    <div className="app-shell" {...dropHandlers}>
      <header className="app-bar">
        <h1>Radstation</h1>
        <span className="host-badge" title="Where the services run">
          {api.host === 'electron' ? 'Desktop' : 'Web host'}
        </span>
        <nav className="app-bar-actions">
          <button type="button" onClick={() => setImportPaths([])} disabled={busy}>
            Import…
          </button>
          <button type="button" aria-pressed={showNetwork} onClick={() => setShowNetwork((shown) => !shown)}>
            Network
          </button>
          <button type="button" onClick={() => setShowAbout(true)}>
            About
          </button>
        </nav>
      </header>
      {importer.state.phase === 'running' && (
        <ImportProgressBar progress={importer.state.progress} cancelling={importer.state.cancelling} onCancel={() => void importer.cancel()} />
      )}
      {importer.state.phase === 'starting' && <p className="notice import-progress">Starting the import…</p>}
      {importer.state.phase === 'failed-to-start' && (
        <p className="error import-progress" role="alert">
          The import could not start: {importer.state.message}{' '}
          <button type="button" onClick={importer.dismiss}>
            Dismiss
          </button>
        </p>
      )}
      <main className="app-main">
        {showNetwork && !openStudy ? <NetworkView
            onOpenStudy={(studyUid) => {
              setShowNetwork(false);
              setOpenStudy(studyUid);
            }}
          /> : openStudy ? (
            <Suspense fallback={<p className="notice">Opening the viewer…</p>}>
              <ViewerScreen studyInstanceUid={openStudy} onClose={() => setOpenStudy(undefined)} />
            </Suspense>
          ) : <StudyBrowser
            onOpenStudy={(studyUid, seriesUid) => {
              // The viewer puts the named series in its first viewport.
              writePlace({ study: studyUid, series: seriesUid });
              setOpenStudy(studyUid);
            }}
          />}
      </main>
      {importPaths !== undefined && (
        <ImportDialog
          host={api.host}
          initialPaths={importPaths}
          onClose={() => setImportPaths(undefined)}
          onStart={(paths, mode) => {
            setImportPaths(undefined);
            void importer.start(paths, mode);
          }}
          onUpload={(files) => {
            setImportPaths(undefined);
            void importer.upload(files);
          }}
        />
      )}
      {importer.state.phase === 'finished' && <ImportReportDialog finished={importer.state.finished} onClose={importer.dismiss} />}
      {showAbout && <AboutDialog onClose={() => setShowAbout(false)} />}
    </div>
  );
}
