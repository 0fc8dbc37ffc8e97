import { useEffect, useState } from 'react';
import { StudyBrowser } from '../studies/StudyBrowser';
import { AboutDialog } from './AboutDialog';
import { useApi } from './api-context';

export function App() {
  const api = useApi();
  const [showAbout, setShowAbout] = useState(false);
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
        <StudyBrowser />
      </main>
      {showAbout && <AboutDialog onClose={() => setShowAbout(false)} />}
    </div>
  );
}
