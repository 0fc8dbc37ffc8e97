"""Step 2a: train the shared backbone and every generation task's adapter together.

Each step picks one task (round robin) and routes the batch through that task's adapter, so the
backbone learns what the tasks share and each adapter what is particular to its task.
Deterministic: fixed seed, fixed step count, one thread.
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import SEED, SR_TASKS, TRANSLATION_TASKS, limit_threads, seed_everything, work_path
from degrade import bicubic_down, bicubic_up, kspace_truncate
from network import CompactBackbone

# Low-resolution crop side for super-resolution (HR crop = this x scale) and the translation crop.
SR_LR_CROP = 24
TRANSLATION_CROP = 48
BATCH = 8
WARMUP = 150
PEAK_LR = 1.5e-3
# Two backbones, one per task family, each with its per-task adapters. With one backbone for all six tasks,
# the translation tasks (large residuals, large losses) pulled the shared body away from what super-resolution
# needs: on training patches both super-resolution tasks ended up worse than bicubic.
FAMILIES = {'superres': list(SR_TASKS), 'translation': list(TRANSLATION_TASKS)}
# Share of a family's training steps per task. The targets are x4 super-resolution and T1->T2.
TASK_WEIGHTS = {
    'superres-x2': 0.3,
    'superres-x4': 0.7,
    'mr-t1-to-t2': 0.4,
    'mr-t2-to-t1': 0.2,
    'mr-t1-to-flair': 0.2,
    'mr-t2-to-flair': 0.2,
}
# Translation is scored by SSIM in the brain: L1 alone blurs texture, so the loss adds (1 - SSIM).
SSIM_LOSS_WEIGHT = 0.5
# Steps per family. The two families train side by side, one thread each (build_all.py), so on a quiet
# 2-core machine both finish in about 40 minutes (about 110 ms per super-resolution step and 125 ms per
# translation step). The bundle of d2f2d11 had 3000 steps each, all a heavily loaded machine allowed; both
# families were still improving then.
STEPS = {'superres': 20000, 'translation': 16000}
# Share of MR patches degraded by k-space truncation (the rest: antialiased bicubic).
KSPACE_SHARE = 0.3
# (space-to-depth in, depth-to-space out) per task: SR runs the body on the LR grid, translation at half resolution.
TASK_LAYOUT = {**{t: (1, s) for t, s in SR_TASKS.items()}, **{t: (2, 2) for t in TRANSLATION_TASKS}}


class PatchSampler:
    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        brain = np.load(work_path('data', 'brain_train.npz'))
        self.brain = {k: brain[k] for k in brain.files}
        dicom = np.load(work_path('data', 'dicom_train.npz'))
        self.ct, self.mprage = dicom['ct'], dicom['mprage']
        self.mr_stack = np.concatenate([self.brain[c] for c in ('t1', 't1c', 't2', 'flair')])

    def _crop(self, images: list[np.ndarray], size: int) -> list[np.ndarray]:
        """One random crop position with some content, with the same flip/rotation for every image."""
        H, W = images[0].shape
        for _ in range(10):
            y, x = self.rng.integers(0, H - size + 1), self.rng.integers(0, W - size + 1)
            crops = [im[y : y + size, x : x + size].astype(np.float32) for im in images]
            if crops[0].mean() > 0.05:
                break
        k, flip = self.rng.integers(0, 4), self.rng.integers(0, 2)
        return [np.ascontiguousarray(np.rot90(np.flip(c, 1) if flip else c, k)) for c in crops]

    def superres(self, scale: int) -> tuple[torch.Tensor, torch.Tensor]:
        hrs, lrs = [], []
        for _ in range(BATCH):
            source = self.rng.choice(3, p=[0.7, 0.15, 0.15])
            stack = [self.mr_stack, self.mprage, self.ct][source]
            hr = torch.from_numpy(self._crop([stack[self.rng.integers(len(stack))]], SR_LR_CROP * scale)[0])[None, None]
            # MR is degraded either way; CT only by bicubic (k-space truncation is an MR acquisition model).
            use_kspace = source != 2 and self.rng.random() < KSPACE_SHARE
            lrs.append(kspace_truncate(hr, scale) if use_kspace else bicubic_down(hr, scale))
            hrs.append(hr)
        return torch.cat(lrs), torch.cat(hrs)

    def translation(self, source: str, target: str) -> tuple[torch.Tensor, torch.Tensor]:
        xs, ys = [], []
        for _ in range(BATCH):
            i = self.rng.integers(len(self.brain[source]))
            x, y = self._crop([self.brain[source][i], self.brain[target][i]], TRANSLATION_CROP)
            xs.append(x)
            ys.append(y)
        return torch.from_numpy(np.stack(xs))[:, None], torch.from_numpy(np.stack(ys))[:, None]


def _gaussian_window(sigma: float = 1.5, radius: int = 5) -> torch.Tensor:
    taps = torch.exp(-(torch.arange(-radius, radius + 1, dtype=torch.float32) ** 2) / (2 * sigma**2))
    taps = taps / taps.sum()
    return (taps[:, None] * taps[None, :])[None, None]


_WINDOW = _gaussian_window()


def ssim_loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """1 - mean SSIM with the evaluation's window (Gaussian, sigma 1.5) and constants (data range 1)."""
    c1, c2 = 0.01**2, 0.03**2
    p = prediction.clamp(0, 1)

    def blur(x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, _WINDOW)

    mu_p, mu_t = blur(p), blur(target)
    var_p, var_t, cov = blur(p * p) - mu_p**2, blur(target * target) - mu_t**2, blur(p * target) - mu_p * mu_t
    ssim = ((2 * mu_p * mu_t + c1) * (2 * cov + c2)) / ((mu_p**2 + mu_t**2 + c1) * (var_p + var_t + c2))
    return 1 - ssim.mean()


