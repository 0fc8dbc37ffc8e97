import { z } from 'zod';

/**
 * The closed-VQA model's question tokenizer, reproduced exactly from the vocabulary
 * file in its bundle (build/model/vqa_text.py writes it): lower-case words matched by
 * one regular expression, looked up in the vocabulary, truncated and right-padded.
 */
export const questionVocabularySchema = z.object({
  kind: z.literal('word-regex'),
  lowercase: z.boolean(),
  pattern: z.string(),
  maxTokens: z.number().int().positive(),
  padId: z.number().int().nonnegative(),
  unknownId: z.number().int().nonnegative(),
  padding: z.literal('right'),
  truncation: z.literal('keep-first'),
  tokens: z.array(z.string()),
});
export type QuestionVocabulary = z.infer<typeof questionVocabularySchema>;

export class QuestionTokenizer {
  private readonly ids: Map<string, number>;
  private readonly pattern: RegExp;

  constructor(private readonly vocabulary: QuestionVocabulary) {
    this.ids = new Map(vocabulary.tokens.map((token, index) => [token, index]));
    this.pattern = new RegExp(vocabulary.pattern, 'g');
  }

  words(question: string): string[] {
    const text = this.vocabulary.lowercase ? question.toLowerCase() : question;
    return text.match(this.pattern) ?? [];
  }

  /** Token IDs as the graph's int64 input expects them. */
  encode(question: string): BigInt64Array {
    const out = new BigInt64Array(this.vocabulary.maxTokens).fill(BigInt(this.vocabulary.padId));
    this.words(question)
      .slice(0, this.vocabulary.maxTokens)
      .forEach((word, index) => {
        out[index] = BigInt(this.ids.get(word) ?? this.vocabulary.unknownId);
      });
    return out;
  }

  /** How many of the question's words the model has never seen; many means a less reliable answer. */
  unknownWords(question: string): string[] {
    return this.words(question).filter((word) => !this.ids.has(word));
  }
}
