"""Paths, seeds and the image conventions shared by every step of the model pipeline.

The preprocessing here is the contract with the runtime: the manifest describes it and the
TypeScript runtime re-implements it, so it is kept to what the manifest schema can state.
"""
from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get('RADSTATION_MODEL_WORK', ROOT / 'build' / 'model' / '.work'))
DATA = Path(os.environ.get('RADSTATION_SHARED_DATA', ROOT.parent / 'shared' / 'data'))
BUNDLE_ID = 'radstation-compact'
BUNDLE_DIR = ROOT / 'models' / BUNDLE_ID

SEED = 20261122
# Per-image percentile normalisation (MR, and CT for super-resolution): robust to the
# arbitrary scale of MR intensities and to the few very bright voxels.
PERCENTILES = (0.5, 99.5)
# HU window for CT inputs/outputs of the paired CT<->MR pipeline: air to dense bone.
CT_WINDOW = {'center': 500.0, 'width': 3000.0}

BRAIN_SUBJECTS = ['aurora-01', 'tcga-du-7294', 'tcga-fg-6692-bet', 'brats-gli-00001']
HELD_OUT_SUBJECT = 'brats-gli-00001'
CONTRASTS = ['t1', 't1c', 't2', 'flair']
# Generation tasks that share the backbone, each routed to its own low-rank adapter.
SR_TASKS = {'superres-x2': 2, 'superres-x4': 4}
TRANSLATION_TASKS = {
    'mr-t1-to-t2': ('t1', 't2'),
    'mr-t2-to-t1': ('t2', 't1'),
    'mr-t1-to-flair': ('t1', 'flair'),
    'mr-t2-to-flair': ('t2', 'flair'),
}
PAIRED_TASKS = {'ct-to-mr': ('ct', 'mr'), 'mr-to-ct': ('mr', 'ct')}
IMAGE_TASKS = list(SR_TASKS) + list(TRANSLATION_TASKS)


def seed_everything(seed: int = SEED) -> None:
    random.seed(seed)
    np.random.seed(seed)
    import torch

    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def limit_threads(n: int = 1) -> None:
    """The build machine is shared: never take more than the cores we were given."""
    import torch

    torch.set_num_threads(n)
    torch.set_num_interop_threads(1)


def percentile_normalize(image: np.ndarray, low: float = PERCENTILES[0], high: float = PERCENTILES[1]) -> np.ndarray:
    """Clip to the image's own percentiles and scale to [0, 1], as the manifest's 'percentile' does."""
    lo, hi = np.percentile(image, [low, high])
    if hi <= lo:
        return np.zeros_like(image, dtype=np.float32)
    return ((np.clip(image, lo, hi) - lo) / (hi - lo)).astype(np.float32)


def hu_window_normalize(hu: np.ndarray, center: float = CT_WINDOW['center'], width: float = CT_WINDOW['width']) -> np.ndarray:
    lo = center - width / 2
    return ((np.clip(hu, lo, lo + width) - lo) / width).astype(np.float32)


def work_path(*parts: str) -> Path:
    path = WORK.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + '\n')


def read_json(path: Path):
    return json.loads(Path(path).read_text())
