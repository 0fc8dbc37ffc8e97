"""Bicubic upsampling by an integer factor, written as one fixed convolution and a depth-to-space.

It computes what F.interpolate(mode='bicubic', align_corners=False) and ONNX Resize (cubic,
a = -0.75, half-pixel centres, edge samples clamped) compute. Why a convolution: onnxruntime's CPU
Resize took about a third of the x4 super-resolution graph's time (8 of 26 ms at 60x60 in), while
this convolution has 16 outputs of 25 taps per input pixel.

Output pixel s*i + p (phase p) samples the input at i + (p + 0.5)/s - 0.5, so its four taps lie
within i-2 .. i+2 for every phase: one 5x5 window, edge-padded by 2, serves all s*s phases.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

CUBIC_A = -0.75
WINDOW = 5
HALF_WINDOW = WINDOW // 2


def cubic_weight(distance: float, a: float = CUBIC_A) -> float:
    d = abs(distance)
    if d <= 1:
        return (a + 2) * d ** 3 - (a + 3) * d ** 2 + 1
    if d < 2:
        return a * d ** 3 - 5 * a * d ** 2 + 8 * a * d - 4 * a
    return 0.0


def phase_taps(scale: int) -> np.ndarray:
    """(scale, WINDOW): the weight of input offsets -2..2 for each output phase along one axis."""
    taps = np.zeros((scale, WINDOW), dtype=np.float64)
    for phase in range(scale):
        position = (phase + 0.5) / scale - 0.5
        base = math.floor(position)
        for k in range(base - 1, base + 3):
            taps[phase, k + HALF_WINDOW] = cubic_weight(position - k)
    return taps


class BicubicUpsample(nn.Module):
    def __init__(self, scale: int):
        super().__init__()
        self.scale = scale
        taps = phase_taps(scale)
        # Output channel py * scale + px is the (py, px) phase, the order depth-to-space expects.
        kernel = np.einsum('pi,qj->pqij', taps, taps).reshape(scale * scale, 1, WINDOW, WINDOW)
        self.register_buffer('kernel', torch.from_numpy(kernel.astype(np.float32)))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        padded = F.pad(image, (HALF_WINDOW,) * 4, mode='replicate')
        return F.pixel_shuffle(F.conv2d(padded, self.kernel), self.scale)
