import fs from 'node:fs';

/**
 * A SentencePiece-compatible BPE tokenizer read from a local Hugging Face tokenizer.json, with the
 * semantics of transformers' slow LlamaTokenizer (legacy=false), which HealthGPT uses
 * (use_fast=False): one '▁' prefix for the whole text, added tokens split out first with their
 * lstrip/rstrip rules, no extra prefix after them, byte fallback for characters outside the vocabulary.
 * No network and no native code: the bundle's files are all it reads.
 */

const SPIECE_UNDERLINE = '\u2581';

export interface TokenizerSettings {
  addBosToken: boolean;
  bosToken: string;
  unkToken: string;
  /** The tokenizer's all_special_tokens (bos, eos, unk, pad and the additional special tokens). */
  specialTokens: readonly string[];
  /** Added tokens with ids from here on are special too (HealthGPT's 8195, not listed one by one). */
  specialIdsFrom: number;
}

interface AddedToken {
  id: number;
  content: string;
  lstrip: boolean;
  rstrip: boolean;
}

interface TokenizerJson {
  added_tokens: Array<{ id: number; content: string; lstrip?: boolean; rstrip?: boolean }>;
  model: { type: string; vocab: Record<string, number>; merges: Array<string | [string, string]>; byte_fallback?: boolean };
}

interface TrieNode {
  next: Map<string, TrieNode>;
  token?: AddedToken;
}

