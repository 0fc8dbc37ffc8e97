"""The bundle's tokenizer: Phi-3's tokenizer.json with HealthGPT's 8195 tokens appended, plus the
settings the runtime needs to tokenise like HealthGPT's slow (SentencePiece) LlamaTokenizer.
"""
from __future__ import annotations

import json
import os
from typing import Dict, List


def healthgpt_added_tokens(vq_idx_nums: int) -> List[str]:
    """The order HealthGPT's add_special_tokens_and_resize_model adds them, so ids match its embeddings."""
    return ['<start_index>'] + [f'<idx_{i}>' for i in range(vq_idx_nums)] + ['<end_index>', '<pixel_newline>']


def _read_json(path: str) -> dict:
    if not os.path.exists(path):
        return {}
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def _token_content(value) -> str:
    return value['content'] if isinstance(value, dict) else value


def build_tokenizer(phi3_dir: str, vq_idx_nums: int) -> Dict:
    tok = _read_json(os.path.join(phi3_dir, 'tokenizer.json'))
    if tok.get('model', {}).get('type') != 'BPE' or 'merges' not in tok['model']:
        raise ValueError('tokenizer.json must hold a BPE model with merges (Phi-3 ships one)')
    config = _read_json(os.path.join(phi3_dir, 'tokenizer_config.json'))
    special_map = _read_json(os.path.join(phi3_dir, 'special_tokens_map.json'))
    ids = list(tok['model']['vocab'].values()) + [t['id'] for t in tok.get('added_tokens', [])]
    base_length = max(ids) + 1  # len(tokenizer) before HealthGPT adds its tokens
    added = healthgpt_added_tokens(vq_idx_nums)
    tok = dict(tok)
    # The slow tokenizer HealthGPT uses takes each added token's lstrip/rstrip from tokenizer_config.json's
    # added_tokens_decoder; where both files describe a token, that one wins.
    slow_flags = {int(i): t for i, t in config.get('added_tokens_decoder', {}).items()}
    existing = [dict(t, **{k: slow_flags[t['id']][k] for k in ('lstrip', 'rstrip') if k in slow_flags.get(t['id'], {})})
                for t in tok.get('added_tokens', [])]
    tok['added_tokens'] = existing + [
        {'id': base_length + i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
        for i, t in enumerate(added)]
    # The slow tokenizer's all_special_tokens after HealthGPT's add_special_tokens: the named tokens plus
    # HealthGPT's list, which replaces any earlier additional_special_tokens (transformers' default).
    named = [_token_content(special_map.get(k) or config.get(k)) for k in ('bos_token', 'eos_token', 'unk_token', 'pad_token')]
    special = [t for t in named if t] + added
    return {
        'tokenizer_json': tok,
        'base_length': base_length,
        'length': base_length + len(added),
        'added_count': len(added),
        'settings': {
            'addBosToken': bool(config.get('add_bos_token', True)),
            'bosToken': _token_content(special_map.get('bos_token') or config.get('bos_token') or '<s>'),
            'unkToken': _token_content(special_map.get('unk_token') or config.get('unk_token') or '<unk>'),
            'legacy': bool(config.get('legacy', True)),
            'specialTokens': sorted(set(special), key=special.index),
        },
    }


def stop_token_ids(phi3_dir: str, tokenizer_json: Dict) -> List[int]:
    """Phi-3 stops on <|endoftext|>, <|assistant|> and <|end|> (generation_config.json's eos_token_id)."""
    gen = _read_json(os.path.join(phi3_dir, 'generation_config.json'))
    cfg = _read_json(os.path.join(phi3_dir, 'config.json'))
    eos = gen.get('eos_token_id', cfg.get('eos_token_id'))
    found = eos if isinstance(eos, list) else ([eos] if eos is not None else [])
    by_content = {t['content']: t['id'] for t in tokenizer_json['added_tokens']}
    for content in ('<|end|>', '<|endoftext|>'):
        if content in by_content and by_content[content] not in found:
            found.append(by_content[content])
    return found
