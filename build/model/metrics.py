"""Image fidelity metrics on [0, 1] images: MSE, PSNR and SSIM, over the full slice or a mask."""
from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter

DATA_RANGE = 1.0
_C1, _C2 = (0.01 * DATA_RANGE) ** 2, (0.03 * DATA_RANGE) ** 2


def ssim_map(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Wang et al. 2004 SSIM with the usual 11-tap Gaussian window (sigma 1.5)."""
    a, b = a.astype(np.float64), b.astype(np.float64)

    def blur(x: np.ndarray) -> np.ndarray:
        return gaussian_filter(x, sigma=1.5, truncate=3.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a, var_b, cov = blur(a * a) - mu_a**2, blur(b * b) - mu_b**2, blur(a * b) - mu_a * mu_b
    return ((2 * mu_a * mu_b + _C1) * (2 * cov + _C2)) / ((mu_a**2 + mu_b**2 + _C1) * (var_a + var_b + _C2))


def image_metrics(prediction: np.ndarray, reference: np.ndarray, mask: np.ndarray | None = None) -> dict[str, float]:
    """Both images are clipped to [0, 1] (the normalised range the runtime maps back) before scoring."""
    p, r = np.clip(prediction, 0, 1), np.clip(reference, 0, 1)
    region = np.ones_like(r, dtype=bool) if mask is None else mask.astype(bool)
    mse = float(np.mean((p[region] - r[region]) ** 2))
    psnr = float(10 * np.log10(DATA_RANGE**2 / max(mse, 1e-12)))
    ssim = float(np.mean(ssim_map(p, r)[region]))
    return {'psnr': psnr, 'ssim': ssim, 'mse': mse}


def mean_metrics(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]} if rows else {}
