"""HealthGPT-M3 at its real dimensions with random weights, in the official layouts and dtypes, written
tensor by tensor so the 3.8B model is never held in memory:

- Phi-3-mini-4k-instruct: config.json, generation_config.json, tokenizer files with Phi-3's ids
  (32000 pieces, chat tokens at 32000-32010), bf16 safetensors in two shards of at most 5 GB with
  model.safetensors.index.json;
- clip-vit-large-patch14-336: config.json, preprocessor_config.json, pytorch_model.bin (fp32, vision
  and text towers, as the CLIPModel checkpoint holds);
- com_hlora_weights.bin: PEFT-prefixed H-LoRA (rank 64, 4 experts) and mlp2x_gelu projector, bf16.

Every tensor is drawn from its own generator, seeded by the checkpoint seed and the key, so a
reference model of any subset of layers can regenerate the same values without reading the files
(reference_model below): the parity check never depends on the converter's checkpoint reader.
Key names and shapes come from the PyTorch reference built with one layer at full width, its
per-layer names replicated.
"""
from __future__ import annotations

import json
import os
import struct
import zlib
from typing import Dict, List, Tuple

import numpy as np
import torch

from arch_config import ClipVisionConfig, HealthGptConfig, HLoraConfig, Phi3Config
from random_init import initial_values
from reference import HealthGptReference
from tokenizer_files import healthgpt_added_tokens

CLIP_MEAN, CLIP_STD = [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]
# HF's default max_shard_size when Phi-3 was saved; its first shard is 4.97 GB.
MAX_SHARD_BYTES = 5_000_000_000
# Phi-3-mini's tokenizer: 32000 SentencePiece pieces, then its chat tokens at these ids.
PHI3_PIECES = 32000
PHI3_CHAT_TOKENS = [('<|endoftext|>', False), ('<|assistant|>', True), ('<|placeholder1|>', True), ('<|placeholder2|>', True),
                    ('<|placeholder3|>', True), ('<|placeholder4|>', True), ('<|system|>', True), ('<|end|>', True),
                    ('<|placeholder5|>', True), ('<|placeholder6|>', True), ('<|user|>', True)]
STOP_TOKENS = ('<|endoftext|>', '<|assistant|>', '<|end|>')
# CLIP ViT-L/14's text tower (unused by HealthGPT, present in the official pytorch_model.bin).
CLIP_TEXT = {'hidden': 768, 'intermediate': 3072, 'layers': 12, 'vocab': 49408, 'positions': 77, 'projection': 768}


def full_config(llm_layers: int = 32, vision_layers: int = 24) -> HealthGptConfig:
    """HealthGPT-M3's dimensions; fewer layers give the CI-sized variant with the same widths."""
    llm = Phi3Config(hidden_size=3072, intermediate_size=8192, num_hidden_layers=llm_layers, num_attention_heads=32, num_key_value_heads=32,
                     vocab_size=32064, rms_norm_eps=1e-5, rope_theta=10000.0, max_position_embeddings=4096)
    vision = ClipVisionConfig(hidden_size=1024, intermediate_size=4096, num_hidden_layers=vision_layers, num_attention_heads=16,
                              image_size=336, patch_size=14, layer_norm_eps=1e-5, image_mean=CLIP_MEAN, image_std=CLIP_STD)
    return HealthGptConfig(llm=llm, vision=vision, hlora=HLoraConfig(r=64, alpha=128, experts=4), vq_idx_nums=8192)


def tokenizer_length() -> int:
    return PHI3_PIECES + len(PHI3_CHAT_TOKENS)


