"""Super-resolution trained on every kind of image at hand (sr_sources.py), judged on whole held-out series.

Each batch mixes the kinds (skull-stripped MR, MR with skull, CT, radiology JPEGs). Every high-resolution crop
is first brought to a random pixel size (several resolutions), given a random noise level (Rician for MR,
Gaussian otherwise; the target keeps its noise, as a real image does), then degraded by antialiased bicubic
downsampling or, for MR, by k-space truncation. The network predicts a residual over bicubic upsampling.

The run is bounded by a wall-clock deadline (the build machine is shared and slow): the learning rate follows a
cosine over the time budget, and the checkpoint kept is the one with the best score on the validation series
(sr_sources.VALIDATION_SERIES), never on the test series.

    /usr/bin/python3 build/model/train_superres.py (--minutes 60 | --until UNIX_TIME) [--threads 2]
"""
from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import BUNDLE_DIR, SEED, SR_TASKS, limit_threads, seed_everything, work_path
from degrade import bicubic_down, bicubic_up, kspace_truncate
from network import CompactBackbone, MergedTaskNet
from sr_sources import KINDS, crop4, training_sources, validation_series

LR_CROP = 24
BATCH = 8
WARMUP = 150
PEAK_LR = 1.5e-3
KIND_WEIGHTS = {'mr-skull-stripped': 0.3, 'mr-with-skull': 0.25, 'ct': 0.15, 'radiology-jpeg': 0.3}
TASK_WEIGHTS = {'superres-x2': 0.45, 'superres-x4': 0.55}
RESCALE_SHARE, MAX_RESCALE = 0.5, 2.0
NOISE_SHARE, MAX_NOISE_SIGMA = 0.5, 0.04
KSPACE_SHARE = 0.35
VALIDATE_EVERY = 500
CHECKPOINT = 'superres-finetuned.pt'
FINE_TUNE_LR = 3e-4


class MixedSampler:
    def __init__(self, sources: dict[str, list[np.ndarray]], rng: np.random.Generator):
        self.sources = {k: v for k, v in sources.items() if v}
        self.kinds = [k for k in KINDS if k in self.sources]
        weights = np.array([KIND_WEIGHTS[k] for k in self.kinds])
        self.kind_p = weights / weights.sum()
        self.rng = rng

    def _crop(self, image: np.ndarray, hr: int) -> np.ndarray:
        """A crop of side hr at a random pixel size, with content, randomly flipped and rotated."""
        scale = 1.0 if self.rng.random() > RESCALE_SHARE else float(self.rng.uniform(1.0, MAX_RESCALE))
        side = min(int(math.ceil(hr * scale)), *image.shape)
        H, W = image.shape
        for _ in range(10):
            y, x = self.rng.integers(0, H - side + 1), self.rng.integers(0, W - side + 1)
            crop = image[y : y + side, x : x + side].astype(np.float32)
            if crop.mean() > 0.05:
                break
        tensor = torch.from_numpy(crop)[None, None]
        if side != hr:
            tensor = F.interpolate(tensor, size=(hr, hr), mode='bicubic', align_corners=False, antialias=True).clamp(0, 1)
        k, flip = int(self.rng.integers(0, 4)), bool(self.rng.integers(0, 2))
        tensor = torch.rot90(tensor.flip(-1) if flip else tensor, k, dims=(-2, -1))
        return tensor

    def _noisy(self, hr: torch.Tensor, kind: str) -> torch.Tensor:
        if self.rng.random() > NOISE_SHARE:
            return hr
        sigma = float(self.rng.uniform(0.003, MAX_NOISE_SIGMA))
        g1 = torch.from_numpy(self.rng.standard_normal(hr.shape).astype(np.float32)) * sigma
        if kind.startswith('mr'):
            g2 = torch.from_numpy(self.rng.standard_normal(hr.shape).astype(np.float32)) * sigma
            return torch.sqrt((hr + g1) ** 2 + g2**2).clamp(0, 1)
        return (hr + g1).clamp(0, 1)

    def batch(self, scale: int) -> tuple[torch.Tensor, torch.Tensor]:
        lrs, hrs = [], []
        for _ in range(BATCH):
            kind = self.kinds[self.rng.choice(len(self.kinds), p=self.kind_p)]
            slices = self.sources[kind]
            hr = self._noisy(self._crop(slices[self.rng.integers(len(slices))], LR_CROP * scale), kind)
            use_kspace = kind.startswith('mr') and self.rng.random() < KSPACE_SHARE
            lrs.append(kspace_truncate(hr, scale) if use_kspace else bicubic_down(hr, scale))
            hrs.append(hr)
        return torch.cat(lrs), torch.cat(hrs)


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    mse = float(torch.mean((a.clamp(0, 1) - b.clamp(0, 1)) ** 2))
    return 10 * math.log10(1 / max(mse, 1e-12))


@torch.no_grad()
def validate(nets: dict[str, MergedTaskNet], series: dict[str, list[np.ndarray]]) -> dict[str, float]:
    """Mean PSNR gain over bicubic per (series, task), antialiased bicubic degradation, as the test protocol."""
    for net in nets.values():
        net.eval()
    gains = {}
    for name, slices in series.items():
        for task, scale in SR_TASKS.items():
            per_slice = []
            for image in slices:
                hr = torch.from_numpy(crop4(image).astype(np.float32))[None, None]
                lr = bicubic_down(hr, scale)
                bicubic = bicubic_up(lr, scale)
                per_slice.append(psnr(nets[task](lr), hr) - psnr(bicubic, hr))
            gains[f'{name} {task}'] = float(np.mean(per_slice))
    for net in nets.values():
        net.train()
    return gains


