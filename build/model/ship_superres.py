"""After train_superres.py: export the fine-tuned super-resolution graphs, quantise them, evaluate them on the held-out
series beside the bundle's current graphs, and (with --install, once the comparison says so) put them in the bundle.

    /usr/bin/python3 build/model/ship_superres.py candidate   # .work/sr-candidate/: graphs and held-out figures
    /usr/bin/python3 build/model/ship_superres.py install     # copies them into models/radstation-compact and updates EVAL.json
    /usr/bin/python3 build/model/ship_superres.py record-not-shipped --decision TEXT   # or: figures only, the bundle keeps its graphs

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
from quantize_int8 import MIN_STATIC_FIDELITY_DB, quantize_model, quantize_static_best_range
from sr_sources import BRAIN, NATIVE_SUBJECT, wg04
from train_superres import CHECKPOINT

CANDIDATE = work_path('sr-candidate', 'x').parent
HELDOUT_PROTOCOL = ('each slice scaled by its own 0.5/99.5 percentiles to [0, 1], cropped to a multiple of 4; low resolution by antialiased bicubic '
                    'downsampling; int8 graph in onnxruntime-node and bicubic upsampling scored against the original; PSNR averaged over slices, over the '
                    'whole slice and over the head (eval_heldout_superres.py); the retrained candidate saw none of these series, nor any series from the '
                    'same scanners')
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


def candidate(checkpoint: Path) -> None:
    saved = torch.load(checkpoint)
    report = {'checkpoint': {k: saved[k] for k in ('steps', 'seconds', 'validation', 'sources', 'fromBundle')}, 'quantisation': {}}
    for task, scale in SR_TASKS.items():
        net = MergedTaskNet(CompactBackbone({task: (1, scale)}), task, scale)
        net.load_state_dict(saved['nets'][task])
        fp32 = CANDIDATE / f'{task}.fp32.onnx'
        export_image_graph(net, fp32, 'upscaled')
        export_image_graph(BicubicOnly(scale), CANDIDATE / f'bicubic-x{scale}.onnx', 'upscaled')
        report['quantisation'][task] = quantize_static_best_range(fp32, CANDIDATE / f'{task}.int8.onnx', calibration_inputs(scale))
        fidelity = report['quantisation'][task]['fidelityDb']
        if fidelity < MIN_STATIC_FIDELITY_DB:
            # The pipeline's rule (quantize_int8.py): static int8 that costs too much on the calibration slices falls back to weight-only.
            report['quantisation'][task] = {'mode': 'weight-only-qdq', 'staticFidelityDb': fidelity, **quantize_model(fp32, CANDIDATE / f'{task}.int8.onnx')}
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
        'protocol': HELDOUT_PROTOCOL,
        'training': report['checkpoint'],
        'series': report['heldOut'],
        'previousModel': read_json(old_heldout),
    }
    # Colin27's figures were measured on the previous graphs; mricron-data is not installed here to re-measure them.
    if 'superresReal' in evaluation:
        evaluation['superresReal']['measuredOn'] = 'the previous super-resolution graphs (before superresHeldOut); not re-measured'
    write_json(path, evaluation)
    # What the graphs were trained on (the runtime's domain warnings and bicubic rule read it) follows manifest_tasks.py.
    from card_superres import update_card
    from manifest_tasks import SUPERRES_TRAINED_ON

    manifest_path = BUNDLE_DIR / 'manifest.json'
    manifest = read_json(manifest_path)
    for task in manifest['tasks']:
        if task['id'] in SR_TASKS:
            task['trainedOn'] = SUPERRES_TRAINED_ON
    write_json(manifest_path, manifest)
    card = BUNDLE_DIR / 'MODEL_CARD.md'
    card.write_text(update_card(card.read_text(), evaluation, report['checkpoint']))
    refresh_manifest()


def record_not_shipped(old_heldout: Path, decision: str) -> None:
    """The bundle keeps its graphs: EVAL.json gets their held-out figures and the candidate's, with why it was not shipped."""
    from calibrate_vqa import refresh_manifest

    report = read_json(CANDIDATE / 'report.json')
    path = BUNDLE_DIR / 'EVAL.json'
    evaluation = read_json(path)
    evaluation['superresHeldOut'] = {
        'protocol': HELDOUT_PROTOCOL,
        'series': read_json(old_heldout),
        'seriesNote': 'the shipped graphs: the GE CT and the Siemens MPRAGE were in their training data, so those figures are not held-out results for them',
        'candidate': {
            'training': report['checkpoint'], 'series': report['heldOut'], 'quantisation': report['quantisation'],
            'bratsGainOverBicubicDb': {t: {d: e['gainOverBicubicDb'] for d, e in v.items()} for t, v in report['brats'].items()},
            'decision': decision,
        },
    }
    write_json(path, evaluation)
    refresh_manifest()


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('step', choices=['candidate', 'install', 'record-not-shipped'])
    parser.add_argument('--decision', help='record-not-shipped: why the candidate is not shipped, from its figures')
    parser.add_argument('--old-heldout', type=Path, default=work_path('eval-heldout-old.json'))
    parser.add_argument('--checkpoint', type=Path, default=work_path('images', CHECKPOINT))
    args = parser.parse_args()
    if args.step == 'candidate':
        candidate(args.checkpoint)
    elif args.step == 'install':
        install(args.old_heldout)
    else:
        record_not_shipped(args.old_heldout, args.decision)
