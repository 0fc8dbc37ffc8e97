"""Evaluation of the closed VQA graph on the official VQA-RAD test split, in onnxruntime-node.

The questions are tokenised with the bundle's own vocabulary file and the answers read from the
bundle's answers file, so this also checks that those files describe the graph correctly.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from common import DATA
from onnx_runner import run_graphs
from prepare_vqa import load_image
from vqa_text import encode, normalize_answer

HEALTHGPT_M3 = {'closed': 73.7, 'all': 55.9, 'source': 'HealthGPT-M3 as reported by its authors on VQA-RAD (closed, all)'}
# The first questions of the test split, which the integration test re-runs.
SUBSET_QUESTIONS = 40


def test_split() -> list[dict]:
    rad = json.loads((DATA / 'vqa' / 'vqa-rad' / 'vqa_rad.json').read_text())
    return [
        {'image': DATA / 'vqa' / 'vqa-rad' / 'images' / q['image_name'], 'question': q['question'], 'answer': normalize_answer(q['answer']),
         'closed': str(q['answer_type']).strip().upper() == 'CLOSED'}
        for q in rad if str(q['phrase_type']).startswith('test_')
    ]


def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _accuracy(hits: np.ndarray, where: np.ndarray) -> float:
    return float(100 * hits[where].mean()) if where.any() else float('nan')


def evaluate_vqa(graph: Path, answers_file: Path, vocabulary_file: Path, abstain_below: float, subset: bool, fp32_graph: Path | None = None) -> dict:
    items = test_split()[:SUBSET_QUESTIONS] if subset else test_split()
    answers = json.loads(answers_file.read_text())
    vocabulary = json.loads(vocabulary_file.read_text())
    token_index = {t: i for i, t in enumerate(vocabulary['tokens'])}
    images = np.stack([load_image(it['image']) for it in items]).astype(np.float32)[:, None] / 255.0
    tokens = np.array([encode(it['question'], token_index) for it in items], dtype=np.int64)
    graphs = [graph] + ([fp32_graph] if fp32_graph else [])
    outputs, _ = run_graphs([{'graph': g, 'inputs': {'image': images, 'question_tokens': tokens}, 'outputs': ['logits']} for g in graphs])
    probabilities = softmax(outputs[0]['logits'])
    predicted = [answers[i] for i in probabilities.argmax(axis=1)]
    confidence = probabilities.max(axis=1)
    hits = np.array([p == it['answer'] for p, it in zip(predicted, items)])
    closed = np.array([it['closed'] for it in items])
    answered = confidence >= abstain_below
    result = {
        'questions': len(items), 'closedQuestions': int(closed.sum()), 'openQuestions': int((~closed).sum()),
        'closedAccuracy': _accuracy(hits, closed), 'openAccuracy': _accuracy(hits, ~closed), 'allAccuracy': _accuracy(hits, np.ones_like(hits)),
        'openAnswersInVocabulary': float(100 * np.mean([it['answer'] in answers for it, c in zip(items, closed) if not c])) if (~closed).any() else float('nan'),
        'withAbstention': {
            'abstainBelow': abstain_below,
            'closedCoverage': _accuracy(answered, closed), 'closedAccuracyWhenAnswered': _accuracy(hits, closed & answered),
            'allCoverage': _accuracy(answered, np.ones_like(hits)), 'allAccuracyWhenAnswered': _accuracy(hits, answered),
        },
    }
    if fp32_graph:
        fp32_hits = np.array([answers[i] == it['answer'] for i, it in zip(outputs[1]['logits'].argmax(axis=1), items)])
        result['fp32'] = {'closedAccuracy': _accuracy(fp32_hits, closed), 'allAccuracy': _accuracy(fp32_hits, np.ones_like(fp32_hits))}
        result['int8Fp32AnswerAgreement'] = float(100 * np.mean(outputs[0]['logits'].argmax(1) == outputs[1]['logits'].argmax(1)))
    return result
