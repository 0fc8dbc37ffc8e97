"""After train_superres.py: export the fine-tuned super-resolution graphs, quantise them, evaluate them on the held-out
series beside the bundle's current graphs, and (with --install, once the comparison says so) put them in the bundle.

    /usr/bin/python3 build/model/ship_superres.py candidate   # .work/sr-candidate/: graphs and held-out figures
    /usr/bin/python3 build/model/ship_superres.py install     # copies them into models/radstation-compact and updates EVAL.json

Static int8 calibration uses training sources only (a training brain subject, WG04 CT1 and MR1, the TCGA native T1):
never a test or validation series.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import nibabel as nib
import numpy as np
import torch

from common import BRAIN_SUBJECTS, BUNDLE_DIR, DATA, HELD_OUT_SUBJECT, SR_TASKS, percentile_normalize, read_json, work_path, write_json
from degrade import bicubic_down, kspace_truncate
from eval_heldout_superres import evaluate as evaluate_heldout
from eval_images import evaluate_superres, held_out
from export_onnx import BicubicOnly, export_image_graph
from network import CompactBackbone, MergedTaskNet
from quantize_int8 import quantize_static_best_range
from sr_sources import BRAIN, NATIVE_SUBJECT, wg04
from train_superres import CHECKPOINT

CANDIDATE = work_path('sr-candidate', 'x').parent
CALIBRATION_SIDE = 192


def _centre(image: np.ndarray, side: int = CALIBRATION_SIDE) -> np.ndarray:
    padded = np.pad(image, [(0, max(0, side - image.shape[0])), (0, max(0, side - image.shape[1]))])
    top, left = (padded.shape[0] - side) // 2, (padded.shape[1] - side) // 2
    return padded[top : top + side, left : left + side]


def calibration_inputs(scale: int) -> np.ndarray:
    subject = next(s for s in BRAIN_SUBJECTS if s != HELD_OUT_SUBJECT)
    slices = []
    for contrast in ('t1', 't2', 'flair'):
        volume = np.asarray(nib.load(str(BRAIN / subject / f'{contrast}.nii.gz')).dataobj, dtype=np.float32)
        slices += [percentile_normalize(volume[:, :, z].T) for z in (50, 80, 110)]
    native = np.asarray(nib.load(str(BRAIN / NATIVE_SUBJECT / 't1.nii.gz')).dataobj, dtype=np.float32)
    slices += [percentile_normalize(np.rot90(native[:, :, z])) for z in (8, 14, 20)]
    slices += [wg04('CT1')[128:384, 128:384], wg04('MR1')[128:384, 128:384]]
    hr = torch.from_numpy(np.stack([_centre(s) for s in slices]).astype(np.float32))[:, None]
    return np.concatenate([bicubic_down(hr, scale).numpy(), kspace_truncate(hr[: len(slices) - 2], scale).numpy()]).astype(np.float32)


def candidate() -> None:
    saved = torch.load(work_path('images', CHECKPOINT))
    report = {'checkpoint': {k: saved[k] for k in ('steps', 'seconds', 'validation', 'sources', 'fromBundle')}, 'quantisation': {}}
    for task, scale in SR_TASKS.items():
        net = MergedTaskNet(CompactBackbone({task: (1, scale)}), task, scale)
        net.load_state_dict(saved['nets'][task])
        fp32 = CANDIDATE / f'{task}.fp32.onnx'
        export_image_graph(net, fp32, 'upscaled')
        export_image_graph(BicubicOnly(scale), CANDIDATE / f'bicubic-x{scale}.onnx', 'upscaled')
        report['quantisation'][task] = quantize_static_best_range(fp32, CANDIDATE / f'{task}.int8.onnx', calibration_inputs(scale))
        print(task, report['quantisation'][task], flush=True)
    report['heldOut'] = evaluate_heldout(CANDIDATE)
    report['brats'] = evaluate_superres(CANDIDATE, held_out(subset=False), ['t1', 't1c', 't2', 'flair'], ['bicubic', 'kspace'], with_baselines=True)
    report['subset'] = evaluate_superres(CANDIDATE, held_out(subset=True), ['t1', 't2'], ['bicubic'], with_baselines=False)
    write_json(CANDIDATE / 'report.json', report)
    print(json.dumps({name: {t: entry[t]['bicubicDegradation']['slice']['gainDb'] for t in SR_TASKS} for name, entry in report['heldOut'].items()}))


def install(old_heldout: Path) -> None:
    """The new graphs into the bundle, and their figures into EVAL.json; checksums refreshed."""
    from calibrate_vqa import refresh_manifest

    report = read_json(CANDIDATE / 'report.json')
    for task in SR_TASKS:
        shutil.copyfile(CANDIDATE / f'{task}.int8.onnx', BUNDLE_DIR / f'{task}.int8.onnx')
    path = BUNDLE_DIR / 'EVAL.json'
    evaluation = read_json(path)
    evaluation['superres'] = report['brats']
    for task in SR_TASKS:
        evaluation['subset']['superres'][task] = report['subset'][task]['bicubic']['model']
        evaluation['quantisation'][task] = report['quantisation'][task]
    evaluation['superresHeldOut'] = {
        'protocol': ('each slice scaled by its own 0.5/99.5 percentiles to [0, 1], cropped to a multiple of 4; low resolution by antialiased bicubic downsampling '
         '(and k-space truncation for MR); int8 graph in onnxruntime-node and bicubic upsampling scored against the original; PSNR averaged over '
         'slices, over the whole slice and over the head; none of these series, and no series from the same scanner, is in the training data'),
        'training': report['checkpoint'],
        'series': report['heldOut'],
        'previousModel': read_json(old_heldout),
    }
    # Colin27's figures were measured on the previous graphs; mricron-data is not installed here to re-measure them.
    if 'superresReal' in evaluation:
        evaluation['superresReal']['measuredOn'] = 'the previous super-resolution graphs (before superresHeldOut); not re-measured'
    write_json(path, evaluation)
    refresh_manifest()


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('step', choices=['candidate', 'install'])
    parser.add_argument('--old-heldout', type=Path, default=work_path('eval-heldout-old.json'))
    args = parser.parse_args()
    candidate() if args.step == 'candidate' else install(args.old_heldout)
