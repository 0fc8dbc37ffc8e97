import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { onPanelsChange, panelForShortcut, registeredPanels, type PanelContext } from './panel-registry';
import './panel-host.css';

/** A tab the viewer itself owns (measurements, tags), shown before the registered panels. */
export interface BuiltInTab {
  id: string;
  title: string;
  content: ReactNode;
  /** Kept mounted while hidden (the measurement list saves edits in the background). */
  keepMounted?: boolean;
}

/**
 * The viewer's side bar: its own tabs, then every registered panel. Panels stay mounted while
 * hidden, so a running job or a chat survives a look at the measurements. Alt+letter opens a panel.
 */
export function PanelHost({ builtIn, context }: { builtIn: BuiltInTab[]; context: PanelContext }) {
  const panels = useSyncExternalStore(onPanelsChange, registeredPanelsSnapshot);
  const [selected, setSelected] = useState(builtIn[0]?.id ?? '');
  // A panel mounts the first time it is opened: a reader who never opens the AI pays nothing for it.
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  const open = (id: string) => {
    setSelected(id);
    setOpened((current) => (current.has(id) ? current : new Set([...current, id])));
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const panel = panelForShortcut(event.code);
      if (!panel) return;
      event.preventDefault();
      open(panel.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const selectedPanel = panels.find((panel) => panel.id === selected);
  return (
    <aside className={`side-panel${selectedPanel ? ' side-panel-wide' : ''}`} data-testid="side-panel">
      <div className="tabs" role="tablist">
        {builtIn.map((tab) => (
          <button key={tab.id} type="button" role="tab" aria-selected={selected === tab.id} onClick={() => open(tab.id)}>
            {tab.title}
          </button>
        ))}
        {panels.map((panel) => (
          <button
            key={panel.id}
            type="button"
            role="tab"
            aria-selected={selected === panel.id}
            aria-keyshortcuts={`Alt+${panel.shortcutKey.toUpperCase()}`}
            title={`${panel.title} (Alt+${panel.shortcutKey.toUpperCase()})`}
            onClick={() => open(panel.id)}
          >
            <span aria-hidden="true">{panel.icon}</span> {panel.title}
          </button>
        ))}
      </div>
      {builtIn.map((tab) => (
        <div key={tab.id} role="tabpanel" hidden={selected !== tab.id}>
          {selected === tab.id || tab.keepMounted ? tab.content : null}
        </div>
      ))}
      {panels
        .filter((panel) => opened.has(panel.id))
        .map((panel) => {
          const availability = panel.availability(context);
          const visible = selected === panel.id;
          return (
            <section key={panel.id} role="tabpanel" aria-label={panel.title} hidden={!visible} className="ai-panel" data-testid={`panel-${panel.id}`}>
              <h2>{panel.title}</h2>
              {availability.enabled ? (
                <panel.Component {...context} visible={visible} />
              ) : (
                <p className="hint" data-testid="panel-unavailable">
                  {availability.reason}
                </p>
              )}
            </section>
          );
        })}
    </aside>
  );
}

// useSyncExternalStore needs the same array while nothing changed.
let snapshot = registeredPanels();
onPanelsChange(() => {
  snapshot = registeredPanels();
});
function registeredPanelsSnapshot() {
  return snapshot;
}
