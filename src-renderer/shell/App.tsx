import { useEffect, useState } from 'react';
import { StudyBrowser } from '../studies/StudyBrowser';
import { ViewerScreen } from '../viewer/ViewerScreen';
import { AboutDialog } from './AboutDialog';
import { useApi } from './api-context';

export function App() {
  const api = useApi();
  const [showAbout, setShowAbout] = useState(false);
  const [openStudy, setOpenStudy] = useState<string | undefined>();
  useEffect(
    () =>
      api.on('app.menuCommand', ({ command }) => {
        if (command === 'about') setShowAbout(true);
      }),
    [api],
  );
  return (
    <div className="app-shell">
      <header className="app-bar">
        <h1>Radstation</h1>
        <span className="host-badge" title="Where the services run">
          {api.host === 'electron' ? 'Desktop' : 'Web host'}
        </span>
        <nav className="app-bar-actions">
          <button type="button" onClick={() => setShowAbout(true)}>
            About
          </button>
        </nav>
      </header>
      <main className="app-main">
        {openStudy ? <ViewerScreen studyInstanceUid={openStudy} onClose={() => setOpenStudy(undefined)} /> : <StudyBrowser onOpenStudy={setOpenStudy} />}
      </main>
      {showAbout && <AboutDialog onClose={() => setShowAbout(false)} />}
    </div>
  );
}
