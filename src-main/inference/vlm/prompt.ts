import type { VlmGeneration } from '../../../src-shared/inference/manifest';
import type { SentencePieceBpeTokenizer } from './tokenizer';

/** Marks where the image features go in the prompt's token sequence (LLaVA's IMAGE_TOKEN_INDEX). */
export const IMAGE_PLACEHOLDER = -200;

export type PromptSettings = VlmGeneration['prompt'];

/**
 * One user turn in the MPT separator style HealthGPT's phi3_instruct uses:
 * system + sep + user role + ("<image>\n" +) question + sep + assistant role.
 */
export function buildPrompt(p: PromptSettings, question: string, withImage: boolean): string {
  const message = withImage ? `${p.imageToken}\n${question}` : question;
  return `${p.system}${p.separator}${p.userRole}${message}${p.separator}${p.assistantRole}`;
}

/**
 * LLaVA's tokenizer_image_token: each text chunk around the image token is tokenised on its own
 * (so each gets its own leading '▁'), the placeholder goes between them, and a BOS that the
 * tokenizer adds to every chunk is kept once at the start.
 */
export function tokenizeWithImage(prompt: string, tokenizer: SentencePieceBpeTokenizer, imageToken: string): number[] {
  const chunks = prompt.split(imageToken).map((chunk) => tokenizer.encode(chunk));
  const ids: number[] = [];
  const first = chunks[0] ?? [];
  const dropBos = first.length > 0 && first[0] === tokenizer.bosId ? 1 : 0;
  if (dropBos) ids.push(tokenizer.bosId);
  chunks.forEach((chunk, i) => {
    if (i > 0) ids.push(IMAGE_PLACEHOLDER);
    ids.push(...chunk.slice(dropBos));
  });
  return ids;
}
