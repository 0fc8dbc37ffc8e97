import { answerText, isCorrect, type AnswerRecord, type QuizRecord } from './quiz-book';

/**
 * One CSV cell. Every cell is quoted (commas, quotes and line breaks stay inside it), and
 * one a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage
 * return before one) gets a leading apostrophe, so a student's display name or answer can
 * never run as a formula on the teacher's machine.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The teacher's export: one row per student's latest answer to each quiz. */
export function resultsCsv(rows: Array<{ quiz: QuizRecord; quizNumber: number; record: AnswerRecord; displayName: string }>): string {
  const header = ['display name', 'quiz', 'question', 'answer', 'correct', 'time'];
  const lines = [header.map(csvCell).join(',')];
  for (const { quiz, quizNumber, record, displayName } of rows) {
    lines.push(
      [displayName, `Quiz ${quizNumber}`, quiz.text, answerText(quiz, record.answer), isCorrect(quiz, record.answer) ? 'yes' : 'no', new Date(record.at).toISOString()].map(csvCell).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
