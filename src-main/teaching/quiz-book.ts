import type { z } from 'zod';
import { ServiceError, type quizAnswerValueSchema, type quizQuestionSchema, type quizTallySchema } from '../../src-shared/contract';

export type QuizAnswerValue = z.infer<typeof quizAnswerValueSchema>;
export type QuizQuestion = z.infer<typeof quizQuestionSchema>;
export type QuizTally = z.infer<typeof quizTallySchema>;
type TargetRegion = { sopInstanceUid: string; x: number; y: number; radius: number };
type Solution = number | string | TargetRegion;

export interface QuizRecord {
  readonly quizId: string;
  readonly caseId: string;
  readonly text: string;
  readonly kind: QuizQuestion['kind'];
  readonly choices: readonly string[];
  readonly solution: Solution;
  open: boolean;
  revealed: boolean;
  readonly createdAt: number;
}

export interface AnswerRecord {
  readonly participantId: string;
  readonly answer: QuizAnswerValue;
  readonly at: number;
}

function isRegion(solution: Solution): solution is TargetRegion {
  return typeof solution === 'object';
}

/** Free text is right when it matches the teacher's answer, ignoring case, spacing and a final full stop. */
function normalisedText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').replace(/\.$/, '').toLowerCase();
}

/** Whether an answer is right; the one rule the tally, a student's answers and the CSV all use. */
export function isCorrect(quiz: QuizRecord, answer: QuizAnswerValue): boolean {
  const { solution } = quiz;
  if (answer.kind === 'multiple-choice') return typeof solution === 'number' && answer.choice === solution;
  if (answer.kind === 'free-text') return typeof solution === 'string' && normalisedText(answer.text) === normalisedText(solution);
  if (!isRegion(solution) || answer.sopInstanceUid !== solution.sopInstanceUid) return false;
  return Math.hypot(answer.x - solution.x, answer.y - solution.y) <= solution.radius;
}

/** The answer as one line of text, for the CSV. */
export function answerText(quiz: QuizRecord, answer: QuizAnswerValue): string {
  if (answer.kind === 'multiple-choice') return quiz.choices[answer.choice] ?? `choice ${answer.choice + 1}`;
  if (answer.kind === 'free-text') return answer.text;
  return `click (${answer.x.toFixed(1)}, ${answer.y.toFixed(1)}) on ${answer.sopInstanceUid}`;
}

/**
 * A session's quizzes and every student's latest answer to each. Answers stay here, in
 * the classroom host's memory: a student reads only their own (myAnswers), the teacher
 * the tally and the export.
 */
export class QuizBook {
  private readonly quizzes = new Map<string, QuizRecord>();
  /** quizId → participantId → latest answer. */
  private readonly answers = new Map<string, Map<string, AnswerRecord>>();
  private counter = 0;

  create(request: { caseId: string; text: string; kind: QuizQuestion['kind']; choices: string[]; answer: Solution }, instanceInCase: (sopInstanceUid: string) => boolean): QuizRecord {
    const { kind, choices, answer } = request;
    if (kind === 'multiple-choice') {
      if (choices.length < 2) throw new ServiceError('invalid-request', 'A multiple-choice question needs at least two choices.');
      if (typeof answer !== 'number' || answer >= choices.length) throw new ServiceError('invalid-request', 'The answer of a multiple-choice question is the index of one of its choices.');
    } else if (kind === 'free-text') {
      if (typeof answer !== 'string' || answer.trim().length === 0) throw new ServiceError('invalid-request', 'A free-text question needs its answer as text.');
    } else if (!isRegion(answer) || !instanceInCase(answer.sopInstanceUid)) {
      throw new ServiceError('invalid-request', "A click question needs a target region on an image of the question's case.");
    }
    this.counter += 1;
    const quiz: QuizRecord = { quizId: `quiz-${this.counter}`, caseId: request.caseId, text: request.text, kind, choices: kind === 'multiple-choice' ? [...choices] : [], solution: answer, open: true, revealed: false, createdAt: Date.now() };
    this.quizzes.set(quiz.quizId, quiz);
    this.answers.set(quiz.quizId, new Map());
    return quiz;
  }

  get(quizId: string): QuizRecord {
    const quiz = this.quizzes.get(quizId);
    if (!quiz) throw new ServiceError('not-found', `There is no quiz ${quizId} in this session.`);
    return quiz;
  }

  all(): QuizRecord[] {
    return [...this.quizzes.values()];
  }

  /** The question as a role sees it: students get the answer only once it is revealed. */
  view(quiz: QuizRecord, forStudent: boolean): QuizQuestion {
    const { quizId, caseId, text, kind, choices, open, revealed } = quiz;
    return { quizId, caseId, text, kind, choices: [...choices], open, revealed, answer: forStudent && !revealed ? null : quiz.solution };
  }

  /** Records a student's answer (replacing an earlier one); false when the quiz no longer takes answers. */
  answer(quizId: string, participantId: string, answer: QuizAnswerValue): boolean {
    const quiz = this.get(quizId);
    if (answer.kind !== quiz.kind) throw new ServiceError('invalid-request', `This question takes a ${quiz.kind} answer.`);
    if (answer.kind === 'multiple-choice' && answer.choice >= quiz.choices.length) throw new ServiceError('invalid-request', `There is no choice ${answer.choice + 1}.`);
    if (!quiz.open) return false;
    this.answers.get(quizId)!.set(participantId, { participantId, answer, at: Date.now() });
    return true;
  }

  close(quizId: string): void {
    this.get(quizId).open = false;
  }

  /** Revealing also closes: an answer given after the solution is shown would mean nothing. */
  reveal(quizId: string): void {
    const quiz = this.get(quizId);
    quiz.open = false;
    quiz.revealed = true;
  }

  /** Forgets a removed student's answers, so they leave the tally and the export with them. */
  forget(participantId: string): void {
    for (const byStudent of this.answers.values()) byStudent.delete(participantId);
  }

  tally(quizId: string, participants: number): QuizTally {
    const quiz = this.get(quizId);
    const given = [...this.answers.get(quizId)!.values()];
    const counts = quiz.kind === 'multiple-choice' ? quiz.choices.map((_, index) => given.filter((item) => item.answer.kind === 'multiple-choice' && item.answer.choice === index).length) : [];
    return { quizId, answered: given.length, participants, counts, correct: quiz.revealed ? given.filter((item) => isCorrect(quiz, item.answer)).length : null };
  }

  answersOf(participantId: string): Array<{ quizId: string; answer: QuizAnswerValue; correct: boolean | null }> {
    const mine: Array<{ quizId: string; answer: QuizAnswerValue; correct: boolean | null }> = [];
    for (const quiz of this.quizzes.values()) {
      const record = this.answers.get(quiz.quizId)!.get(participantId);
      if (record) mine.push({ quizId: quiz.quizId, answer: record.answer, correct: quiz.revealed ? isCorrect(quiz, record.answer) : null });
    }
    return mine;
  }

  /** Every answer with its quiz, for the teacher's export. */
  everyAnswer(): Array<{ quiz: QuizRecord; record: AnswerRecord }> {
    return this.all().flatMap((quiz) => [...this.answers.get(quiz.quizId)!.values()].map((record) => ({ quiz, record })));
  }
}
