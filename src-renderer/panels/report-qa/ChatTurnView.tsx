import { AiLabel } from '../AiLabel';
import { canAddToReport, type ChatTurn } from './chat-turn';

const routeLabels = { metadata: 'From the DICOM header', closed: 'Closed question', open: 'Open question' } as const;

function imageLine(turn: ChatTurn): string {
  const { image } = turn;
  const window = image.windowCenter !== null && image.windowWidth !== null ? ` · W/L ${Math.round(image.windowWidth)}/${Math.round(image.windowCenter)}` : '';
  const roi = image.roi ? ` · ROI ${image.roi.width}×${image.roi.height} at (${image.roi.x}, ${image.roi.y})` : '';
  return `Image ${image.sopInstanceUid} · frame ${image.frame + 1}${window}${roi}`;
}

/** One question and its answer, with where the answer came from and the buttons that act on it. */
export function ChatTurnView({ turn, onAdd, added, onAskFullModel }: { turn: ChatTurn; onAdd: () => void; added: boolean; onAskFullModel?: () => void }) {
  const pending = turn.status === 'answering' || turn.status === 'streaming';
  return (
    <li className={`chat-turn chat-${turn.status}`} data-testid="chat-turn" data-route={turn.route} data-status={turn.status}>
      <p className="chat-question">
        <strong>Q:</strong> {turn.question}
      </p>
      <div className="chat-answer" data-testid="chat-answer" aria-live="polite">
        {turn.answer && (
          <p>
            <strong>A:</strong> <span data-testid="chat-answer-text">{turn.answer}</span>
            {turn.status === 'streaming' && <span className="chat-cursor" aria-hidden="true">▍</span>}
          </p>
        )}
        {turn.status === 'answering' && <p className="hint">Answering…</p>}
        {turn.status === 'streaming' && !turn.answer && <p className="hint">Reading the image…</p>}
        {turn.note && (
          <p className={turn.status === 'failed' ? 'error' : turn.status === 'needs-model' ? 'chat-needs-model' : 'hint'} data-testid="chat-note">
            {turn.note}
          </p>
        )}
      </div>
      <p className="hint chat-provenance" data-testid="chat-provenance">
        {routeLabels[turn.route]}
        {turn.confidence !== null && (
          <>
            {' · confidence '}
            <span data-testid="chat-confidence">{Math.round(turn.confidence * 100)}%</span>
          </>
        )}
        {turn.model && ` · answered by ${turn.model.name} ${turn.model.version}`}
        <br />
        {imageLine(turn)}
      </p>
      {turn.model && <AiLabel model={turn.model.name} version={turn.model.version} provider={turn.model.provider} />}
      {!pending && (
        <div className="chat-actions">
          {canAddToReport(turn) && (
            <button type="button" onClick={onAdd} disabled={added}>
              {added ? 'Added to report' : 'Add to report'}
            </button>
          )}
          {onAskFullModel && (turn.status === 'abstained' || turn.status === 'needs-model') && (
            <button type="button" onClick={onAskFullModel}>
              Ask the full model instead
            </button>
          )}
        </div>
      )}
    </li>
  );
}
