"""A tiny HealthGPT with random weights, saved in the official file layouts and key names:
a Phi-3 folder (config, tokenizer files, two safetensors shards with their index), a CLIP folder
(config, preprocessor config, pytorch_model.bin with text and vision keys) and
com_hlora_weights.bin (PEFT-prefixed H-LoRA and projector keys). Also saves the reference model.

  /usr/bin/python3 make_tiny_checkpoint.py OUT_DIR [--convert]
  /usr/bin/python3 make_tiny_checkpoint.py OUT_DIR --full-size [--llm-layers N --vision-layers M]
With --full-size the checkpoint has HealthGPT-M3's real dimensions (full_checkpoint.py) and OUT_DIR/reference.json
replaces the saved reference model.
"""
from __future__ import annotations

import json
import os
import sys
from collections import Counter

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from arch_config import ClipVisionConfig, HealthGptConfig, HLoraConfig, Phi3Config  # noqa: E402
from checkpoint import write_safetensors  # noqa: E402
from random_init import initial_values  # noqa: E402
from reference import HealthGptReference  # noqa: E402
from tokenizer_files import healthgpt_added_tokens  # noqa: E402

CORPUS = ('what is shown in this image ? is there a fracture in the left lung ? describe the findings . '
          'the chest x-ray shows no acute abnormality . there is a small nodule in the right upper lobe . '
          'ct of the head without contrast . mri of the knee shows a tear .')
# Phi-3's chat tokens: (content, rstrip) as Phi-3-mini's tokenizer files declare them.
PHI3_ADDED = [('<|endoftext|>', False), ('<|assistant|>', True), ('<|system|>', True), ('<|end|>', True), ('<|user|>', True)]
TINY_VQ_IDX = 16


def train_bpe(text: str, merges_wanted: int):
    """A small SentencePiece-style BPE: words carry their leading '▁'; the most frequent pair merges first."""
    words = Counter('▁' + w for w in text.split(' '))
    seqs = {w: list(w) for w in words}
    merges = []
    for _ in range(merges_wanted):
        pairs = Counter()
        for w, n in words.items():
            s = seqs[w]
            for a, b in zip(s, s[1:]):
                pairs[(a, b)] += n
        if not pairs:
            break
        (a, b), _count = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merges.append((a, b))
        for w in seqs:
            s, out, i = seqs[w], [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[w] = out
    return merges


def tiny_tokenizer():
    vocab = {'<unk>': 0, '<s>': 1, '</s>': 2}
    for byte in range(256):
        vocab[f'<0x{byte:02X}>'] = len(vocab)
    for ch in sorted(set('▁' + CORPUS.replace(' ', ''))):
        vocab.setdefault(ch, len(vocab))
    merges = train_bpe(CORPUS, 60)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    added = [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
             for i, t in enumerate(['<unk>', '<s>', '</s>'])]
    for content, rstrip in PHI3_ADDED:
        added.append({'id': len(vocab) + len(added) - 3, 'content': content, 'single_word': False, 'lstrip': False,
                      'rstrip': rstrip, 'normalized': False, 'special': True})
    return {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added,
        'normalizer': {'type': 'Sequence', 'normalizers': [{'type': 'Prepend', 'prepend': '▁'}, {'type': 'Replace', 'pattern': {'String': ' '}, 'content': '▁'}]},
        'pre_tokenizer': None, 'post_processor': None, 'decoder': None,
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': '<unk>', 'continuing_subword_prefix': None, 'end_of_word_suffix': None,
                  'fuse_unk': True, 'byte_fallback': True, 'vocab': vocab, 'merges': [f'{a} {b}' for a, b in merges]},
    }


def tiny_config(tokenizer_length: int, max_positions: int = 256) -> HealthGptConfig:
    llm = Phi3Config(hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4,
                     vocab_size=tokenizer_length + 9, rms_norm_eps=1e-5, rope_theta=10000.0, max_position_embeddings=max_positions)
    vision = ClipVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=2, image_size=56, patch_size=14,
                              layer_norm_eps=1e-5, image_mean=[0.48145466, 0.4578275, 0.40821073], image_std=[0.26862954, 0.26130258, 0.27577711])
    return HealthGptConfig(llm=llm, vision=vision, hlora=HLoraConfig(r=8, alpha=16, experts=4), vq_idx_nums=TINY_VQ_IDX)


def write_json(path: str, value) -> None:
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(value, f, ensure_ascii=False, indent=1)


# Phi-3's generation_config.json lists these as end-of-answer tokens.
STOP_TOKENS = ('<|endoftext|>', '<|assistant|>', '<|end|>')


