"""Step 5b: per-question-type abstention thresholds and an out-of-distribution score for the closed-VQA graph.

Runs the shipped int8 graph in onnxruntime-node (the product's runtime) and writes into the bundle:
- `vqa-closed.int8.onnx` gains a second output, `image_features` (the image encoder's pooled 128 features,
  already computed inside the graph; the logits are unchanged);
- `vqa-calibration.json`: the question-type rules (vqa_question_types.py), for each type the lowest confidence
  threshold at which the answered VALIDATION questions are >= 95 % right with at least MIN_ANSWERED answered and
  coverage >= MIN_COVERAGE (else the type is not answered by this model), and a Mahalanobis distance on the image
  features fitted on TRAINING images only, with the threshold above which the runtime says the image is unlike the
  training data;
- `vqa-validation-split.json` (beside this script): the validation questions, so the test suite can re-run them.
Then the manifest's checksums are refreshed. The validation split is train_vqa.py's (a seeded tenth of VQA-RAD's
linked-question groups); the VQA-RAD test split is never read here.

    /usr/bin/python3 build/model/calibrate_vqa.py
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import helper

from common import BUNDLE_DIR, DATA, SEED, read_json, write_json
from onnx_runner import run_graphs
from prepare_vqa import load_image
from train_vqa import VALIDATION_SHARE
from vqa_question_types import QUESTION_TYPES, normalize_question, question_type
from vqa_text import encode, normalize_answer

GRAPH = 'vqa-closed.int8.onnx'
CALIBRATION_FILE = 'vqa-calibration.json'
SPLIT_FILE = Path(__file__).with_name('vqa-validation-split.json')
FEATURE_TENSOR = '/ReduceMean_output_0'
FEATURE_OUTPUT = 'image_features'
TARGET_PRECISION = 0.95
# Fewer answered questions than this cannot show 95 % (9 of 10 right is 90 %).
MIN_ANSWERED = 10
# Below this share of a type's validation questions answered, the type is left to the full model.
MIN_COVERAGE = 0.05
THRESHOLD_GRID = [round(0.5 + 0.01 * i, 2) for i in range(50)] + [0.995, 0.999]
# Training images whose distance exceeds this quantile of the training distances count as unlike the training data.
OOD_QUANTILE = 0.995
# Covariance shrinkage toward its mean variance: 128 features from ~3,500 images are estimable, but barely.
SHRINKAGE = 0.1


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_feature_output(graph_path: Path) -> None:
    model = onnx.load(str(graph_path))
    if any(o.name == FEATURE_OUTPUT for o in model.graph.output):
        return
    model.graph.node.append(helper.make_node('Identity', [FEATURE_TENSOR], [FEATURE_OUTPUT], name='image_features_out'))
    model.graph.output.append(helper.make_tensor_value_info(FEATURE_OUTPUT, onnx.TensorProto.FLOAT, ['batch', 128]))
    onnx.checker.check_model(model)
    onnx.save(model, str(graph_path))


def vqa_rad_items() -> list[dict]:
    rad = json.loads((DATA / 'vqa' / 'vqa-rad' / 'vqa_rad.json').read_text())
    return [
        {'image_name': q['image_name'], 'question': q['question'], 'answer': normalize_answer(q['answer']), 'linked': str(q['qid_linked_id']),
         'test': str(q['phrase_type']).startswith('test_'), 'closed': str(q['answer_type']).strip().upper() == 'CLOSED'}
        for q in rad
    ]


def validation_split(answers: list[str]) -> tuple[list[dict], set[str]]:
    """train_vqa.validation_mask, reproduced on the question list prepare_vqa.py builds (answers in the vocabulary)."""
    items = vqa_rad_items()
    linked_index = {g: i for i, g in enumerate(sorted({it['linked'] for it in items}))}
    known = set(answers)
    train = [it for it in items if not it['test'] and it['answer'] in known]
    group = np.array([linked_index[it['linked']] for it in train])
    rng = np.random.default_rng(SEED + 2)
    groups = np.unique(group)
    held_groups = groups[rng.random(len(groups)) < VALIDATION_SHARE]
    held = np.isin(group, held_groups)
    validation = [it for it, h in zip(train, held) if h]
    # Images of the training questions (validation and test images excluded) for the OOD fit.
    excluded = {it['image_name'] for it in validation} | {it['image_name'] for it in items if it['test']}
    training_images = {it['image_name'] for it, h in zip(train, held) if not h and it['image_name'] not in excluded}
    return validation, training_images


def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def choose_threshold(confidence: np.ndarray, hits: np.ndarray) -> dict:
    by_threshold = []
    for t in THRESHOLD_GRID:
        answered = confidence >= t
        n = int(answered.sum())
        by_threshold.append({'threshold': t, 'answered': n, 'precision': float(hits[answered].mean()) if n else None, 'coverage': float(answered.mean()) if len(hits) else 0.0})
    chosen = next((row for row in by_threshold if row['answered'] >= MIN_ANSWERED and row['precision'] is not None and row['precision'] >= TARGET_PRECISION and row['coverage'] >= MIN_COVERAGE), None)
    best = max((row for row in by_threshold if row['answered'] >= MIN_ANSWERED), key=lambda row: row['precision'] or 0, default=None)
    return {'chosen': chosen, 'bestWithEnoughAnswered': best}


def features_of(graph: Path, image_names: list[str], folder: Path) -> np.ndarray:
    images = np.stack([load_image(folder / name) for name in image_names]).astype(np.float32)[:, None] / 255.0
    tokens = np.zeros((len(image_names), 24), dtype=np.int64)
    outputs, _ = run_graphs([{'graph': graph, 'inputs': {'image': images, 'question_tokens': tokens}, 'outputs': [FEATURE_OUTPUT]}])
    return outputs[0][FEATURE_OUTPUT].astype(np.float64)


def fit_ood(graph: Path, training_rad_images: set[str]) -> dict:
    med_root = DATA / 'vqa' / 'vqa-med-2019-train'
    med = sorted({line.split('|')[0] for line in (med_root / 'All_QA_Pairs_train.txt').read_text().splitlines() if line.count('|') == 2})
    rad = sorted(training_rad_images)
    feats = np.concatenate([features_of(graph, [f'{m}.jpg' for m in med], med_root / 'images'), features_of(graph, rad, DATA / 'vqa' / 'vqa-rad' / 'images')])
    mean = feats.mean(axis=0)
    cov = np.cov(feats - mean, rowvar=False)
    cov = (1 - SHRINKAGE) * cov + SHRINKAGE * np.mean(np.diag(cov)) * np.eye(len(mean))
    precision = np.linalg.inv(cov)
    centred = feats - mean
    distances = np.sqrt(np.einsum('ij,jk,ik->i', centred, precision, centred))
    threshold = float(np.quantile(distances, OOD_QUANTILE))
    return {
        'kind': 'mahalanobis', 'featureOutput': FEATURE_OUTPUT,
        'fittedOn': f'{len(med)} VQA-Med 2019 training images and {len(rad)} VQA-RAD training images (no validation or test image)',
        'mean': [round(float(v), 6) for v in mean],
        'precisionMatrix': [[float(f'{v:.6g}') for v in row] for row in precision],
        'threshold': round(threshold, 4),
        'thresholdRule': f'the {OOD_QUANTILE:.1%} quantile of the training images\' distances; covariance shrunk by {SHRINKAGE} toward its mean variance',
        'trainingDistanceMedian': round(float(np.median(distances)), 4),
    }, precision, mean


def main() -> None:
    graph = BUNDLE_DIR / GRAPH
    add_feature_output(graph)
    answers = read_json(BUNDLE_DIR / 'vqa-answers.json')
    token_index = {t: i for i, t in enumerate(read_json(BUNDLE_DIR / 'vqa-question-vocabulary.json')['tokens'])}
    validation, training_rad_images = validation_split(answers)
    folder = DATA / 'vqa' / 'vqa-rad' / 'images'
    images = np.stack([load_image(folder / it['image_name']) for it in validation]).astype(np.float32)[:, None] / 255.0
    tokens = np.array([encode(it['question'], token_index) for it in validation], dtype=np.int64)
    outputs, _ = run_graphs([{'graph': graph, 'inputs': {'image': images, 'question_tokens': tokens}, 'outputs': ['logits', FEATURE_OUTPUT]}])
    probabilities = softmax(outputs[0]['logits'])
    confidence = probabilities.max(axis=1)
    predicted = [answers[i] for i in probabilities.argmax(axis=1)]
    hits = np.array([p == it['answer'] for p, it in zip(predicted, validation)])
    kinds = np.array([question_type(it['question']) for it in validation])
    ood, precision_matrix, mean = fit_ood(graph, training_rad_images)
    centred = outputs[0][FEATURE_OUTPUT].astype(np.float64) - mean
    validation_distance = np.sqrt(np.einsum('ij,jk,ik->i', centred, precision_matrix, centred))
    ood['validationFlagged'] = round(float((validation_distance > ood['threshold']).mean()), 4)
    types = []
    for kind in QUESTION_TYPES:
        where = kinds == kind['id']
        result = choose_threshold(confidence[where], hits[where])
        chosen = result['chosen']
        types.append({
            **kind,
            'threshold': chosen['threshold'] if chosen else None,
            'validation': {
                'questions': int(where.sum()),
                'accuracyWithoutAbstention': float(hits[where].mean()) if where.any() else None,
                'precision': chosen['precision'] if chosen else None,
                'coverage': chosen['coverage'] if chosen else None,
                'answered': chosen['answered'] if chosen else 0,
                'bestWithEnoughAnswered': result['bestWithEnoughAnswered'],
            },
        })
    calibration = {
        'schemaVersion': 1,
        'targetPrecision': TARGET_PRECISION,
        'rule': (f'per question type, the lowest threshold of {THRESHOLD_GRID[0]}..{THRESHOLD_GRID[-1]} whose answered validation questions are '
                 f'>= {TARGET_PRECISION:.0%} right, with >= {MIN_ANSWERED} answered and coverage >= {MIN_COVERAGE:.0%}; a type with none is not answered (null)'),
        'validationSplit': f'{len(validation)} VQA-RAD non-test questions: a seeded {VALIDATION_SHARE:.0%} of its linked-question groups (train_vqa.validation_mask), never trained on; the test split is not used',
        'questionNormalization': 'lower case; "-" and "/" become spaces; runs of white space become one space',
        'questionTypes': types,
        'outOfDistribution': ood,
    }
    write_json(BUNDLE_DIR / CALIBRATION_FILE, calibration)
    write_json(SPLIT_FILE, {
        'note': 'The closed-VQA validation split (see calibrate_vqa.py); images are in ../shared/data/vqa/vqa-rad/images.',
        'questions': [{'image': it['image_name'], 'question': it['question'], 'answer': it['answer'], 'type': k} for it, k in zip(validation, kinds.tolist())],
    })
    refresh_manifest()
    for t in types:
        v = t['validation']
        print(f"{t['id']:>14}: {v['questions']:3d} q, threshold {t['threshold']}, precision {v['precision']}, coverage {v['coverage']}, best {v['bestWithEnoughAnswered']}")
    print(f"OOD threshold {ood['threshold']} (training median {ood['trainingDistanceMedian']}), validation images flagged {ood['validationFlagged']}")
    assert normalize_question('X-ray') == 'x ray'


def refresh_manifest() -> None:
    """The VQA task declares the feature output and the calibration file; every listed file's size and SHA-256 is refreshed."""
    path = BUNDLE_DIR / 'manifest.json'
    manifest = read_json(path)
    for task in manifest['tasks']:
        if task['kind'] != 'vqa-closed':
            continue
        if not any(o['name'] == FEATURE_OUTPUT for o in task['outputs']):
            task['outputs'].append({'name': FEATURE_OUTPUT, 'dataType': 'float32', 'shape': ['batch', 128]})
        task['vqa']['calibrationFile'] = CALIBRATION_FILE
    if not any(f['path'] == CALIBRATION_FILE for f in manifest['files']):
        manifest['files'].insert(next(i for i, f in enumerate(manifest['files']) if f['path'] == 'EVAL.json'), {'path': CALIBRATION_FILE, 'bytes': 0, 'sha256': '0' * 64})
    for entry in manifest['files']:
        file = BUNDLE_DIR / entry['path']
        entry['bytes'] = file.stat().st_size
        entry['sha256'] = sha256(file)
    write_json(path, manifest)


if __name__ == '__main__':
    main()
