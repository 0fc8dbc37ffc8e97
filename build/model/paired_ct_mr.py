"""CT<->MR from paired volumes in the SynthRAD layout: <pairs>/<case>/ct.nii.gz and mr.nii.gz.

No paired CT/MR data is public here, so the shipped bundle lists ct-to-mr and mr-to-ct as
needs-model; this script is the path for whoever has such data. It trains the same backbone
with one adapter per direction, then exports and quantises exactly like the shipped tasks.

  /usr/bin/python3 build/model/paired_ct_mr.py --pairs DIR --out DIR [--steps 3000]
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F

from common import PAIRED_TASKS, SEED, hu_window_normalize, limit_threads, percentile_normalize, seed_everything
from export_onnx import export_image_tasks
from network import CompactBackbone
from quantize_int8 import quantize_model

LAYOUT = {t: (2, 2) for t in PAIRED_TASKS}


def load_pairs(folder: Path) -> dict[str, np.ndarray]:
    """Axial slices of every case (CT in the HU window, MR per-slice percentiles), cropped to even sizes."""
    ct_slices, mr_slices = [], []
    for case in sorted(p for p in folder.iterdir() if (p / 'ct.nii.gz').exists() and (p / 'mr.nii.gz').exists()):
        ct = np.asarray(nib.load(str(case / 'ct.nii.gz')).dataobj, dtype=np.float32)
        mr = np.asarray(nib.load(str(case / 'mr.nii.gz')).dataobj, dtype=np.float32)
        if ct.shape != mr.shape:
            raise ValueError(f'{case.name}: CT {ct.shape} and MR {mr.shape} are not co-registered on one grid')
        h, w = ct.shape[0] // 2 * 2, ct.shape[1] // 2 * 2
        for z in range(ct.shape[2]):
            ct_slices.append(hu_window_normalize(ct[:h, :w, z].T))
            mr_slices.append(percentile_normalize(mr[:h, :w, z].T))
    if not ct_slices:
        raise ValueError(f'no <case>/ct.nii.gz + mr.nii.gz pairs in {folder}')
    return {'ct': np.stack(ct_slices), 'mr': np.stack(mr_slices)}


def train_paired(pairs: dict[str, np.ndarray], steps: int, crop: int = 64, batch: int = 8) -> tuple[CompactBackbone, dict]:
    limit_threads(1)
    seed_everything(SEED)
    rng = np.random.default_rng(SEED)
    model = CompactBackbone(LAYOUT)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    n, H, W = pairs['ct'].shape
    size = min(crop, H, W) // 2 * 2
    losses = {t: [] for t in PAIRED_TASKS}
    for step in range(steps):
        task = list(PAIRED_TASKS)[step % len(PAIRED_TASKS)]
        source, target = PAIRED_TASKS[task]
        idx = rng.integers(n, size=batch)
        ys, xs = rng.integers(0, H - size + 1, size=batch), rng.integers(0, W - size + 1, size=batch)
        x = torch.from_numpy(np.stack([pairs[source][i, y : y + size, c : c + size] for i, y, c in zip(idx, ys, xs)]))[:, None]
        t = torch.from_numpy(np.stack([pairs[target][i, y : y + size, c : c + size] for i, y, c in zip(idx, ys, xs)]))[:, None]
        loss = F.l1_loss(x + model.residual(x, task), t)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        losses[task].append(loss.item())
    return model.eval(), {t: {'first': v[0], 'last': v[-1]} for t, v in losses.items() if v}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--pairs', type=Path, required=True)
    parser.add_argument('--out', type=Path, required=True)
    parser.add_argument('--steps', type=int, default=3000)
    args = parser.parse_args()
    pairs = load_pairs(args.pairs)
    model, losses = train_paired(pairs, args.steps)
    args.out.mkdir(parents=True, exist_ok=True)
    checkpoint = args.out / 'ct-mr-backbone.pt'
    torch.save({'state': model.state_dict(), 'tasks': LAYOUT, 'steps': args.steps}, checkpoint)
    graphs = export_image_tasks(checkpoint, args.out, {t: 1 for t in PAIRED_TASKS})
    report = {'slices': int(len(pairs['ct'])), 'steps': args.steps, 'losses': losses, 'graphs': {}}
    for task, fp32 in graphs.items():
        int8 = fp32.with_name(f'{task}.int8.onnx')
        report['graphs'][task] = {'fp32': str(fp32), 'int8': str(int8), **quantize_model(fp32, int8)}
    (args.out / 'report.json').write_text(json.dumps(report, indent=2))
    print(json.dumps(report))


if __name__ == '__main__':
    main()