def reference_keys(cfg: HealthGptConfig, vocab_rows: int) -> List[Tuple[str, Tuple[int, ...]]]:
    """(key, shape) of the reference model with cfg's layer counts, in state_dict order, from a one-layer
    build at full width: the per-layer names of layer 0 are replicated, nothing else is allocated."""
    one = HealthGptConfig(llm=Phi3Config(**{**cfg.llm.__dict__, 'num_hidden_layers': 1}),
                          vision=ClipVisionConfig(**{**cfg.vision.__dict__, 'num_hidden_layers': 1}), hlora=cfg.hlora,
                          vision_select_layer=cfg.vision_select_layer, vq_idx_nums=cfg.vq_idx_nums)
    shapes = [(k, tuple(v.shape)) for k, v in HealthGptReference(one, vocab_rows).state_dict().items()]
    out: List[Tuple[str, Tuple[int, ...]]] = []
    i = 0
    while i < len(shapes):
        key = shapes[i][0]
        for prefix, layers in (('model.layers.0.', cfg.llm.num_hidden_layers), ('vision_model.encoder.layers.0.', cfg.vision.num_hidden_layers)):
            if key.startswith(prefix):
                block = [s for s in shapes if s[0].startswith(prefix)]
                out += [(k.replace(prefix, prefix[:-2] + f'{n}.'), shape) for n in range(layers) for k, shape in block]
                i += len(block)
                break
        else:
            out.append(shapes[i])
            i += 1
    return out


def is_base_llm(key: str) -> bool:
    return (key.startswith('model.') or key == 'lm_head.weight') and 'mm_projector' not in key and 'lora_' not in key


def is_adapter(key: str) -> bool:
    return 'lora_' in key or 'mm_projector' in key


def stored_values(key: str, shape, seed: int, cfg: HealthGptConfig) -> np.ndarray:
    """The float32 values a tensor holds in the checkpoint: bf16-exact for Phi-3 and the adapter, which
    are stored as bf16; the base embedding and lm_head have Phi-3's 32064 rows."""
    rng = np.random.default_rng([seed, zlib.crc32(key.encode())])
    values = initial_values(key, rng.standard_normal(tuple(shape), dtype=np.float32), cfg.hlora.scaling)
    values = np.asarray(values, dtype=np.float32)
    if key.startswith('vision_model.') or key.startswith('text_model.'):
        return values
    return torch.from_numpy(values).to(torch.bfloat16).float().numpy()


def base_shape(key: str, shape, cfg: HealthGptConfig):
    return (cfg.llm.vocab_size, cfg.llm.hidden_size) if key in ('model.embed_tokens.weight', 'lm_head.weight') else shape


def _bf16_bytes(values: np.ndarray) -> bytes:
    return torch.from_numpy(values).to(torch.bfloat16).view(torch.int16).numpy().astype('<i2').tobytes()


def write_streamed_safetensors(path: str, specs: List[Tuple[str, Tuple[int, ...]]], seed: int, cfg: HealthGptConfig) -> int:
    """A bf16 safetensors file whose header is computed from the shapes first, then each tensor is drawn
    and written in turn: one tensor in memory at a time."""
    header, offset = {}, 0
    for key, shape in specs:
        size = int(np.prod(shape)) * 2
        header[key] = {'dtype': 'BF16', 'shape': list(shape), 'data_offsets': [offset, offset + size]}
        offset += size
    header['__metadata__'] = {'format': 'pt'}
    encoded = json.dumps(header).encode()
    encoded += b' ' * ((8 - len(encoded) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(encoded)))
        f.write(encoded)
        for key, shape in specs:
            f.write(_bf16_bytes(stored_values(key, shape, seed, cfg)))
    return offset


def write_json(path: str, value) -> None:
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(value, f, ensure_ascii=False, indent=2)


