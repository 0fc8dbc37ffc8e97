"""Realistic low-resolution inputs for super-resolution: bicubic downsampling and MR k-space truncation."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def bicubic_down(hr: torch.Tensor, scale: int) -> torch.Tensor:
    # Antialiased, as a scanner's or viewer's downsampling would be; plain decimation aliases.
    h, w = hr.shape[-2] // scale, hr.shape[-1] // scale
    return F.interpolate(hr, size=(h, w), mode='bicubic', align_corners=False, antialias=True)


def kspace_truncate(hr: torch.Tensor, scale: int) -> torch.Tensor:
    """Keep the central 1/scale of k-space along each axis: what a lower-resolution MR acquisition measures."""
    H, W = hr.shape[-2:]
    h, w = H // scale, W // scale
    spectrum = torch.fft.fftshift(torch.fft.fft2(hr), dim=(-2, -1))
    top, left = (H - h) // 2, (W - w) // 2
    cropped = torch.fft.ifftshift(spectrum[..., top : top + h, left : left + w], dim=(-2, -1))
    # Rescale so intensities keep their meaning (the DC term becomes the mean again).
    return torch.fft.ifft2(cropped).abs() * (h * w) / (H * W)


def bicubic_up(lr: torch.Tensor, scale: int) -> torch.Tensor:
    """The baseline: what the exported graphs' bicubic skip (bicubic.BicubicUpsample) computes."""
    return F.interpolate(lr, scale_factor=float(scale), mode='bicubic', align_corners=False)
