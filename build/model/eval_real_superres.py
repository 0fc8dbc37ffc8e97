"""Super-resolution against bicubic on real series: downsample each slice, restore it, compare (PSNR over the slice and
over the head), for the shipped int8 graphs in onnxruntime-node. Writes EVAL.json's `superresReal` and refreshes the
manifest's checksums.

Series, and whether the shipped model saw them in training:
- Colin27 T1 with skull (Debian's mricron-data, ch2.nii.gz, 1 mm): NOT in training (held out). Extract it by hand:
  `apt-get download mricron-data && dpkg -x mricron-data_*.deb DIR`, then pass --colin DIR/usr/share/mricron/templates/ch2.nii.gz.
- the Siemens T1 MPRAGE and the GE head CT in ../shared/data/dicom/series: IN the shipped model's super-resolution
  training data, so their figures are not held-out results; they are reported because issue 15 asked for these series.

    /usr/bin/python3 build/model/eval_real_superres.py --colin PATH
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import nibabel as nib
import numpy as np
import pydicom
import torch
from scipy.ndimage import binary_fill_holes

from calibrate_vqa import refresh_manifest
from common import BUNDLE_DIR, DATA, SR_TASKS, percentile_normalize, read_json, write_json
from degrade import bicubic_down, bicubic_up
from metrics import image_metrics
from onnx_runner import run_graphs

# A slice counts when at least this share of it is head (normalised intensity above HEAD_LEVEL, holes filled).
MIN_HEAD_SHARE = 0.2
HEAD_LEVEL = 0.05


def head_mask(hr: np.ndarray) -> np.ndarray:
    return binary_fill_holes(hr > HEAD_LEVEL)


def crop4(image: np.ndarray) -> np.ndarray:
    return image[: image.shape[0] // 4 * 4, : image.shape[1] // 4 * 4]


def slices_of(source: str, colin: Path | None) -> list[np.ndarray]:
    if source == 'colin27-t1-with-skull':
        volume = np.asarray(nib.load(str(colin)).get_fdata(), dtype=np.float32)
        raw = [np.rot90(volume[:, :, z]) for z in range(0, volume.shape[2], 6)]
    elif source == 'siemens-mprage':
        files = sorted((DATA / 'dicom' / 'series' / 'mr-brain-t1-mprage-siemens').iterdir())
        raw = [pydicom.dcmread(f).pixel_array.astype(np.float32) for f in files[::8]]
    else:
        files = sorted((DATA / 'dicom' / 'series' / 'ct-head-ge-tilted').iterdir())
        raw = []
        for f in files[::2]:
            ds = pydicom.dcmread(f)
            raw.append(ds.pixel_array.astype(np.float32) * float(ds.RescaleSlope) + float(ds.RescaleIntercept))
    normalised = [crop4(percentile_normalize(r)) for r in raw]
    return [n for n in normalised if head_mask(n).mean() >= MIN_HEAD_SHARE]


def evaluate(source: str, colin: Path | None) -> dict:
    hr = np.stack(slices_of(source, colin))
    result = {'slices': int(len(hr)), 'size': list(hr.shape[1:])}
    for task, scale in SR_TASKS.items():
        lr = bicubic_down(torch.from_numpy(hr[:, None]), scale)
        bicubic = bicubic_up(lr, scale).numpy()[:, 0]
        outputs, _ = run_graphs([{'graph': BUNDLE_DIR / f'{task}.int8.onnx', 'inputs': {'image': lr.numpy().astype(np.float32)}, 'outputs': ['upscaled']}])
        model = outputs[0]['upscaled'][:, 0]
        scores = {}
        for region in ('slice', 'head'):
            masks = [None if region == 'slice' else head_mask(h) for h in hr]
            m = float(np.mean([image_metrics(p, h, k)['psnr'] for p, h, k in zip(model, hr, masks)]))
            b = float(np.mean([image_metrics(p, h, k)['psnr'] for p, h, k in zip(bicubic, hr, masks)]))
            scores[region] = {'psnrModel': round(m, 3), 'psnrBicubic': round(b, 3), 'gainDb': round(m - b, 3)}
        result[task] = scores
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--colin', type=Path, required=True)
    args = parser.parse_args()
    sources = {
        'colin27-t1-with-skull': {'heldOut': True, 'what': 'Colin27 T1 with skull, 1 mm (mricron-data ch2.nii.gz), every 6th axial slice'},
        'siemens-mprage': {'heldOut': False, 'what': 'Siemens T1 MPRAGE with skull, 256x256 sagittal, every 8th slice; IN the super-resolution training data'},
        'ge-head-ct': {'heldOut': False, 'what': 'GE head CT, 512x512, every 2nd slice; IN the super-resolution training data'},
    }
    report = {
        'protocol': ('each slice scaled by its own 0.5/99.5 percentiles to [0, 1], cropped to a multiple of 4; low resolution by antialiased '
                     'bicubic downsampling; model (int8, onnxruntime-node) and bicubic upsampling scored against the original; PSNR averaged '
                     f'over slices, over the whole slice and over the head (intensity > {HEAD_LEVEL}, holes filled); slices with >= {MIN_HEAD_SHARE:.0%} head'),
        'series': {name: {**meta, **evaluate(name, args.colin)} for name, meta in sources.items()},
    }
    path = BUNDLE_DIR / 'EVAL.json'
    evaluation = read_json(path)
    evaluation['superresReal'] = report
    write_json(path, evaluation)
    refresh_manifest()
    print(json.dumps(report, indent=1))


if __name__ == '__main__':
    main()