def phi3_shaped_tokenizer(small: dict) -> dict:
    """Phi-3's tokenizer.json structure at its real size: the small BPE's pieces padded to 32000 with pieces
    no merge reaches, then Phi-3's chat tokens at their real ids (32000-32010)."""
    tok = json.loads(json.dumps(small))
    vocab = tok['model']['vocab']
    filler = 0
    while len(vocab) < PHI3_PIECES:
        vocab.setdefault(f'▁unused{filler}', len(vocab))
        filler += 1
    tok['added_tokens'] = [t for t in tok['added_tokens'] if t['id'] < 3] + [
        {'id': PHI3_PIECES + i, 'content': content, 'single_word': False, 'lstrip': False, 'rstrip': rstrip, 'normalized': False, 'special': True}
        for i, (content, rstrip) in enumerate(PHI3_CHAT_TOKENS)]
    return tok


def _two_shards(keys: List[Tuple[str, Tuple[int, ...]]]):
    """HF's split: a new shard when the next tensor would pass 5 GB. A model that fits one shard (the CI
    variant) is still split in two, so the index's two-shard layout is always exercised."""
    total, cut = 0, len(keys) // 2
    for i, (_, shape) in enumerate(keys):
        total += int(np.prod(shape)) * 2
        if total > MAX_SHARD_BYTES:
            cut = i
            break
    return {'model-00001-of-00002.safetensors': keys[:cut], 'model-00002-of-00002.safetensors': keys[cut:]}


def write_phi3(folder: str, cfg: HealthGptConfig, keys, seed: int, tokenizer: dict) -> None:
    os.makedirs(folder, exist_ok=True)
    base = [(k, base_shape(k, s, cfg)) for k, s in keys if is_base_llm(k)]
    weight_map, total = {}, 0
    for shard, shard_keys in _two_shards(base).items():
        print(f'writing {shard} ({len(shard_keys)} tensors)', flush=True)
        total += write_streamed_safetensors(os.path.join(folder, shard), shard_keys, seed, cfg)
        weight_map.update({k: shard for k, _ in shard_keys})
    write_json(os.path.join(folder, 'model.safetensors.index.json'), {'metadata': {'total_size': total}, 'weight_map': weight_map})
    c = cfg.llm
    ids = {t['content']: t['id'] for t in tokenizer['added_tokens']}
    write_json(os.path.join(folder, 'config.json'), {
        '_name_or_path': 'Phi-3-mini-4k-instruct', 'architectures': ['Phi3ForCausalLM'], 'attention_bias': False, 'attention_dropout': 0.0,
        'bos_token_id': 1, 'embd_pdrop': 0.0, 'eos_token_id': ids['<|endoftext|>'], 'hidden_act': 'silu', 'hidden_size': c.hidden_size,
        'initializer_range': 0.02, 'intermediate_size': c.intermediate_size, 'max_position_embeddings': c.max_position_embeddings,
        'model_type': 'phi3', 'num_attention_heads': c.num_attention_heads, 'num_hidden_layers': c.num_hidden_layers,
        'num_key_value_heads': c.num_key_value_heads, 'original_max_position_embeddings': c.max_position_embeddings,
        'pad_token_id': ids['<|endoftext|>'], 'resid_pdrop': 0.0, 'rms_norm_eps': c.rms_norm_eps, 'rope_scaling': None,
        'rope_theta': c.rope_theta, 'sliding_window': 2047, 'tie_word_embeddings': False, 'torch_dtype': 'bfloat16',
        'transformers_version': '4.40.2', 'use_cache': True, 'vocab_size': c.vocab_size})
    write_json(os.path.join(folder, 'generation_config.json'), {'_from_model_config': True, 'bos_token_id': 1,
                                                                  'eos_token_id': [ids[n] for n in STOP_TOKENS], 'pad_token_id': ids['<|endoftext|>']})
    write_json(os.path.join(folder, 'tokenizer.json'), tokenizer)
    flags = {str(t['id']): {k: t[k] for k in ('content', 'lstrip', 'normalized', 'rstrip', 'single_word', 'special')} for t in tokenizer['added_tokens']}
    write_json(os.path.join(folder, 'tokenizer_config.json'), {
        'add_bos_token': False, 'add_eos_token': False, 'added_tokens_decoder': flags, 'bos_token': '<s>', 'clean_up_tokenization_spaces': False,
        'eos_token': '<|endoftext|>', 'legacy': False, 'model_max_length': c.max_position_embeddings, 'pad_token': '<|endoftext|>',
        'padding_side': 'left', 'sp_model_kwargs': {}, 'tokenizer_class': 'LlamaTokenizer', 'unk_token': '<unk>', 'use_default_system_prompt': False})
    write_json(os.path.join(folder, 'special_tokens_map.json'), {'bos_token': '<s>', 'eos_token': '<|endoftext|>', 'pad_token': '<|endoftext|>', 'unk_token': '<unk>'})


