/**
 * Which model a question goes to when the header has not answered it, decided from the
 * question's form alone, before any model runs (qa-service.ts tries the header first):
 *
 * - **closed**: a yes/no question (it starts with an auxiliary verb: is, are, was, were, does, do,
 *   did, can, could, has, have, will, should, would) or a question about what the compact model was
 *   trained to name: the modality, the plane or view, the organ or body part, the contrast or
 *   sequence, or a choice between two named things ("… or …?"). The compact model answers it,
 *   or abstains (calibrated per question type, vqa/calibration.ts), which the answer says plainly.
 * - **open**: everything else (describe, where, why, how, what is the abnormality…). Only a
 *   HealthGPT (vlm-generate) bundle answers these; without one the answer says it needs the full model.
 */
export type QuestionRoute = 'closed' | 'open';

const yesNoStart = /^(is|are|was|were|does|do|did|can|could|has|have|had|will|should|would)\b/;
const closedTopics = [
  /\bmodalit(y|ies)\b/,
  /\b(what|which)\s+(kind|type)\s+of\s+(image|imaging|scan|study)\b/,
  /\b(plane|view|orientation)\b/,
  /\b(organ|body part|part of the body|organ system|region|anatomy)\b/,
  /\b(contrast|sequence|weighting|weighted)\b/,
  /\b(ct|mri?|x-?ray|ultrasound|t1|t2|flair)\s+or\s+/,
];

export function routeQuestion(question: string): QuestionRoute {
  const text = question.trim().toLowerCase().replace(/\s+/g, ' ');
  if (yesNoStart.test(text)) return 'closed';
  return closedTopics.some((pattern) => pattern.test(text)) ? 'closed' : 'open';
}
