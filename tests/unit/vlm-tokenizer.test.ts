import { describe, expect, it } from 'vitest';
import { SentencePieceBpeTokenizer, type TokenizerSettings } from '../../src-main/inference/vlm/tokenizer';
import { buildPrompt, IMAGE_PLACEHOLDER, tokenizeWithImage } from '../../src-main/inference/vlm/prompt';

// A hand-made vocabulary: control tokens, the 256 byte-fallback pieces (ids 3..258), a few pieces and two merges.
const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
Object.assign(vocab, { '\u2581': 259, a: 260, b: 261, ab: 262, '\u2581ab': 263, c: 264 });
const json = {
  added_tokens: [
    { id: 0, content: '<unk>' },
    { id: 1, content: '<s>' },
    { id: 2, content: '</s>' },
    { id: 265, content: '<|end|>', rstrip: true },
    { id: 266, content: '<|user|>', rstrip: true },
    { id: 267, content: '<idx_0>' },
  ],
  model: { type: 'BPE', vocab, merges: ['a b', '\u2581 ab'], byte_fallback: true },
};
const settings: TokenizerSettings = { addBosToken: false, bosToken: '<s>', unkToken: '<unk>', specialTokens: ['<s>', '</s>', '<unk>'], specialIdsFrom: 267 };

describe('SentencePiece-compatible BPE tokenizer (slow LlamaTokenizer, legacy=false)', () => {
  const tok = new SentencePieceBpeTokenizer(json, settings);

  it('prefixes the text with one ▁ and applies merges by rank', () => {
    expect(tok.tokenize('ab c')).toEqual(['\u2581ab', '\u2581', 'c']);
    expect(tok.encode('ab c')).toEqual([263, 259, 264]);
  });

  it('adds BOS when the tokenizer config asks for it', () => {
    expect(new SentencePieceBpeTokenizer(json, { ...settings, addBosToken: true }).encode('ab c')).toEqual([1, 263, 259, 264]);
  });

  it('splits added tokens out, strips whitespace after rstrip tokens and adds no prefix after them', () => {
    expect(tok.encode('<|user|>\nab')).toEqual([259, 266, 262]);
    // The lone leading ▁ is dropped only before a token in the special set.
    const withUserSpecial = new SentencePieceBpeTokenizer(json, { ...settings, specialTokens: [...settings.specialTokens, '<|user|>'] });
    expect(withUserSpecial.encode('<|user|>\nab')).toEqual([266, 262]);
  });

  it('falls back to UTF-8 bytes for characters outside the vocabulary and decodes them back', () => {
    expect(tok.encode('é')).toEqual([259, 3 + 0xc3, 3 + 0xa9]);
    expect(tok.decode([259, 3 + 0xc3, 3 + 0xa9])).toBe('é');
  });

  it('decodes ▁ as spaces, drops the first prefix and skips special tokens on request', () => {
    expect(tok.decode([263, 259, 264])).toBe('ab c');
    expect(tok.decode([263, 267, 2])).toBe('ab');
    expect(tok.decode([263, 265], true)).toBe('ab<|end|>');
    expect(tok.decode([263, 267], false)).toBe('ab<idx_0>');
  });

  it('treats added tokens from specialIdsFrom on as special', () => {
    expect(tok.isSpecial(267)).toBe(true);
    expect(tok.isSpecial(265)).toBe(false);
  });
});

describe('HealthGPT prompt', () => {
  const phi3 = { template: 'phi3_instruct', system: '<|system|>\nYou are a helpful AI assistant.', userRole: '\n<|user|>\n', assistantRole: '\n<|assistant|>\n', separator: '<|end|>', imageToken: '<image>' };

  it('builds the phi3_instruct turn with the image token before the question', () => {
    expect(buildPrompt(phi3, 'Is there a fracture?', true)).toBe('<|system|>\nYou are a helpful AI assistant.<|end|>\n<|user|>\n<image>\nIs there a fracture?<|end|>\n<|assistant|>\n');
    expect(buildPrompt(phi3, 'Hi', false)).toBe('<|system|>\nYou are a helpful AI assistant.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\n');
  });

  it('tokenises each chunk around <image> separately and keeps one BOS', () => {
    const withBos = new SentencePieceBpeTokenizer(json, { ...settings, addBosToken: true });
    expect(tokenizeWithImage('a<image>b', withBos, '<image>')).toEqual([1, 259, 260, IMAGE_PLACEHOLDER, 259, 261]);
    const noBos = new SentencePieceBpeTokenizer(json, settings);
    expect(tokenizeWithImage('a<image>b', noBos, '<image>')).toEqual([259, 260, IMAGE_PLACEHOLDER, 259, 261]);
  });
});
