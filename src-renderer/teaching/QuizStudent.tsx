import { useCallback, useEffect, useState } from 'react';
import type { CallResponse } from '../../src-shared/contract';
import { useApi } from '../bridge/api-context';
import type { ImagePoint } from './ClassroomViewer';
import type { Quiz } from './use-classroom';

type MyAnswer = CallResponse<'teaching.myAnswers'>['answers'][number];
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function describe(answer: MyAnswer['answer'], quiz: Quiz): string {
  if (answer.kind === 'free-text') return answer.text;
  if (answer.kind === 'multiple-choice') return quiz.choices[answer.choice] ?? `choice ${answer.choice + 1}`;
  return `a point at (${Math.round(answer.x)}, ${Math.round(answer.y)})`;
}

/** A student's quizzes: answer while open (a new answer replaces the last), and see one's own result once revealed. */
export function QuizStudent({ quizzes, requestPick }: { quizzes: readonly Quiz[]; requestPick: (onPicked: (point: ImagePoint) => void) => void }) {
  const api = useApi();
  const [answers, setAnswers] = useState<Record<string, MyAnswer>>({});
  const [error, setError] = useState<string | undefined>();
  const reload = useCallback(() => {
    api.call('teaching.myAnswers', {}).then(
      (value) => setAnswers(Object.fromEntries(value.answers.map((answer) => [answer.quizId, answer]))),
      (failure: unknown) => setError(message(failure)),
    );
  }, [api]);
  // Revealing a quiz changes the list; correctness comes with this student's answers.
  const revealedKey = quizzes.map((quiz) => `${quiz.quizId}:${quiz.revealed}`).join(',');
  useEffect(reload, [reload, revealedKey]);

  const send = async (quiz: Quiz, answer: MyAnswer['answer']) => {
    try {
      const { accepted } = await api.call('teaching.answerQuiz', { quizId: quiz.quizId, answer });
      setError(accepted ? undefined : 'That question no longer takes answers.');
      reload();
    } catch (failure) {
      setError(message(failure));
    }
  };

  return (
    <section className="quiz-panel" aria-label="Quizzes">
      <h2>Questions</h2>
      {quizzes.length === 0 && <p className="notice">No question yet.</p>}
      <ul>
        {quizzes.map((quiz) => (
          <li key={quiz.quizId} className="quiz" data-testid="student-quiz" data-quiz-id={quiz.quizId}>
            <strong>{quiz.text}</strong> {!quiz.open && <span className="badge">closed</span>}
            {quiz.open && <AnswerForm quiz={quiz} onAnswer={(answer) => void send(quiz, answer)} requestPick={requestPick} />}
            <MyResult answer={answers[quiz.quizId]} quiz={quiz} />
            {quiz.revealed && quiz.answer !== null && (
              <p data-testid="quiz-answer">
                Answer:{' '}
                {typeof quiz.answer === 'number'
                  ? (quiz.choices[quiz.answer] ?? '')
                  : typeof quiz.answer === 'string'
                    ? quiz.answer
                    : `the circle at (${Math.round(quiz.answer.x)}, ${Math.round(quiz.answer.y)})`}
              </p>
            )}
          </li>
        ))}
      </ul>
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}

function MyResult({ answer, quiz }: { answer: MyAnswer | undefined; quiz: Quiz }) {
  if (!answer) return null;
  return (
    <p data-testid="my-answer">
      Your answer: {describe(answer.answer, quiz)}
      {answer.correct === true && <strong className="right"> — correct</strong>}
      {answer.correct === false && <strong className="wrong"> — not correct</strong>}
    </p>
  );
}

function AnswerForm({ quiz, onAnswer, requestPick }: { quiz: Quiz; onAnswer: (answer: MyAnswer['answer']) => void; requestPick: (onPicked: (point: ImagePoint) => void) => void }) {
  const [text, setText] = useState('');
  if (quiz.kind === 'multiple-choice') {
    return (
      <div role="radiogroup" aria-label={quiz.text}>
        {quiz.choices.map((choice, index) => (
          <button key={index} type="button" onClick={() => onAnswer({ kind: 'multiple-choice', choice: index })}>
            {choice}
          </button>
        ))}
      </div>
    );
  }
  if (quiz.kind === 'click') {
    return (
      <button type="button" onClick={() => requestPick((point) => onAnswer({ kind: 'click', ...point }))}>
        Click on the image to answer
      </button>
    );
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim()) onAnswer({ kind: 'free-text', text: text.trim() });
      }}
    >
      <input aria-label="Your answer" value={text} maxLength={500} onChange={(event) => setText(event.target.value)} />
      <button type="submit">Answer</button>
    </form>
  );
}
