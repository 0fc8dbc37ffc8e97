"""Super-resolution against bicubic on whole series that no super-resolution training ever saw (issue 15's test).

Held-out series, one per kind of input (none of them is read by train_superres.py; see sr_sources.py):
- 'ct': the GE head CT (512x512; no GE CT, and no image of this series, is in training);
- 'mr-with-skull': the Siemens T1 MPRAGE (256x256 sagittal; no Siemens MPRAGE is in training);
- 'mr-skull-stripped': the held-out BraTS subject (four contrasts, axial).
Colin27 joins 'mr-with-skull' when mricron-data is installed and was not used in training (then it is a training source,
so it is left out here).

Protocol (as issue 15 and eval_real_superres.py): each slice scaled by its own 0.5/99.5 percentiles to [0, 1],
cropped to a multiple of 4; low resolution by antialiased bicubic downsampling (with --kspace, MR also by k-space
truncation, reported apart); the int8 graph in onnxruntime-node and bicubic upsampling scored against the original; PSNR averaged
over slices, over the whole slice and over the head.

    /usr/bin/python3 build/model/eval_heldout_superres.py [--graphs DIR] [--label NAME] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import nibabel as nib
import numpy as np
import pydicom
import torch

from common import BUNDLE_DIR, DATA, HELD_OUT_SUBJECT, SR_TASKS, percentile_normalize
from degrade import bicubic_down, bicubic_up, kspace_truncate
from eval_real_superres import MIN_HEAD_SHARE, head_mask
from metrics import image_metrics
from onnx_runner import run_graphs
from sr_sources import crop4

# Every n-th slice: the whole extent of each series, at an evaluation cost this machine can afford.
MPRAGE_STRIDE, CT_STRIDE, BRATS_STRIDE = 4, 1, 8


def _dicom_folder(folder: Path, stride: int) -> list[np.ndarray]:
    out = []
    for path in sorted(folder.iterdir())[::stride]:
        ds = pydicom.dcmread(str(path))
        out.append(ds.pixel_array.astype(np.float32) * float(ds.get('RescaleSlope', 1)) + float(ds.get('RescaleIntercept', 0)))
    return out


def _brats_held_out() -> list[np.ndarray]:
    folder = DATA / 'volumes' / 'brain-multicontrast' / HELD_OUT_SUBJECT
    out = []
    for contrast in ('t1', 't1c', 't2', 'flair'):
        volume = np.asarray(nib.load(str(folder / f'{contrast}.nii.gz')).dataobj, dtype=np.float32)
        out += [volume[:, :, z].T for z in range(0, volume.shape[2], BRATS_STRIDE)]
    return out


TEST_SERIES = {
    'ge-head-ct': {'kind': 'ct', 'what': 'GE head CT, 512x512, gantry tilt, every slice with enough head',
                   'load': lambda: _dicom_folder(DATA / 'dicom' / 'series' / 'ct-head-ge-tilted', CT_STRIDE)},
    'siemens-mprage': {'kind': 'mr-with-skull', 'what': f'Siemens Trio T1 MPRAGE with skull, 256x256 sagittal, every {MPRAGE_STRIDE}th slice',
                       'load': lambda: _dicom_folder(DATA / 'dicom' / 'series' / 'mr-brain-t1-mprage-siemens', MPRAGE_STRIDE)},
    'brats-held-out': {'kind': 'mr-skull-stripped', 'what': f'held-out BraTS subject {HELD_OUT_SUBJECT}, t1/t1c/t2/flair, every {BRATS_STRIDE}th axial slice',
                       'load': _brats_held_out},
}


def series_slices(name: str) -> np.ndarray:
    normalised = [crop4(percentile_normalize(r)) for r in TEST_SERIES[name]['load']()]
    return np.stack([n for n in normalised if head_mask(n).mean() >= MIN_HEAD_SHARE])


def score(graph: Path, hr: np.ndarray, scale: int, degrade) -> dict:
    lr = degrade(torch.from_numpy(hr[:, None]), scale)
    bicubic = bicubic_up(lr, scale).numpy()[:, 0]
    outputs, _ = run_graphs([{'graph': graph, 'inputs': {'image': lr.numpy().astype(np.float32)}, 'outputs': ['upscaled']}])
    model = outputs[0]['upscaled'][:, 0]
    result = {}
    for region in ('slice', 'head'):
        masks = [None if region == 'slice' else head_mask(h) for h in hr]
        m = [image_metrics(p, h, k)['psnr'] for p, h, k in zip(model, hr, masks)]
        b = [image_metrics(p, h, k)['psnr'] for p, h, k in zip(bicubic, hr, masks)]
        result[region] = {'psnrModel': round(float(np.mean(m)), 3), 'psnrBicubic': round(float(np.mean(b)), 3), 'gainDb': round(float(np.mean(m) - np.mean(b)), 3),
                          'slicesWorseThanBicubic': int(sum(x < y for x, y in zip(m, b)))}
    return result


def evaluate(graphs: Path, kspace: bool = False) -> dict:
    report = {}
    for name, meta in TEST_SERIES.items():
        hr = series_slices(name)
        entry = {'kind': meta['kind'], 'what': meta['what'], 'slices': int(len(hr)), 'size': list(hr.shape[1:])}
        for task, scale in SR_TASKS.items():
            graph = graphs / f'{task}.int8.onnx'
            entry[task] = {'bicubicDegradation': score(graph, hr, scale, bicubic_down)}
            if kspace and meta['kind'].startswith('mr'):
                entry[task]['kspaceDegradation'] = score(graph, hr, scale, kspace_truncate)
        report[name] = entry
        print(name, json.dumps({t: entry[t]['bicubicDegradation']['slice']['gainDb'] for t in SR_TASKS}), flush=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--graphs', type=Path, default=BUNDLE_DIR, help='folder with superres-x2.int8.onnx and superres-x4.int8.onnx')
    parser.add_argument('--out', type=Path, required=True)
    parser.add_argument('--kspace', action='store_true', help='also MR degraded by k-space truncation (reported apart)')
    args = parser.parse_args()
    args.out.write_text(json.dumps(evaluate(args.graphs, args.kspace), indent=1) + '\n')


if __name__ == '__main__':
    main()
