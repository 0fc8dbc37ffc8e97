"""Held-out evaluation of the image graphs (super-resolution, contrast translation) in onnxruntime-node."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from scipy.ndimage import gaussian_filter

from common import CONTRASTS, HELD_OUT_SUBJECT, SR_TASKS, TRANSLATION_TASKS
from degrade import bicubic_down, kspace_truncate
from metrics import image_metrics, mean_metrics
from onnx_runner import run_graphs
from prepare_images import HELD_OUT_STRIDE, subject_slices

# The fixed subset the integration test re-runs: two mid-brain slices (indices into the held-out slices).
SUBSET_SLICES = [12, 16]
SUBSET_CONTRASTS = ['t1', 't2']
DEGRADATIONS = {'bicubic': bicubic_down, 'kspace': kspace_truncate}
# The blur (pixels, Gaussian sigma) of the translation tasks' blurred-target reference: the SSIM window's own width.
BLUR_REFERENCE_SIGMA = 1.5


def held_out(subset: bool) -> dict[str, np.ndarray]:
    data = subject_slices(HELD_OUT_SUBJECT, stride=HELD_OUT_STRIDE)
    if subset:
        data = {k: v[SUBSET_SLICES] for k, v in data.items()}
    data = {k: (v.astype(np.float32) if v.dtype == np.float16 else v) for k, v in data.items()}
    return data


def _score(predictions: np.ndarray, references: np.ndarray, masks: np.ndarray) -> dict:
    brain = [image_metrics(p[0], r[0], m) for p, r, m in zip(predictions, references, masks)]
    full = [image_metrics(p[0], r[0]) for p, r in zip(predictions, references)]
    return {'brain': mean_metrics(brain), 'full': mean_metrics(full)}


def evaluate_superres(graph_dir: Path, data: dict, contrasts: list[str], degradations: list[str], with_baselines: bool) -> dict:
    hr = np.concatenate([data[c] for c in contrasts])[:, None]
    masks = np.concatenate([data['mask'] for _ in contrasts])
    results = {}
    for task, scale in SR_TASKS.items():
        results[task] = {}
        for name in degradations:
            lr = DEGRADATIONS[name](torch.from_numpy(hr), scale).numpy().astype(np.float32)
            graphs = {'int8': graph_dir / f'{task}.int8.onnx'}
            if with_baselines:
                graphs.update({'fp32': graph_dir / f'{task}.fp32.onnx', 'bicubic': graph_dir / f'bicubic-x{scale}.onnx'})
            outputs, _ = run_graphs([{'graph': g, 'inputs': {'image': lr}, 'outputs': ['upscaled']} for g in graphs.values()])
            scores = {kind: _score(out['upscaled'], hr, masks) for kind, out in zip(graphs, outputs)}
            entry = {'slices': int(len(hr)), 'contrasts': contrasts, 'model': scores['int8']}
            if with_baselines:
                entry['bicubicBaseline'] = scores['bicubic']
                entry['fp32'] = scores['fp32']
                entry['gainOverBicubicDb'] = {r: scores['int8'][r]['psnr'] - scores['bicubic'][r]['psnr'] for r in ('brain', 'full')}
                entry['int8PsnrCostDb'] = {r: scores['fp32'][r]['psnr'] - scores['int8'][r]['psnr'] for r in ('brain', 'full')}
                n = len(data['mask'])
                entry['perContrastBrainPsnr'] = {
                    c: {k: _score(out['upscaled'][i * n : (i + 1) * n], hr[i * n : (i + 1) * n], data['mask'])['brain']['psnr'] for k, out in zip(graphs, outputs)}
                    for i, c in enumerate(contrasts)
                }
            results[task][name] = entry
    return results


def evaluate_translation(graph_dir: Path, data: dict, with_fp32: bool) -> dict:
    results = {}
    for task, (source, target) in TRANSLATION_TASKS.items():
        x, y = data[source][:, None], data[target][:, None]
        graphs = {'int8': graph_dir / f'{task}.int8.onnx'}
        if with_fp32:
            graphs['fp32'] = graph_dir / f'{task}.fp32.onnx'
        outputs, _ = run_graphs([{'graph': g, 'inputs': {'image': x}, 'outputs': ['translated']} for g in graphs.values()])
        scores = {kind: _score(out['translated'], y, data['mask']) for kind, out in zip(graphs, outputs)}
        entry = {
            'slices': int(len(x)), 'source': source, 'target': target, 'model': scores['int8'], 'identityBaseline': _score(x, y, data['mask']),
            # A scale for the brain SSIM: the true target itself, only blurred, scores this against the target.
            'blurredTargetReference': {'sigmaPixels': BLUR_REFERENCE_SIGMA, **_score(gaussian_filter(y, sigma=(0, 0, BLUR_REFERENCE_SIGMA, BLUR_REFERENCE_SIGMA)), y, data['mask'])},
        }
        if with_fp32:
            entry['fp32'] = scores['fp32']
            entry['int8PsnrCostDb'] = {r: scores['fp32'][r]['psnr'] - scores['int8'][r]['psnr'] for r in ('brain', 'full')}
        results[task] = entry
    return results
