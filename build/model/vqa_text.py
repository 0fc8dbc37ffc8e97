"""The question tokenizer and answer normalisation of the closed VQA model.

Kept deliberately simple (lower-case word pieces from one regular expression) so the
TypeScript runtime can reproduce it exactly from the vocabulary file in the bundle.
"""
from __future__ import annotations

import re
from collections import Counter

TOKEN_PATTERN = r'[a-z0-9]+'
MAX_TOKENS = 24
PAD, UNK = '<pad>', '<unk>'


def words(text: str) -> list[str]:
    return re.findall(TOKEN_PATTERN, str(text).lower())


def normalize_answer(answer: str) -> str:
    """Answers compare case-, space- and final-punctuation-insensitively."""
    return ' '.join(str(answer).lower().strip().rstrip('.').split())


def build_vocabulary(questions: list[str], min_count: int = 2) -> list[str]:
    counts = Counter(w for q in questions for w in words(q))
    return [PAD, UNK] + sorted(w for w, n in counts.items() if n >= min_count)


def encode(question: str, vocabulary: dict[str, int]) -> list[int]:
    """Token ids, truncated to MAX_TOKENS and right-padded with PAD (id 0)."""
    ids = [vocabulary.get(w, 1) for w in words(question)][:MAX_TOKENS]
    return ids + [0] * (MAX_TOKENS - len(ids))


def vocabulary_file(vocabulary: list[str]) -> dict:
    """What the runtime needs to tokenise a question exactly as training did."""
    return {
        'kind': 'word-regex',
        'lowercase': True,
        'pattern': TOKEN_PATTERN,
        'maxTokens': MAX_TOKENS,
        'padId': 0,
        'unknownId': 1,
        'padding': 'right',
        'truncation': 'keep-first',
        'tokens': vocabulary,
    }
