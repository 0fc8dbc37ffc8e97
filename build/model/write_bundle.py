"""Step 6: assemble models/radstation-compact/: the int8 graphs, vocabulary files, EVAL.json,
MODEL_CARD.md and manifest.json (with every file's size and SHA-256)."""
from __future__ import annotations

import argparse
import datetime
import hashlib
import shutil
from pathlib import Path

from common import BUNDLE_DIR, BUNDLE_ID, IMAGE_TASKS, read_json, write_json, work_path
from evaluate import ANSWERS_FILE, VOCABULARY_FILE, abstain_below, git_revision
from manifest_tasks import all_tasks
from model_card import render_card

HARDWARE = 'CPU only: a 2-core x86-64 build machine shared with other jobs, PyTorch 1.13 (1 thread); no GPU'
TRAINING_DATA = [
    'BraTS 2023 (brats-gli-00001, held out), AURORA (aurora-01) and TCIA TCGA (tcga-du-7294, tcga-fg-6692) co-registered brain MRI, via the BrainLesion tutorials (BraTS and TCIA data terms: research use, cite the sources)',
    'GE head CT, 28 slices (dcm_qa_ct, BSD-2) and Siemens T1 MPRAGE (dcm2nii samples via NiChart test data): super-resolution training only',
    'ImageCLEF VQA-Med 2019 training set (Ben Abacha et al., CC BY 4.0)',
    'VQA-RAD non-test questions (Lau et al. 2018, CC0); its official test split is used only for evaluation',
]


def training_summary() -> dict:
    """What the card says about training, read from the checkpoints this bundle was exported from."""
    import torch

    import train_images
    import train_vqa

    families = {f: torch.load(work_path('images', train_images.checkpoint_name(f))) for f in train_images.FAMILIES}
    vqa = torch.load(work_path('vqa', 'vqa.pt'))
    return {
        'images': {
            'families': {f: {'steps': c['steps'], 'of': c['of'], 'stepsPerTask': c['stepsPerTask'], 'minutes': c['seconds'] / 60} for f, c in families.items()},
            'batch': train_images.BATCH, 'peakLr': train_images.PEAK_LR, 'warmup': train_images.WARMUP, 'srCrop': train_images.SR_LR_CROP,
            'translationCrop': train_images.TRANSLATION_CROP, 'ssimWeight': train_images.SSIM_LOSS_WEIGHT,
        },
        'vqa': {
            'epochs': vqa['epochs'], 'minutes': vqa['seconds'] / 60 if 'seconds' in vqa else None, 'batch': train_vqa.BATCH, 'radWeight': train_vqa.RAD_WEIGHT,
            'validationShare': train_vqa.VALIDATION_SHARE, 'calibration': read_json(work_path('vqa', 'calibration.json')),
        },
    }


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open('rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', type=Path, default=BUNDLE_DIR)
    args = parser.parse_args()
    onnx_dir, out = work_path('onnx', 'x').parent, args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shipped = [f'{t}.int8.onnx' for t in IMAGE_TASKS] + ['vqa-closed.int8.onnx', ANSWERS_FILE, VOCABULARY_FILE]
    for name in shipped:
        shutil.copyfile(onnx_dir / name, out / name)
    evaluation = read_json(work_path('eval', 'EVAL.json'))
    write_json(out / 'EVAL.json', evaluation)
    provenance = {
        'trainingData': TRAINING_DATA,
        'codeRevision': git_revision(),
        'date': datetime.date.today().isoformat(),
        'hardware': HARDWARE,
    }
    (out / 'MODEL_CARD.md').write_text(render_card(evaluation, provenance, training_summary()))
    files = [{'path': name, 'bytes': (out / name).stat().st_size, 'sha256': sha256(out / name)} for name in shipped + ['EVAL.json', 'MODEL_CARD.md']]
    manifest = {
        'schemaVersion': 1,
        'id': BUNDLE_ID,
        'name': 'Radstation compact unified model',
        'version': '0.1.0',
        'license': 'Apache-2.0 (code and weights); training data under their own terms, see MODEL_CARD.md',
        'provenance': provenance,
        'tasks': all_tasks(len(read_json(onnx_dir / ANSWERS_FILE)), abstain_below(onnx_dir)),
        'files': files,
    }
    write_json(out / 'manifest.json', manifest)
    total = sum(f['bytes'] for f in files)
    print(f'bundle {out}: {len(files)} files, {total / 1e6:.2f} MB')


if __name__ == '__main__':
    main()
