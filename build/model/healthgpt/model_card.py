"""The MODEL_CARD.md written into each converted bundle: where the weights come from, how they were
converted, and what the model is not for."""
from __future__ import annotations

import datetime

from arch_config import HealthGptConfig


def model_card(cfg: HealthGptConfig, precision: str, accuracy_level: int, sources: dict) -> str:
    c, v, h = cfg.llm, cfg.vision, cfg.hlora
    quant = ('fp32 throughout (parity bundle)' if precision == 'fp32' else
             f'base linears int4 (MatMulNBits, blocks of 32, asymmetric, accuracy_level {accuracy_level}); lm_head 8-bit blocks; '
             'embeddings int8 per row; H-LoRA, routers, norms, vision tower and projector fp32')
    return f"""# HealthGPT-M3 (comprehension), Radstation bundle

**AI-generated answers, not for diagnosis.** HealthGPT can be wrong, and confidently so.

## What it is
HealthGPT (Lin et al., "HealthGPT: A Medical Large Vision-Language Model for Unifying Comprehension and
Generation via Heterogeneous Knowledge Adaptation", ICML 2025, arXiv:2502.09838) answers free-text questions
about a medical image. This bundle holds its comprehension path only; image generation is not included.

## Sources
- LLM: {sources['phi3']} (Phi-3-mini-4k-instruct, MIT licence)
- Vision: {sources['clip']} (CLIP ViT-L/14-336, MIT licence)
- H-LoRA and projector: {sources['hlora']} (HealthGPT-M3, see its model card for terms and training data)

## Architecture as converted
- Phi-3: {c.num_hidden_layers} layers, hidden {c.hidden_size}, {c.num_attention_heads} heads of {c.head_dim}, MLP {c.intermediate_size}, RoPE theta {c.rope_theta}, {c.max_position_embeddings} positions (the config's 2047-token sliding window is not applied, as in the eager and SDPA attention of the transformers 4.41 HealthGPT runs on).
- H-LoRA on qkv_proj, o_proj, gate_up_proj and down_proj: rank {h.r}, alpha {h.alpha}, {h.experts} experts, per-token softmax router, scaling {h.scaling:g}; kept separate from the base weights because the router depends on the input.
- CLIP: {v.num_hidden_layers} layers, hidden {v.hidden_size}, {v.image_size} px in patches of {v.patch_size}; hidden state {cfg.vision_select_layer} ({cfg.vision_layers_run} layers run), CLS dropped, {v.num_patches} image tokens through the mlp2x_gelu projector.
- Vocabulary: Phi-3's tokenizer plus HealthGPT's {cfg.vq_idx_nums + 3} added tokens; new embedding rows are the mean of the old ones, as HealthGPT initialises them.
- Precision: {quant}.

## Use
Radstation's Report Q&A panel and `radstation ask` pad the displayed slice to a square with CLIP's mean colour,
resize it to {v.image_size}×{v.image_size} (bicubic), put the question in HealthGPT's phi3_instruct prompt and decode greedily.

Converted {datetime.date.today().isoformat()} by build/model/healthgpt/convert.py.
"""