def selection_score(gains: dict[str, float]) -> float:
    """Mean gain, each capped at 2 dB (an easy series, such as a scanner-interpolated one, must not dominate), with
    losses counted three times over: a model that loses on one kind is not preferred."""
    values = np.minimum(np.array(list(gains.values())), 2.0)
    return float(values.mean() + 2 * np.minimum(values, 0).mean())


def bundle_net(task: str, scale: int) -> MergedTaskNet:
    """The shipped int8 graph's weights, dequantised into the same fp32 network it was exported from."""
    import onnx
    from onnx import numpy_helper

    net = MergedTaskNet(CompactBackbone({task: (1, scale)}), task, scale)
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(BUNDLE_DIR / f'{task}.int8.onnx')).graph.initializer}
    state = {}
    for name, tensor in net.state_dict().items():
        if name.endswith('.weight') and f'{name}_int8' in inits:
            scale_ = inits[f'{name}_scale'].reshape(-1, *[1] * (tensor.dim() - 1))
            state[name] = torch.from_numpy((inits[f'{name}_int8'].astype(np.float32) * scale_).astype(np.float32))
        elif name.endswith('.bias') and f'{name}_int32' in inits:
            state[name] = torch.from_numpy((inits[f'{name}_int32'].astype(np.float64) * inits[f'{name}_scale']).astype(np.float32))
        else:
            state[name] = tensor
    net.load_state_dict(state)
    return net


def train(minutes: float | None, until: float | None, threads: int, from_bundle: bool) -> None:
    limit_threads(threads)
    seed_everything(SEED)
    started = time.time()
    # Starting from the shipped graphs: on this shared 2-core machine a run from scratch gets too few steps.
    nets = {t: bundle_net(t, s) if from_bundle else MergedTaskNet(CompactBackbone({t: (1, s)}), t, s) for t, s in SR_TASKS.items()}
    series = validation_series()
    initial = validate(nets, series)
    print(json.dumps({'step': 0, 'score': round(selection_score(initial), 4), 'gains': initial}), flush=True)
    sampler = MixedSampler(training_sources(), np.random.default_rng(SEED))
    counts = {k: len(v) for k, v in sampler.sources.items()}
    print(f'data loaded in {time.time() - started:.0f}s: {counts}', flush=True)
    tasks = list(SR_TASKS)
    peak = FINE_TUNE_LR if from_bundle else PEAK_LR
    optimisers = {t: torch.optim.Adam(nets[t].parameters(), lr=peak) for t in tasks}
    budget = minutes * 60 if minutes is not None else until - time.time()
    start = time.time()
    task_rng = np.random.default_rng(SEED + 1)
    best, history, step = -math.inf, [{'step': 0, 'score': selection_score(initial), 'gains': initial}], 0
    for net in nets.values():
        net.train()
    while time.time() - start < budget:
        fraction = min(1.0, (time.time() - start) / budget)
        task = tasks[task_rng.choice(len(tasks), p=[TASK_WEIGHTS[t] for t in tasks])]
        optimiser = optimisers[task]
        for group in optimiser.param_groups:
            group['lr'] = peak * min(1.0, (step + 1) / WARMUP) * 0.5 * (1 + math.cos(math.pi * fraction))
        lr, hr = sampler.batch(SR_TASKS[task])
        loss = F.l1_loss(nets[task](lr), hr)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(nets[task].parameters(), 1.0)
        optimiser.step()
        step += 1
        if step % 50 == 0:
            print(f'step {step} {time.time() - start:.0f}s {task} loss={loss.item():.4f}', flush=True)
        if step % VALIDATE_EVERY == 0 or time.time() - start >= budget:
            gains = validate(nets, series)
            score = selection_score(gains)
            history.append({'step': step, 'seconds': round(time.time() - start), 'score': round(score, 4), 'gains': {k: round(v, 3) for k, v in gains.items()}})
            print(json.dumps(history[-1]), flush=True)
            saved = {'nets': {t: n.state_dict() for t, n in nets.items()}, 'steps': step, 'seconds': time.time() - start, 'validation': history[-1], 'sources': counts, 'fromBundle': from_bundle}
            torch.save(saved, work_path('images', 'superres-last.pt'))
            if score > best:
                best = score
                torch.save(saved, work_path('images', CHECKPOINT))
    work_path('images', 'superres-training.json').write_text(json.dumps({'history': history, 'steps': step, 'sources': counts, 'fromBundle': from_bundle}, indent=1))


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--minutes', type=float, help='training time budget after loading the data')
    parser.add_argument('--until', type=float, help='or: stop training at this Unix time')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--from-scratch', action='store_true', help='default: fine-tune the bundle\'s graphs')
    args = parser.parse_args()
    if (args.minutes is None) == (args.until is None):
        parser.error('give exactly one of --minutes and --until')
    train(args.minutes, args.until, args.threads, not args.from_scratch)
