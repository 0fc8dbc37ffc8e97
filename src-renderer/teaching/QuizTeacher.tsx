import { useEffect, useState } from 'react';
import { useApi } from '../bridge/api-context';
import { saveBlobAs } from '../shell/save-file';
import type { ImagePoint } from './ClassroomViewer';
import type { Quiz, Tally } from './use-classroom';

type Kind = Quiz['kind'];
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The teacher's quizzes: a question on the current case (free text, multiple choice, or a
 * click on the image inside a circle picked on it), each with its live tally, Close and Reveal;
 * and every answer exported as CSV.
 */
export function QuizTeacher({ quizzes, caseId, requestPick }: { quizzes: readonly Quiz[]; caseId: string | undefined; requestPick: (onPicked: (point: ImagePoint) => void) => void }) {
  const api = useApi();
  const [tallies, setTallies] = useState<Record<string, Tally>>({});
  const [error, setError] = useState<string | undefined>();
  useEffect(() => api.on('teaching.tally', (tally) => setTallies((current) => ({ ...current, [tally.quizId]: tally }))), [api]);
  const quizIds = quizzes.map((quiz) => quiz.quizId).join(',');
  useEffect(() => {
    for (const quizId of quizIds.split(',').filter(Boolean)) {
      api.call('teaching.quizTally', { quizId }).then(
        (tally) => setTallies((current) => ({ ...current, [quizId]: tally })),
        () => undefined,
      );
    }
  }, [api, quizIds]);

  const act = (name: 'teaching.closeQuiz' | 'teaching.revealQuiz', quizId: string) => api.call(name, { quizId }).catch((failure: unknown) => setError(message(failure)));
  const exportCsv = async () => {
    try {
      const result = await api.call('teaching.exportResults', {});
      saveBlobAs(new Blob([result.csv], { type: 'text/csv;charset=utf-8' }), result.fileName);
    } catch (failure) {
      setError(message(failure));
    }
  };

  return (
    <section className="quiz-panel" aria-label="Quizzes">
      <h2>Quizzes</h2>
      {caseId ? <QuizForm caseId={caseId} requestPick={requestPick} onError={setError} /> : <p className="notice">Open a case to ask about it.</p>}
      <ul>
        {quizzes.map((quiz) => {
          const tally = tallies[quiz.quizId];
          return (
            <li key={quiz.quizId} className="quiz" data-testid="teacher-quiz" data-quiz-id={quiz.quizId}>
              <strong>{quiz.text}</strong> <span className="badge">{quiz.kind}</span> {quiz.open ? <span className="badge">open</span> : <span className="badge">closed</span>}
              {quiz.revealed && <span className="badge">revealed</span>}
              {quiz.kind === 'multiple-choice' && (
                <ol>
                  {quiz.choices.map((choice, index) => (
                    <li key={index}>
                      {choice} — <span data-testid="choice-count">{tally?.counts[index] ?? 0}</span>
                      {quiz.answer === index && ' ✓'}
                    </li>
                  ))}
                </ol>
              )}
              <div className="notice" data-testid="tally">
                {tally ? `${tally.answered} of ${tally.participants} answered` : 'No answers yet'}
                {tally?.correct !== null && tally?.correct !== undefined && ` · ${tally.correct} right`}
              </div>
              <div className="case-actions">
                {quiz.open && (
                  <button type="button" onClick={() => void act('teaching.closeQuiz', quiz.quizId)}>
                    Close
                  </button>
                )}
                {!quiz.revealed && (
                  <button type="button" onClick={() => void act('teaching.revealQuiz', quiz.quizId)}>
                    Reveal answer
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      <button type="button" onClick={() => void exportCsv()} disabled={quizzes.length === 0}>
        Export results (CSV)
      </button>
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}

function QuizForm({ caseId, requestPick, onError }: { caseId: string; requestPick: (onPicked: (point: ImagePoint) => void) => void; onError: (message: string) => void }) {
  const api = useApi();
  const [kind, setKind] = useState<Kind>('multiple-choice');
  const [text, setText] = useState('');
  const [choices, setChoices] = useState('');
  const [correctChoice, setCorrectChoice] = useState(0);
  const [expected, setExpected] = useState('');
  const [target, setTarget] = useState<ImagePoint | undefined>();
  const [radius, setRadius] = useState(20);
  const choiceList = choices
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const complete = text.trim() !== '' && (kind !== 'multiple-choice' || choiceList.length >= 2) && (kind !== 'click' || target !== undefined);

  const create = async () => {
    try {
      const answer = kind === 'multiple-choice' ? Math.min(correctChoice, choiceList.length - 1) : kind === 'click' && target ? { ...target, radius } : expected;
      await api.call('teaching.createQuiz', { caseId, text, kind, choices: kind === 'multiple-choice' ? choiceList : [], answer });
      setText('');
      setChoices('');
      setExpected('');
      setTarget(undefined);
    } catch (failure) {
      onError(message(failure));
    }
  };

  return (
    <form
      className="quiz-form"
      aria-label="New question"
      onSubmit={(event) => {
        event.preventDefault();
        if (complete) void create();
      }}
    >
      <label>
        Question <input value={text} maxLength={2000} onChange={(event) => setText(event.target.value)} />
      </label>
      <label>
        Kind{' '}
        <select value={kind} onChange={(event) => setKind(event.target.value as Kind)}>
          <option value="multiple-choice">Multiple choice</option>
          <option value="free-text">Free text</option>
          <option value="click">Click where the finding is</option>
        </select>
      </label>
      {kind === 'multiple-choice' && (
        <>
          <label>
            Choices (one a line) <textarea value={choices} rows={4} onChange={(event) => setChoices(event.target.value)} />
          </label>
          <label>
            Correct choice{' '}
            <select value={correctChoice} onChange={(event) => setCorrectChoice(Number(event.target.value))}>
              {choiceList.map((choice, index) => (
                <option key={index} value={index}>
                  {choice}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {kind === 'free-text' && (
        <label>
          Expected answer <input value={expected} maxLength={500} onChange={(event) => setExpected(event.target.value)} />
        </label>
      )}
      {kind === 'click' && (
        <div>
          <button type="button" onClick={() => requestPick(setTarget)}>
            Pick the target on the image
          </button>{' '}
          {target ? `at (${Math.round(target.x)}, ${Math.round(target.y)})` : 'not picked yet'}
          <label>
            Radius (pixels) <input type="number" min={1} value={radius} onChange={(event) => setRadius(Math.max(1, Number(event.target.value) || 1))} />
          </label>
        </div>
      )}
      <button type="submit" disabled={!complete}>
        Ask
      </button>
    </form>
  );
}
