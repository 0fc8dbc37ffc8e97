import { registeredPanels } from '../panels/panel-registry';
import { shortcutList } from './shortcuts';

export function HelpDialog({ onClose }: { onClose: () => void }) {
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" onClick={(event) => event.stopPropagation()}>
        <h2 id="help-title">Viewer shortcuts</h2>
        <table className="shortcut-table">
          <tbody>
            {shortcutList.map((item) => (
              <tr key={item.keys}>
                <th scope="row">{item.keys}</th>
                <td>{item.action}</td>
              </tr>
            ))}
            {registeredPanels().map((panel) => (
              <tr key={panel.id}>
                <th scope="row">Alt+{panel.shortcutKey.toUpperCase()}</th>
                <td>Open the {panel.title} panel</td>
              </tr>
            ))}
            {registeredPanels().length > 0 && (
              <tr>
                <th scope="row">Esc, while an AI job runs</th>
                <td>Cancel the job (the view is not reset)</td>
              </tr>
            )}
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
