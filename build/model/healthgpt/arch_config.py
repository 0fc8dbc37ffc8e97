"""Architecture settings for HealthGPT (Phi-3 + CLIP + H-LoRA), read from the official config files.

The same dataclasses describe the real HealthGPT-M3 and the tiny parity model, so the converter,
the PyTorch reference and the graphs never branch on which one they handle.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import List


@dataclass
class Phi3Config:
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    vocab_size: int  # rows of the base checkpoint's embedding (32064 for Phi-3-mini, more than its tokenizer)
    rms_norm_eps: float
    rope_theta: float
    max_position_embeddings: int

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    @staticmethod
    def from_hf(path: str) -> 'Phi3Config':
        with open(os.path.join(path, 'config.json')) as f:
            c = json.load(f)
        if c.get('rope_scaling'):
            raise ValueError('rope_scaling (the 128k Phi-3 variants) is not supported; HealthGPT-M3 uses Phi-3-mini-4k-instruct')
        return Phi3Config(
            hidden_size=c['hidden_size'], intermediate_size=c['intermediate_size'],
            num_hidden_layers=c['num_hidden_layers'], num_attention_heads=c['num_attention_heads'],
            num_key_value_heads=c.get('num_key_value_heads') or c['num_attention_heads'],
            vocab_size=c['vocab_size'], rms_norm_eps=c['rms_norm_eps'], rope_theta=c.get('rope_theta', 10000.0),
            max_position_embeddings=c['max_position_embeddings'])


@dataclass
class ClipVisionConfig:
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    image_size: int
    patch_size: int
    layer_norm_eps: float
    image_mean: List[float]
    image_std: List[float]

    @property
    def num_patches(self) -> int:
        return (self.image_size // self.patch_size) ** 2

    @staticmethod
    def from_hf(path: str) -> 'ClipVisionConfig':
        with open(os.path.join(path, 'config.json')) as f:
            c = json.load(f)
        v = c.get('vision_config', c)
        if v.get('hidden_act', 'quick_gelu') != 'quick_gelu':
            raise ValueError(f"CLIP activation {v.get('hidden_act')} is not supported (expected quick_gelu)")
        mean, std = [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]
        pre = os.path.join(path, 'preprocessor_config.json')
        if os.path.exists(pre):
            with open(pre) as f:
                p = json.load(f)
            mean, std = p.get('image_mean', mean), p.get('image_std', std)
        # config.json may leave out values equal to transformers' CLIPVisionConfig defaults.
        return ClipVisionConfig(
            hidden_size=v.get('hidden_size', 768), intermediate_size=v.get('intermediate_size', 3072),
            num_hidden_layers=v.get('num_hidden_layers', 12), num_attention_heads=v.get('num_attention_heads', 12),
            image_size=v.get('image_size', 224), patch_size=v.get('patch_size', 32), layer_norm_eps=v.get('layer_norm_eps', 1e-5),
            image_mean=list(mean), image_std=list(std))


@dataclass
class HLoraConfig:
    """H-LoRA as HealthGPT's comprehension demo configures it (com_infer.sh: r=64, alpha=128, 4 experts)."""
    r: int = 64
    alpha: int = 128
    experts: int = 4
    # Every Phi-3 linear except lm_head (find_all_linear_names drops lm_head).
    targets: List[str] = field(default_factory=lambda: ['qkv_proj', 'o_proj', 'gate_up_proj', 'down_proj'])

    @property
    def scaling(self) -> float:
        # The reference layer multiplies alpha / r by the expert count.
        return self.alpha / self.r * self.experts


@dataclass
class HealthGptConfig:
    llm: Phi3Config
    vision: ClipVisionConfig
    hlora: HLoraConfig
    # hidden_states[-2] of CLIP: the penultimate layer, as LLaVA's mm_vision_select_layer=-2.
    vision_select_layer: int = -2
    vq_idx_nums: int = 8192

    @property
    def vision_layers_run(self) -> int:
        """hidden_states has num_layers + 1 entries (the embeddings first), so index k runs this many layers."""
        k = self.vision_select_layer
        return self.vision.num_hidden_layers + 1 + k if k < 0 else k

    def to_json(self) -> dict:
        return asdict(self)
