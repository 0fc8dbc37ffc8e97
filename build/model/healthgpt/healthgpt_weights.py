"""Assembles HealthGPT's comprehension weights from the official files, as HealthGPT's demo does:
base Phi-3 (HF layout), H-LoRA + projector from com_hlora_weights.bin (PEFT-prefixed keys), the
token embeddings resized for the 8195 added tokens, and HF CLIP's vision tower.
"""
from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

import numpy as np

from checkpoint import WeightStore

_LORA_KEY = re.compile(r'layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)\.(lora_A|lora_B|lora_route)\.weight$')
_PROJECTOR_KEY = re.compile(r'mm_projector\.(\d+)\.(weight|bias)$')
_VISION_KEY = re.compile(r'(vision_model\..+)$')


class HealthGptWeights:
    def __init__(self, phi3_dir: str, clip_dir: str, hlora_path: str, tokenizer_length: int, added_tokens: int) -> None:
        self.llm = WeightStore(phi3_dir)
        self.clip = WeightStore(clip_dir, keep=lambda key: key.startswith('vision_model.'))
        adapter = WeightStore(hlora_path)
        # Detected, not assumed: HealthGPT saves bf16, a re-saved file may hold fp16 or fp32 (all widen exactly).
        self.adapter_dtypes = adapter.stored_dtypes()
        self.lora: Dict[Tuple[int, str, str], np.ndarray] = {}
        self.projector: Dict[str, np.ndarray] = {}
        self.overrides: Dict[str, np.ndarray] = {}
        self.unused_adapter_keys = []
        for key in adapter.keys():
            lora, proj, vision = _LORA_KEY.search(key), _PROJECTOR_KEY.search(key), _VISION_KEY.search(key)
            if lora:
                self.lora[(int(lora.group(1)), lora.group(2), lora.group(3))] = adapter.get(key)
            elif proj:
                self.projector[f'{proj.group(1)}.{proj.group(2)}'] = adapter.get(key)
            elif key.endswith('embed_tokens.weight'):
                self.overrides['model.embed_tokens.weight'] = adapter.get(key)
            elif key.endswith('lm_head.weight'):
                self.overrides['lm_head.weight'] = adapter.get(key)
            elif vision:
                # A fine-tuned vision tower inside the adapter file replaces the stock CLIP tensor.
                self.overrides[vision.group(1)] = adapter.get(key)
            else:
                self.unused_adapter_keys.append(key)
        if not self.lora:
            raise ValueError(f'{hlora_path}: no H-LoRA keys (…layers.N.<proj>.lora_A/lora_B/lora_route.weight) found')
        if set(self.projector) != {'0.weight', '0.bias', '2.weight', '2.bias'}:
            raise ValueError(f'{hlora_path}: the mlp2x_gelu projector (mm_projector.0/.2) is missing or incomplete: {sorted(self.projector)}')
        self.tokenizer_length = tokenizer_length
        self.added_tokens = added_tokens

    def llm_weight(self, key: str) -> np.ndarray:
        return self.llm.get(key)

    def lora_weights(self, layer: int, target: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        try:
            return tuple(self.lora[(layer, target, part)] for part in ('lora_A', 'lora_B', 'lora_route'))  # type: ignore[return-value]
        except KeyError as missing:
            raise KeyError(f'H-LoRA weights for layer {layer} {target} are missing: {missing}') from None

    def resized_vocab_matrix(self, key: str) -> np.ndarray:
        """HealthGPT resizes embed_tokens and lm_head to len(tokenizer) after adding its tokens and sets
        every new row to the mean of the rows before them. Phi-3's checkpoint has padding rows beyond its
        tokenizer (32064 > 32011); the resize drops them, which this reproduces."""
        if key in self.overrides:
            return self.overrides[key]
        base = self.llm.get(key)
        kept = base[: self.tokenizer_length]
        mean = kept.mean(axis=0, keepdims=True, dtype=np.float64).astype(np.float32)
        return np.concatenate([kept, np.repeat(mean, self.added_tokens, axis=0)], axis=0)

    def vision_weight(self, key: str) -> np.ndarray:
        return self.overrides[key] if key in self.overrides else self.clip.get(key)

    def projector_weight(self, name: str) -> np.ndarray:
        return self.projector[name]

    def optional_llm(self, key: str) -> Optional[np.ndarray]:
        return self.llm.get(key) if key in self.llm else None
