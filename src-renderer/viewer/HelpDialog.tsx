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
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