def task_loss(model: CompactBackbone, sampler: PatchSampler, task: str) -> torch.Tensor:
    if task in SR_TASKS:
        scale = SR_TASKS[task]
        lr, hr = sampler.superres(scale)
        return F.l1_loss(bicubic_up(lr, scale) + model.residual(lr, task), hr)
    x, y = sampler.translation(*TRANSLATION_TASKS[task])
    prediction = x + model.residual(x, task)
    return F.l1_loss(prediction, y) + SSIM_LOSS_WEIGHT * ssim_loss(prediction, y)


def checkpoint_name(family: str) -> str:
    return f'backbone-{family}.pt'


def train(steps: int, family: str, log_every: int = 100, threads: int = 1) -> None:
    tasks = FAMILIES[family]
    out_name = checkpoint_name(family)
    limit_threads(threads)
    seed_everything(SEED)
    sampler = PatchSampler(np.random.default_rng(SEED))
    model = CompactBackbone({t: TASK_LAYOUT[t] for t in tasks})
    optimiser = torch.optim.Adam(model.parameters(), lr=PEAK_LR)
    # A fixed, seeded task order with the TASK_WEIGHTS shares (not round robin).
    order = np.random.default_rng(SEED + 1).choice(len(tasks), size=steps, p=[TASK_WEIGHTS[t] for t in tasks])
    # Linear warm-up (early Adam steps with a high rate upset the residual path), then cosine decay.
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / WARMUP) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    start, running = time.time(), {t: [] for t in tasks}
    for step in range(steps):
        task = tasks[order[step]]
        loss = task_loss(model, sampler, task)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        running[task].append(loss.item())
        if (step + 1) % log_every == 0:
            summary = ' '.join(f'{t}={np.mean(v[-20:]):.4f}' for t, v in running.items() if v)
            print(f'step {step + 1}/{steps} {time.time() - start:.0f}s {summary}', flush=True)
        if (step + 1) % 250 == 0 or step + 1 == steps:
            # Saved as it goes, so a partial run can be exported while the rest trains.
            torch.save({'state': model.state_dict(), 'tasks': model.tasks, 'steps': step + 1, 'of': steps, 'seconds': time.time() - start, 'stepsPerTask': {t: len(v) for t, v in running.items()}}, work_path('images', out_name))


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, help='default: STEPS for each family')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--family', choices=list(FAMILIES), action='append', help='default: every family, one after the other')
    args = parser.parse_args()
    for family in args.family or list(FAMILIES):
        train(args.steps or STEPS[family], family, threads=args.threads)
