import { registeredPanels } from './panel-host/panel-registry';
import { useEscapeToClose } from '../shell/use-escape';
import { shortcutList } from './shortcuts';

/** The AI panels' keys, from the registry, so a new panel is listed without editing this dialog. */
function panelShortcuts(): { keys: string; action: string }[] {
  const panels = registeredPanels().map((panel) => ({ keys: `Alt+${panel.shortcutKey.toUpperCase()}`, action: `Open the ${panel.title} panel` }));
  return panels.length > 0 ? [...panels, { keys: 'Esc (while an AI job runs)', action: "Cancel the panel's job or answer (the view is not reset)" }] : [];
}

export function HelpDialog({ onClose }: { onClose: () => void }) {
  useEscapeToClose(onClose);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" onClick={(event) => event.stopPropagation()}>
        <h2 id="help-title">Viewer shortcuts</h2>
        <table className="shortcut-table">
          <tbody>
            {[...shortcutList, ...panelShortcuts()].map((item) => (
              <tr key={item.keys}>
                <th scope="row">{item.keys}</th>
                <td>{item.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
