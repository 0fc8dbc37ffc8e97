import { useState, type FormEvent } from 'react';
import type { ReportEntry } from '../../../src-shared/domain/reports';
import { useApi } from '../../bridge/api-context';
import { useActiveImage } from '../use-active-image';
import { useEscapeToCancel } from '../use-escape-to-cancel';
import type { PanelProps } from '../../viewer/services';
import { ReportEditor } from '../report/ReportEditor';
import { useReportDraft } from '../report/use-report-draft';
import type { ChatTurn } from './chat-turn';
import { ChatTurnView } from './ChatTurnView';
import { useReportChat } from './use-report-chat';
import './report-qa.css';

function entryFor(turn: ChatTurn): ReportEntry {
  return {
    id: turn.id,
    addedAt: new Date().toISOString(),
    section: 'findings',
    question: turn.question,
    answer: turn.answer,
    confidence: turn.confidence,
    source: turn.route === 'metadata' ? 'metadata' : 'model',
    model: turn.model,
    image: turn.image,
  };
}

/** A chat about the image in the active viewport, beside the study's report draft. */
export function ReportQaPanel({ study, activeSeries, bundles, refreshStudy }: PanelProps) {
  const api = useApi();
  const active = useActiveImage();
  const chat = useReportChat(api, bundles ?? [], activeSeries?.modality);
  const report = useReportDraft(api, study.studyInstanceUid);
  const [question, setQuestion] = useState('');
  useEscapeToCancel(chat.running !== undefined, chat.cancel);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = question.trim();
    if (!text || !active) return;
    setQuestion('');
    void chat.ask(text, active);
  };
  const addedIds = new Set(report.draft?.entries.map((entry) => entry.id) ?? []);

  return (
    <div className="report-qa" data-testid="report-qa">
      <p className="hint" data-testid="report-qa-models">
        Closed questions: {chat.closedTask ? `${chat.closedTask.bundleName} ${chat.closedTask.bundleVersion}` : 'no model installed'}. Open questions:{' '}
        {chat.openTask ? `${chat.openTask.bundleName} ${chat.openTask.bundleVersion}` : 'needs a HealthGPT bundle (docs/healthgpt.md)'}.
      </p>
      <ol className="chat-turns" aria-label="Questions and answers">
        {chat.turns.map((turn) => (
          <ChatTurnView
            key={turn.id}
            turn={turn}
            added={addedIds.has(turn.id)}
            onAdd={() => report.addEntry(entryFor(turn))}
            {...(chat.openTask && active ? { onAskFullModel: () => void chat.ask(turn.question, active, 'open') } : {})}
          />
        ))}
      </ol>
      {chat.running && (
        <button type="button" onClick={chat.cancel} title="Stop the answer (Esc)" data-testid="chat-stop">
          Stop (Esc)
        </button>
      )}
      <form className="chat-form" onSubmit={submit}>
        <input
          type="text"
          data-testid="chat-question"
          aria-label="Question about the active image"
          placeholder={active ? 'Ask about this image…' : 'Open an image to ask about it'}
          value={question}
          maxLength={2000}
          disabled={!active}
          onChange={(event) => setQuestion(event.target.value)}
        />
        <button type="submit" disabled={!active || question.trim() === ''}>
          Ask
        </button>
      </form>
      <ReportEditor api={api} studyInstanceUid={study.studyInstanceUid} report={report} onSrSaved={refreshStudy} />
    </div>
  );
}