def _clip_text_tower(seed: int, cfg: HealthGptConfig) -> Dict[str, torch.Tensor]:
    t = CLIP_TEXT
    shapes = {'text_model.embeddings.token_embedding.weight': (t['vocab'], t['hidden']),
              'text_model.embeddings.position_embedding.weight': (t['positions'], t['hidden'])}
    for n in range(t['layers']):
        p = f'text_model.encoder.layers.{n}'
        for proj in ('k_proj', 'v_proj', 'q_proj', 'out_proj'):
            shapes[f'{p}.self_attn.{proj}.weight'] = (t['hidden'], t['hidden'])
            shapes[f'{p}.self_attn.{proj}.bias'] = (t['hidden'],)
        for norm in ('layer_norm1', 'layer_norm2'):
            shapes[f'{p}.{norm}.weight'] = shapes[f'{p}.{norm}.bias'] = (t['hidden'],)
        shapes[f'{p}.mlp.fc1.weight'], shapes[f'{p}.mlp.fc1.bias'] = (t['intermediate'], t['hidden']), (t['intermediate'],)
        shapes[f'{p}.mlp.fc2.weight'], shapes[f'{p}.mlp.fc2.bias'] = (t['hidden'], t['intermediate']), (t['hidden'],)
    shapes['text_model.final_layer_norm.weight'] = shapes['text_model.final_layer_norm.bias'] = (t['hidden'],)
    shapes['visual_projection.weight'] = (t['projection'], cfg.vision.hidden_size)
    shapes['text_projection.weight'] = (t['projection'], t['hidden'])
    state = {k: torch.from_numpy(stored_values(k, s, seed, cfg)) for k, s in shapes.items()}
    state['text_model.embeddings.position_ids'] = torch.arange(t['positions'])[None]
    state['logit_scale'] = torch.tensor(4.6052)
    return state


def write_clip(folder: str, cfg: HealthGptConfig, keys, seed: int) -> None:
    """The CLIPModel checkpoint is one fp32 pickle; at ViT-L size it is 1.7 GB, held once while saving."""
    os.makedirs(folder, exist_ok=True)
    v = cfg.vision
    state = {k: torch.from_numpy(stored_values(k, s, seed, cfg)) for k, s in keys if k.startswith('vision_model.')}
    state['vision_model.embeddings.position_ids'] = torch.arange(v.num_patches + 1)[None]
    if v.num_hidden_layers == 24:
        # The full-size checkpoint carries CLIPModel's text tower too, as the official file does (the converter
        # must skip it); the CI-sized variant leaves its 0.5 GB out.
        state.update(_clip_text_tower(seed, cfg))
    print(f'writing pytorch_model.bin ({len(state)} tensors)', flush=True)
    torch.save(state, os.path.join(folder, 'pytorch_model.bin'))
    del state
    t = CLIP_TEXT
    write_json(os.path.join(folder, 'config.json'), {
        '_name_or_path': 'openai/clip-vit-large-patch14-336', 'architectures': ['CLIPModel'], 'model_type': 'clip', 'projection_dim': t['projection'],
        'logit_scale_init_value': 2.6592, 'torch_dtype': 'float32',
        'text_config': {'hidden_size': t['hidden'], 'intermediate_size': t['intermediate'], 'num_hidden_layers': t['layers'], 'num_attention_heads': 12,
                        'max_position_embeddings': t['positions'], 'vocab_size': t['vocab'], 'projection_dim': t['projection'], 'hidden_act': 'quick_gelu'},
        'vision_config': {'hidden_size': v.hidden_size, 'intermediate_size': v.intermediate_size, 'num_hidden_layers': v.num_hidden_layers,
                          'num_attention_heads': v.num_attention_heads, 'image_size': v.image_size, 'patch_size': v.patch_size,
                          'projection_dim': t['projection'], 'hidden_act': 'quick_gelu', 'layer_norm_eps': v.layer_norm_eps}})
    write_json(os.path.join(folder, 'preprocessor_config.json'), {
        'crop_size': v.image_size, 'do_center_crop': True, 'do_normalize': True, 'do_resize': True, 'feature_extractor_type': 'CLIPFeatureExtractor',
        'image_mean': v.image_mean, 'image_std': v.image_std, 'resample': 3, 'size': v.image_size})


