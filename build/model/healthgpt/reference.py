"""PyTorch reference forward pass of HealthGPT's comprehension path, written independently of the
ONNX graphs. Module names follow the Hugging Face layouts (Phi-3, CLIP) and HealthGPT's H-LoRA
layer, so `state_dict()` keys are the official checkpoint keys.
"""
from __future__ import annotations

import math
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from arch_config import ClipVisionConfig, HealthGptConfig, HLoraConfig, Phi3Config

IMAGE_TOKEN_INDEX = -200  # LLaVA's placeholder id for <image> in input_ids


class HLoraLinear(nn.Module):
    """Frozen base linear plus H-LoRA: one A and one B, whose rank is split into `experts` slices
    weighted per token by a softmax router on the layer input."""

    def __init__(self, d_in: int, d_out: int, h: HLoraConfig) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(d_out, d_in))
        self.lora_route = nn.Linear(d_in, h.experts, bias=False)
        self.lora_A = nn.Linear(d_in, h.r, bias=False)
        self.lora_B = nn.Linear(h.r, d_out, bias=False)
        self.slice_rank = h.r // h.experts
        self.scaling = h.scaling

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        base = x @ self.weight.T
        gate = torch.softmax(self.lora_route(x), dim=-1).repeat_interleave(self.slice_rank, dim=-1)
        return base + self.lora_B(gate * self.lora_A(x) * self.scaling)


class RmsNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Phi3Attention(nn.Module):
    def __init__(self, c: Phi3Config, h: HLoraConfig) -> None:
        super().__init__()
        self.c = c
        kv = c.num_key_value_heads * c.head_dim
        self.qkv_proj = HLoraLinear(c.hidden_size, c.hidden_size + 2 * kv, h)
        self.o_proj = HLoraLinear(c.hidden_size, c.hidden_size, h)

    def forward(self, x, cos, sin, past: Optional[Tuple[torch.Tensor, torch.Tensor]]):
        c, s = self.c, x.shape[1]
        qkv = self.qkv_proj(x)
        kv = c.num_key_value_heads * c.head_dim
        q, k, v = qkv.split([c.hidden_size, kv, kv], dim=-1)
        q = q.view(1, s, c.num_attention_heads, c.head_dim).transpose(1, 2)
        k = k.view(1, s, c.num_key_value_heads, c.head_dim).transpose(1, 2)
        v = v.view(1, s, c.num_key_value_heads, c.head_dim).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        groups = c.num_attention_heads // c.num_key_value_heads
        kr, vr = k.repeat_interleave(groups, dim=1), v.repeat_interleave(groups, dim=1)
        scores = q @ kr.transpose(-1, -2) / math.sqrt(c.head_dim)
        total = k.shape[2]
        causal = torch.ones(s, total, dtype=torch.bool).tril(diagonal=total - s)
        scores = scores.masked_fill(~causal, float('-inf'))
        out = (torch.softmax(scores, dim=-1) @ vr).transpose(1, 2).reshape(1, s, c.hidden_size)
        return self.o_proj(out), (k, v)


class Phi3Mlp(nn.Module):
    def __init__(self, c: Phi3Config, h: HLoraConfig) -> None:
        super().__init__()
        self.gate_up_proj = HLoraLinear(c.hidden_size, 2 * c.intermediate_size, h)
        self.down_proj = HLoraLinear(c.intermediate_size, c.hidden_size, h)

    def forward(self, x):
        gate, up = self.gate_up_proj(x).chunk(2, dim=-1)
        return self.down_proj(F.silu(gate) * up)


class Phi3Layer(nn.Module):
    def __init__(self, c: Phi3Config, h: HLoraConfig) -> None:
        super().__init__()
        self.input_layernorm = RmsNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Phi3Attention(c, h)
        self.post_attention_layernorm = RmsNorm(c.hidden_size, c.rms_norm_eps)
        self.mlp = Phi3Mlp(c, h)

    def forward(self, x, cos, sin, past):
        attn, present = self.self_attn(self.input_layernorm(x), cos, sin, past)
        x = x + attn
        return x + self.mlp(self.post_attention_layernorm(x)), present


class ClipLayer(nn.Module):
    def __init__(self, c: ClipVisionConfig) -> None:
        super().__init__()
        d = c.hidden_size
        self.heads = c.num_attention_heads
        self.self_attn = nn.Module()
        for name in ('q_proj', 'k_proj', 'v_proj', 'out_proj'):
            setattr(self.self_attn, name, nn.Linear(d, d))
        self.layer_norm1 = nn.LayerNorm(d, eps=c.layer_norm_eps)
        self.mlp = nn.Module()
        self.mlp.fc1 = nn.Linear(d, c.intermediate_size)
        self.mlp.fc2 = nn.Linear(c.intermediate_size, d)
        self.layer_norm2 = nn.LayerNorm(d, eps=c.layer_norm_eps)

    def forward(self, x):
        n, d = x.shape[1], x.shape[2]
        hd = d // self.heads
        y = self.layer_norm1(x)
        a = self.self_attn
        split = lambda t: t.view(1, n, self.heads, hd).transpose(1, 2)
        q, k, v = split(a.q_proj(y) * hd ** -0.5), split(a.k_proj(y)), split(a.v_proj(y))
        att = torch.softmax(q @ k.transpose(-1, -2), dim=-1) @ v
        x = x + a.out_proj(att.transpose(1, 2).reshape(1, n, d))
        y = self.mlp.fc1(self.layer_norm2(x))
        return x + self.mlp.fc2(y * torch.sigmoid(1.702 * y))  # quick_gelu


