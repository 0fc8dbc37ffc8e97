"""How the random test checkpoints draw each weight from a standard normal sample, by key name: the same
rule for the tiny model and the full-size one, so both have the same gains per layer. Works on torch
tensors and numpy arrays alike."""
from __future__ import annotations


def initial_values(name: str, normal, hlora_scaling: float):
    shape = normal.shape
    if 'norm' in name and name.endswith('weight'):
        return 1.0 + 0.1 * normal
    if 'embed_tokens' in name or 'class_embedding' in name or 'position_embedding' in name:
        return 0.5 * normal
    if 'lora_B' in name:
        # Trained H-LoRA updates are small next to the base weights (B starts at zero); dividing by the
        # scaling keeps the adapter's share realistic instead of multiplying every layer's gain by it.
        return normal / (shape[-1] ** 0.5) / hlora_scaling
    return normal / (shape[-1] ** 0.5 if len(shape) > 1 else 10.0)