def write_hlora(path: str, cfg: HealthGptConfig, keys, seed: int) -> None:
    """PeftModel's state_dict of LlavaPhiForCausalLM: H-LoRA of every layer and the projector, as bf16 (the
    dtype HealthGPT trains and saves in)."""
    state = {f'base_model.model.{k}': torch.from_numpy(stored_values(k, s, seed, cfg)).to(torch.bfloat16) for k, s in keys if is_adapter(k)}
    print(f'writing {os.path.basename(path)} ({len(state)} tensors)', flush=True)
    torch.save(state, path)


def write_checkpoint(out: str, tokenizer_base: dict, llm_layers: int = 32, vision_layers: int = 24, seed: int = 0) -> dict:
    cfg = full_config(llm_layers, vision_layers)
    tokenizer = phi3_shaped_tokenizer(tokenizer_base)
    vocab_rows = tokenizer_length() + len(healthgpt_added_tokens(cfg.vq_idx_nums))
    keys = reference_keys(cfg, vocab_rows)
    write_phi3(os.path.join(out, 'phi3'), cfg, keys, seed, tokenizer)
    write_clip(os.path.join(out, 'clip'), cfg, keys, seed)
    write_hlora(os.path.join(out, 'com_hlora_weights.bin'), cfg, keys, seed)
    spec = {'seed': seed, 'config': cfg.to_json(), 'tokenizer_length': tokenizer_length(), 'vocab_rows': vocab_rows,
            'params': sum(int(np.prod(base_shape(k, s, cfg))) for k, s in keys)}
    write_json(os.path.join(out, 'reference.json'), spec)
    return spec


@torch.no_grad()
def reference_model(spec: dict) -> HealthGptReference:
    """The PyTorch reference with the checkpoint's values, regenerated from the seed (not read from the files),
    with HealthGPT's vocabulary resize applied: the first tokenizer_length rows kept, the added rows their mean."""
    c = spec['config']
    cfg = HealthGptConfig(llm=Phi3Config(**c['llm']), vision=ClipVisionConfig(**c['vision']), hlora=HLoraConfig(**c['hlora']),
                          vision_select_layer=c['vision_select_layer'], vq_idx_nums=c['vq_idx_nums'])
    model = HealthGptReference(cfg, spec['vocab_rows'])
    kept = spec['tokenizer_length']
    for key, p in model.state_dict().items():
        if key in ('model.embed_tokens.weight', 'lm_head.weight'):
            base = torch.from_numpy(stored_values(key, base_shape(key, p.shape, cfg), spec['seed'], cfg))[:kept]
            p[:kept] = base
            p[kept:] = base.double().mean(dim=0, keepdim=True).float()
        else:
            p.copy_(torch.from_numpy(stored_values(key, p.shape, spec['seed'], cfg)))
    return model.eval()