def main(out: str, seed: int = 0, max_positions: int = 256, never_stop: bool = False) -> None:
    torch.manual_seed(seed)
    tok = tiny_tokenizer()
    tok_len = max(list(tok['model']['vocab'].values()) + [t['id'] for t in tok['added_tokens']]) + 1
    cfg = tiny_config(tok_len, max_positions)
    added = len(healthgpt_added_tokens(cfg.vq_idx_nums))
    model = HealthGptReference(cfg, tok_len + added)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(initial_values(name, torch.randn_like(p), cfg.hlora.scaling))
        # The base checkpoint has padding rows beyond the tokenizer, like Phi-3's 32064 > 32011; HealthGPT's
        # resize keeps the first tok_len rows and sets the added rows to their mean.
        base_embed = 0.5 * torch.randn(cfg.llm.vocab_size, cfg.llm.hidden_size)
        base_head = torch.randn(cfg.llm.vocab_size, cfg.llm.hidden_size) / cfg.llm.hidden_size ** 0.5
        # Phi-3 ships bfloat16 weights: make the base LLM's values bfloat16-exact so its first shard can be
        # written as BF16 and the converter's BF16 path is part of the parity test.
        for name, p in model.named_parameters():
            if name.startswith('model.') and 'mm_projector' not in name and 'lora_' not in name:
                p.copy_(p.to(torch.bfloat16).float())
        base_embed = base_embed.to(torch.bfloat16).float()
        base_head = base_head.to(torch.bfloat16).float()
        if never_stop:
            # Zero rows give the stop tokens a logit of exactly 0, below the largest of the other
            # random logits at every step in practice, so a greedy answer runs to the length limit.
            stop_ids = [t['id'] for t in tok['added_tokens'] if t['content'] in STOP_TOKENS]
            base_head[stop_ids] = 0.0
        for target, base in ((model.model.embed_tokens.weight, base_embed), (model.lm_head.weight, base_head)):
            target[:tok_len] = base[:tok_len]
            target[tok_len:] = base[:tok_len].mean(dim=0, keepdim=True)

    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    phi3, clip = os.path.join(out, 'phi3'), os.path.join(out, 'clip')
    os.makedirs(phi3, exist_ok=True)
    os.makedirs(clip, exist_ok=True)

    base = {}
    for k, v in state.items():
        if k.startswith('model.') and 'mm_projector' not in k and 'lora_' not in k:
            base[k] = v.numpy()
    base['model.embed_tokens.weight'] = base_embed.numpy()
    base['lm_head.weight'] = base_head.numpy()
    keys = sorted(base)
    shards = {'model-00001-of-00002.safetensors': keys[: len(keys) // 2], 'model-00002-of-00002.safetensors': keys[len(keys) // 2:]}
    weight_map = {}
    for (shard, shard_keys), dtype in zip(shards.items(), ('BF16', 'F32')):
        write_safetensors(os.path.join(phi3, shard), {k: base[k] for k in shard_keys}, dtype)
        weight_map.update({k: shard for k in shard_keys})
    write_json(os.path.join(phi3, 'model.safetensors.index.json'), {'metadata': {}, 'weight_map': weight_map})
    c = cfg.llm
    write_json(os.path.join(phi3, 'config.json'), {
        'architectures': ['Phi3ForCausalLM'], 'model_type': 'phi3', 'hidden_size': c.hidden_size, 'intermediate_size': c.intermediate_size,
        'num_hidden_layers': c.num_hidden_layers, 'num_attention_heads': c.num_attention_heads, 'num_key_value_heads': c.num_key_value_heads,
        'vocab_size': c.vocab_size, 'rms_norm_eps': c.rms_norm_eps, 'rope_theta': c.rope_theta, 'rope_scaling': None,
        'max_position_embeddings': c.max_position_embeddings, 'hidden_act': 'silu', 'eos_token_id': tok_len - 5 + 0, 'tie_word_embeddings': False})
    ids = {t['content']: t['id'] for t in tok['added_tokens']}
    write_json(os.path.join(phi3, 'generation_config.json'), {'eos_token_id': [ids[name] for name in STOP_TOKENS]})
    write_json(os.path.join(phi3, 'tokenizer.json'), tok)
    decoder_flags = {str(t['id']): {k: t[k] for k in ('content', 'lstrip', 'rstrip', 'normalized', 'single_word', 'special')} for t in tok['added_tokens']}
    write_json(os.path.join(phi3, 'tokenizer_config.json'), {'add_bos_token': False, 'add_eos_token': False, 'legacy': False,
                                                              'added_tokens_decoder': decoder_flags,
                                                              'bos_token': '<s>', 'eos_token': '<|endoftext|>', 'unk_token': '<unk>', 'tokenizer_class': 'LlamaTokenizer'})
    write_json(os.path.join(phi3, 'special_tokens_map.json'), {'bos_token': '<s>', 'eos_token': '<|endoftext|>', 'pad_token': '<|endoftext|>', 'unk_token': '<unk>'})

    v = cfg.vision
    clip_state = {k: v_ for k, v_ in state.items() if k.startswith('vision_model.')}
    clip_state['text_model.embeddings.token_embedding.weight'] = torch.randn(10, 8)  # a full CLIPModel also has the text tower
    clip_state['vision_model.embeddings.position_ids'] = torch.arange(v.num_patches + 1)[None]
    torch.save(clip_state, os.path.join(clip, 'pytorch_model.bin'))
    write_json(os.path.join(clip, 'config.json'), {'architectures': ['CLIPModel'], 'vision_config': {
        'hidden_size': v.hidden_size, 'intermediate_size': v.intermediate_size, 'num_hidden_layers': v.num_hidden_layers,
        'num_attention_heads': v.num_attention_heads, 'image_size': v.image_size, 'patch_size': v.patch_size, 'hidden_act': 'quick_gelu', 'layer_norm_eps': v.layer_norm_eps}})
    write_json(os.path.join(clip, 'preprocessor_config.json'), {'crop_size': v.image_size, 'image_mean': v.image_mean, 'image_std': v.image_std,
                                                                 'resample': 3, 'size': v.image_size, 'do_center_crop': True, 'do_normalize': True})

    # PeftModel's state_dict prefixes the wrapped LlavaPhiForCausalLM with base_model.model.
    adapter = {f'base_model.model.{k}': v_ for k, v_ in state.items() if 'lora_' in k or 'mm_projector' in k}
    torch.save(adapter, os.path.join(out, 'com_hlora_weights.bin'))
    torch.save({'config': cfg.to_json(), 'vocab_rows': tok_len + added, 'state': state}, os.path.join(out, 'reference.pt'))
    print(json.dumps({'tokenizer_length': tok_len, 'vocab': tok_len + added}))


if __name__ == '__main__':
    import argparse
    parser = argparse.ArgumentParser(description='Write a HealthGPT-shaped checkpoint with random weights, in the official layouts: '
                                     'tiny by default, or at HealthGPT-M3\'s real dimensions with --full-size.')
    parser.add_argument('out')
    parser.add_argument('--convert', action='store_true', help='also convert it to bundles under OUT/bundle*')
    parser.add_argument('--precision', default='fp32,int4', help="with --convert: int4, fp32 or 'fp32,int4' (the default)")
    # Rotary positions are computed, not learned, so a longer context changes no answer, only how long one may run:
    # the end-to-end cancel test needs an answer that lasts well past the first token on a fast machine.
    parser.add_argument('--max-positions', type=int, default=256)
    parser.add_argument('--max-new-tokens', type=int, default=512, help="the bundle's answer length limit")
    parser.add_argument('--never-stop', action='store_true', help='a model that never chooses a stop token, for a test that needs a long answer')
    parser.add_argument('--full-size', action='store_true',
                        help="HealthGPT-M3's dimensions (Phi-3-mini-4k, CLIP ViT-L/14-336, H-LoRA r64 x4), written tensor by tensor")
    parser.add_argument('--llm-layers', type=int, default=32, help='with --full-size: decoder layers (fewer for a CI-sized check at full width)')
    parser.add_argument('--vision-layers', type=int, default=24, help='with --full-size: CLIP layers (the penultimate one is used, so at least 2)')
    options = parser.parse_args()
    if options.full_size:
        import full_checkpoint
        print(json.dumps(full_checkpoint.write_checkpoint(options.out, tiny_tokenizer(), options.llm_layers, options.vision_layers)['params']))
        extra = ['--bundle-id', 'healthgpt-m3-random', '--name', 'HealthGPT-M3 shape, random weights (not a model)']
    else:
        main(options.out, max_positions=options.max_positions, never_stop=options.never_stop)
        extra = ['--vq-idx-nums', str(TINY_VQ_IDX), '--hlora-r', '8', '--hlora-alpha', '16', '--bundle-id', 'tiny-healthgpt']
    if options.convert:
        # The parity test converts in the same process: one Python start-up less on a busy machine.
        import convert
        convert.convert(convert.parse_args([
            '--phi3', os.path.join(options.out, 'phi3'), '--clip', os.path.join(options.out, 'clip'),
            '--hlora', os.path.join(options.out, 'com_hlora_weights.bin'), '--out', os.path.join(options.out, 'bundle'),
            '--precision', options.precision, '--max-new-tokens', str(options.max_new_tokens)] + extra))