class ClipVision(nn.Module):
    def __init__(self, c: ClipVisionConfig) -> None:
        super().__init__()
        self.embeddings = nn.Module()
        self.embeddings.class_embedding = nn.Parameter(torch.empty(c.hidden_size))
        self.embeddings.patch_embedding = nn.Conv2d(3, c.hidden_size, c.patch_size, c.patch_size, bias=False)
        self.embeddings.position_embedding = nn.Embedding(c.num_patches + 1, c.hidden_size)
        self.pre_layrnorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.encoder = nn.Module()
        self.encoder.layers = nn.ModuleList([ClipLayer(c) for _ in range(c.num_hidden_layers)])
        self.post_layernorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)  # unused by LLaVA, kept for the key set

    def hidden_states(self, pixels: torch.Tensor) -> List[torch.Tensor]:
        e = self.embeddings
        patches = e.patch_embedding(pixels).flatten(2).transpose(1, 2)
        x = torch.cat([e.class_embedding.view(1, 1, -1), patches], dim=1) + e.position_embedding.weight[None]
        states = [self.pre_layrnorm(x)]
        for layer in self.encoder.layers:
            states.append(layer(states[-1]))
        return states


class Phi3Body(nn.Module):
    def __init__(self, cfg: HealthGptConfig, vocab_rows: int) -> None:
        super().__init__()
        c = cfg.llm
        self.embed_tokens = nn.Embedding(vocab_rows, c.hidden_size)
        self.layers = nn.ModuleList([Phi3Layer(c, cfg.hlora) for _ in range(c.num_hidden_layers)])
        self.norm = RmsNorm(c.hidden_size, c.rms_norm_eps)
        self.mm_projector = nn.Sequential(nn.Linear(cfg.vision.hidden_size, c.hidden_size), nn.GELU(), nn.Linear(c.hidden_size, c.hidden_size))


class HealthGptReference(nn.Module):
    """`model.*` and `lm_head` are the LLaVA-Phi-3 names; `vision_model.*` is HF CLIP's."""

    def __init__(self, cfg: HealthGptConfig, vocab_rows: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.model = Phi3Body(cfg, vocab_rows)
        self.lm_head = nn.Linear(cfg.llm.hidden_size, vocab_rows, bias=False)
        self.vision_model = ClipVision(cfg.vision)

    @torch.no_grad()
    def encode_image(self, pixels: torch.Tensor) -> torch.Tensor:
        selected = self.vision_model.hidden_states(pixels)[self.cfg.vision_select_layer]
        return self.model.mm_projector(selected[:, 1:])  # 'patch' drops the CLS token

    def rotary(self, positions: torch.Tensor):
        c = self.cfg.llm
        inv_freq = 1.0 / (c.rope_theta ** (torch.arange(0, c.head_dim, 2, dtype=torch.float32) / c.head_dim))
        angles = positions.float()[:, None] * inv_freq[None]
        angles = torch.cat([angles, angles], dim=-1)
        return angles.cos()[None, None], angles.sin()[None, None]

    @torch.no_grad()
    def step(self, embeds: torch.Tensor, start: int, cache):
        cos, sin = self.rotary(torch.arange(start, start + embeds.shape[1]))
        x, presents = embeds, []
        for i, layer in enumerate(self.model.layers):
            x, present = layer(x, cos, sin, cache[i] if cache else None)
            presents.append(present)
        return self.lm_head(self.model.norm(x[:, -1:]))[0, 0], presents

    @torch.no_grad()
    def generate(self, input_ids: List[int], pixels: Optional[torch.Tensor], steps: int):
        """Greedy decoding for `steps` tokens; returns (tokens, logits per step)."""
        parts = []
        for tid in input_ids:
            if tid == IMAGE_TOKEN_INDEX:
                parts.append(self.encode_image(pixels)[0])
            else:
                parts.append(self.model.embed_tokens.weight[tid][None])
        embeds = torch.cat(parts, dim=0)[None]
        logits, cache = self.step(embeds, 0, None)
        tokens, all_logits, pos = [], [], embeds.shape[1]
        for _ in range(steps):
            token = int(torch.argmax(logits))
            tokens.append(token)
            all_logits.append(logits.clone())
            logits, cache = self.step(self.model.embed_tokens.weight[token][None, None], pos, cache)
            pos += 1
        return tokens, torch.stack(all_logits)
