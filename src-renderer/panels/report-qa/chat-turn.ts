import type { ImageReference } from '../../../src-shared/domain/reports';

/** Which path answered: the DICOM header, the compact closed-question model, or a vision-language model. */
export type AnswerRoute = 'metadata' | 'closed' | 'open';

export type TurnStatus = 'answering' | 'streaming' | 'answered' | 'abstained' | 'needs-model' | 'cancelled' | 'failed';

export interface AnsweringModel {
  bundleId: string;
  name: string;
  version: string;
  provider: string;
}

/** One question and what came back, with everything the report needs to trace it. */
export interface ChatTurn {
  id: string;
  question: string;
  route: AnswerRoute;
  status: TurnStatus;
  /** The answer's text (streamed text while an open answer runs). */
  answer: string;
  /** The model's probability for its answer; null for metadata and open answers. */
  confidence: number | null;
  model: AnsweringModel | null;
  image: ImageReference;
  /** A plain-words note: the abstention, the missing model, the failure, the header fields used. */
  note?: string;
  /** The running vlm.ask request, while an open answer streams. */
  requestId?: string;
}

/** Answers that say something about the image (or the study) can go into the report. */
export function canAddToReport(turn: ChatTurn): boolean {
  return (turn.status === 'answered' || (turn.status === 'cancelled' && turn.answer.trim() !== '')) && turn.answer.trim() !== '';
}