export class SentencePieceBpeTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly idToPiece: string[] = [];
  private readonly mergeRank = new Map<string, number>();
  private readonly added = new Map<string, AddedToken>();
  private readonly addedTrie: TrieNode = { next: new Map() };
  private readonly special: Set<string>;
  readonly bosId: number;
  readonly vocabSize: number;

  constructor(json: TokenizerJson, private readonly settings: TokenizerSettings) {
    if (json.model.type !== 'BPE') throw new Error(`tokenizer.json: expected a BPE model, found ${json.model.type}`);
    this.vocab = new Map(Object.entries(json.model.vocab));
    for (const [piece, id] of this.vocab) this.idToPiece[id] = piece;
    json.model.merges.forEach((merge, rank) => {
      const [a, b] = Array.isArray(merge) ? merge : (merge.split(' ') as [string, string]);
      this.mergeRank.set(`${a} ${b}`, rank);
    });
    this.special = new Set(settings.specialTokens);
    for (const t of json.added_tokens) {
      const token: AddedToken = { id: t.id, content: t.content, lstrip: t.lstrip ?? false, rstrip: t.rstrip ?? false };
      this.added.set(t.content, token);
      this.idToPiece[t.id] = t.content;
      if (t.id >= settings.specialIdsFrom) this.special.add(t.content);
      let node = this.addedTrie;
      for (const ch of t.content) {
        let child = node.next.get(ch);
        if (!child) node.next.set(ch, (child = { next: new Map() }));
        node = child;
      }
      node.token = token;
    }
    this.vocabSize = this.idToPiece.length;
    const bos = this.tokenId(settings.bosToken);
    if (bos === undefined) throw new Error(`tokenizer: BOS token ${settings.bosToken} is not in the vocabulary`);
    this.bosId = bos;
  }

  static fromFile(path: string, settings: TokenizerSettings): SentencePieceBpeTokenizer {
    return new SentencePieceBpeTokenizer(JSON.parse(fs.readFileSync(path, 'utf8')) as TokenizerJson, settings);
  }

  tokenId(piece: string): number | undefined {
    return this.added.get(piece)?.id ?? this.vocab.get(piece);
  }

  isSpecial(id: number): boolean {
    const piece = this.idToPiece[id];
    return piece !== undefined && this.special.has(piece);
  }

  /** tokenizer(text).input_ids: optional BOS, then the pieces' ids. */
  encode(text: string): number[] {
    const ids = this.tokenize(text).map((piece) => this.pieceIds(piece)).flat();
    return this.settings.addBosToken ? [this.bosId, ...ids] : ids;
  }

  /** Pieces as LlamaTokenizer.tokenize returns them (byte-fallback pieces already expanded). */
  tokenize(text: string): string[] {
    const prefixed = SPIECE_UNDERLINE + text.replaceAll(SPIECE_UNDERLINE, ' ');
    const segments = this.splitAddedTokens(prefixed);
    const pieces: string[] = [];
    for (const segment of segments) {
      if (segment.length === 0) continue;
      if (this.added.has(segment)) pieces.push(segment);
      else pieces.push(...this.bpe(segment.replaceAll(' ', SPIECE_UNDERLINE)));
    }
    // The lone prefix before a special token is dropped (slow tokenizer, legacy=false).
    if (pieces.length > 1 && pieces[0] === SPIECE_UNDERLINE && this.special.has(pieces[1] ?? '')) pieces.shift();
    return pieces;
  }

  /** Splits out added tokens, leftmost-longest, applying their rstrip/lstrip to the neighbours. */
  private splitAddedTokens(text: string): string[] {
    const out: string[] = [];
    const chars = Array.from(text);
    let start = 0;
    let i = 0;
    while (i < chars.length) {
      let node: TrieNode | undefined = this.addedTrie;
      let match: { token: AddedToken; end: number } | undefined;
      for (let j = i; j < chars.length && node; j++) {
        node = node.next.get(chars[j] ?? '');
        if (node?.token) match = { token: node.token, end: j + 1 };
      }
      if (!match) {
        i++;
        continue;
      }
      out.push(chars.slice(start, i).join(''), match.token.content);
      i = start = match.end;
    }
    out.push(chars.slice(start).join(''));
    for (let k = 0; k < out.length; k++) {
      const token = this.added.get(out[k] ?? '');
      if (!token || k % 2 === 0) continue; // odd positions hold the added tokens
      if (token.rstrip && out[k + 1]) out[k + 1] = (out[k + 1] ?? '').replace(/^\s+/u, '');
      if (token.lstrip && out[k - 1]) out[k - 1] = (out[k - 1] ?? '').replace(/\s+$/u, '');
    }
    return out;
  }

  /** Byte-pair merges by rank over the characters of one segment. */
  private bpe(segment: string): string[] {
    const symbols = Array.from(segment);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let k = 0; k + 1 < symbols.length; k++) {
        const rank = this.mergeRank.get(`${symbols[k]} ${symbols[k + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = k;
        }
      }
      if (best < 0) break;
      symbols.splice(best, 2, `${symbols[best]}${symbols[best + 1]}`);
    }
    const pieces: string[] = [];
    for (const symbol of symbols) {
      if (this.vocab.has(symbol)) pieces.push(symbol);
      else for (const byte of Buffer.from(symbol, 'utf8')) pieces.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    }
    return pieces;
  }

  private pieceIds(piece: string): number {
    return this.tokenId(piece) ?? this.vocab.get(this.settings.unkToken) ?? 0;
  }

  /** tokenizer.decode(ids, skip_special_tokens): '▁' becomes a space, byte pieces are joined as UTF-8. */
  decode(ids: readonly number[], skipSpecialTokens = true): string {
    const pieces = ids.filter((id) => !(skipSpecialTokens && this.isSpecial(id))).map((id) => this.idToPiece[id] ?? '');
    if (pieces[0]?.startsWith(SPIECE_UNDERLINE)) pieces[0] = pieces[0].slice(1);
    const bytes: number[] = [];
    for (const piece of pieces) {
      const byte = /^<0x([0-9A-F]{2})>$/.exec(piece);
      if (byte) bytes.push(parseInt(byte[1] ?? '0', 16));
      else bytes.push(...Buffer.from(this.added.has(piece) ? piece : piece.replaceAll(SPIECE_UNDERLINE, ' '), 'utf8'));
    }
    return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
  }
}
