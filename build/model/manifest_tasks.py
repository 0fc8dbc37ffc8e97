"""The task entries of manifest.json: what each graph expects and produces, in the schema of
src-shared/inference/manifest.ts. The runtime implements exactly this pre/postprocessing."""
from __future__ import annotations

from common import CT_WINDOW, PERCENTILES, SR_TASKS, TRANSLATION_TASKS
from vqa_text import MAX_TOKENS

PERCENTILE = {'kind': 'percentile', 'lowPercentile': PERCENTILES[0], 'highPercentile': PERCENTILES[1]}
HU_WINDOW = {'kind': 'hu-window', **CT_WINDOW}
CONTRAST_LABELS = {'t1': 'T1', 't2': 'T2', 'flair': 'FLAIR'}
NEEDS_PAIRED = 'CT↔MR needs a model trained on paired CT/MR data; none is public here.'


# What each image task learned from (the runtime warns when an input is unlike it: src-main/inference/input-domain.ts).
SUPERRES_TRAINED_ON = {
    'description': 'skull-stripped 1 mm BraTS-style brain MRI (240×240), one Siemens T1 MPRAGE with skull (256×256, 1 mm) and one GE head CT (512×512, 0.49 mm)',
    'modalities': ['MR', 'CT'],
    'pixelSpacingMm': [0.45, 1.2],
    'matrix': [240, 512],
    'fieldOfViewMm': [230, 260],
    # Set by measurement on held-out data (MODEL_CARD.md, "Super-resolution on real series"); see SUPERRES_LOSES_TO_BICUBIC.
    'losesToBicubicOn': [],
}
SUPERRES_LOSES_TO_BICUBIC = [
    {'kind': 'mr-with-skull', 'reason': ('On MR with the skull in it this model can be worse than bicubic upsampling: on a clinical 512×512 T1 brain MR not in '
                                         'training it was 0.71 dB (×2) and 1.12 dB (×4) lower in PSNR over the slice (issue 15), although on Colin27 '
                                         '(1 mm, with skull, held out) it was 1.9 dB (×2) and 1.8 dB (×4) better (EVAL.json superresReal). Bicubic is shown first.')},
]
SUPERRES_TRAINED_ON['losesToBicubicOn'] = SUPERRES_LOSES_TO_BICUBIC


def translation_trained_on(source: str) -> dict:
    return {
        'description': f'skull-stripped, co-registered 1 mm BraTS-style brain MRI (240×240) with native (pre-contrast) {CONTRAST_LABELS[source]} inputs',
        'modalities': ['MR'], 'weightings': [CONTRAST_LABELS[source]], 'postContrast': False, 'skullStrippedOnly': True,
        'sliceThicknessMm': [0.8, 1.5], 'pixelSpacingMm': [0.8, 1.2], 'matrix': [200, 280], 'fieldOfViewMm': [200, 280],
    }


def _image_spec(name: str, h: str, w: str) -> dict:
    return {'name': name, 'dataType': 'float32', 'shape': ['batch', 1, h, w]}


def superres_task(task: str, scale: int) -> dict:
    return {
        'id': task, 'kind': 'image-to-image', 'label': f'Super-resolution ×{scale} (MR, CT)',
        'graphs': [f'{task}.int8.onnx'],
        'inputs': [_image_spec('image', 'height', 'width')],
        'outputs': [_image_spec('upscaled', f'height*{scale}', f'width*{scale}')],
        'accepts': {'modalities': ['MR', 'CT']},
        # Percentile normalisation for CT too: one task serves both modalities and the schema has
        # one normalisation per task; after the modality LUT, per-image percentiles of HU work.
        'preprocessing': {'modalityLut': True, 'normalization': PERCENTILE, 'size': {'kind': 'native', 'multipleOf': 1}, 'channels': 1},
        'postprocessing': {'inverse': 'normalization', 'scale': scale},
        'trainedOn': SUPERRES_TRAINED_ON,
    }


def translation_task(task: str, source: str, target: str) -> dict:
    return {
        'id': task, 'kind': 'image-to-image', 'label': f'MR {CONTRAST_LABELS[source]} → {CONTRAST_LABELS[target]} (synthetic)',
        'graphs': [f'{task}.int8.onnx'],
        'inputs': [_image_spec('image', 'height', 'width')],
        'outputs': [_image_spec('translated', 'height', 'width')],
        'accepts': {'modalities': ['MR'], 'contrast': CONTRAST_LABELS[source]},
        # Height and width must be even: the graph works on a space-to-depth (2×2) grid.
        'preprocessing': {'modalityLut': True, 'normalization': PERCENTILE, 'size': {'kind': 'native', 'multipleOf': 2}, 'channels': 1},
        'postprocessing': {'inverse': 'normalization', 'scale': 1, 'outputModality': 'MR'},
        'trainedOn': translation_trained_on(source),
    }


def paired_task(task: str, source: str, target: str) -> dict:
    label = 'CT → MR (synthetic)' if source == 'ct' else 'MR → CT (synthetic)'
    return {
        'id': task, 'kind': 'image-to-image', 'label': label, 'graphs': [],
        'inputs': [_image_spec('image', 'height', 'width')],
        'outputs': [_image_spec('translated', 'height', 'width')],
        'accepts': {'modalities': [source.upper()]},
        'availability': {'status': 'needs-model', 'reason': NEEDS_PAIRED},
        'preprocessing': {'modalityLut': True, 'normalization': HU_WINDOW if source == 'ct' else PERCENTILE, 'size': {'kind': 'native', 'multipleOf': 2}, 'channels': 1},
        # A trained mr-to-ct graph outputs the HU window's [0, 1] range, which the schema cannot
        # yet express as an inverse of a different normalisation; 'none' until a model exists.
        'postprocessing': {'inverse': 'none', 'scale': 1, 'outputModality': target.upper()},
    }


def vqa_task(n_answers: int, abstain_below: float) -> dict:
    return {
        'id': 'vqa-closed', 'kind': 'vqa-closed', 'label': 'Closed-question VQA (yes/no, modality, plane, organ)',
        'graphs': ['vqa-closed.int8.onnx'],
        'inputs': [{'name': 'image', 'dataType': 'float32', 'shape': ['batch', 1, 112, 112]}, {'name': 'question_tokens', 'dataType': 'int64', 'shape': ['batch', MAX_TOKENS]}],
        'outputs': [{'name': 'logits', 'dataType': 'float32', 'shape': ['batch', n_answers]}],
        'accepts': {'modalities': ['CT', 'MR', 'CR', 'DX', 'US', 'XA']},
        # Trained on 8-bit display renderings (JPEG): the runtime feeds the displayed grayscale image.
        'preprocessing': {'modalityLut': False, 'normalization': {'kind': 'fixed-scale', 'scale': 1 / 255, 'offset': 0}, 'size': {'kind': 'resize', 'width': 112, 'height': 112}, 'channels': 1},
        'vqa': {'answersFile': 'vqa-answers.json', 'questionVocabularyFile': 'vqa-question-vocabulary.json', 'maxQuestionTokens': MAX_TOKENS, 'abstainBelow': abstain_below},
    }


def all_tasks(n_answers: int, abstain_below: float) -> list[dict]:
    from common import PAIRED_TASKS

    return (
        [superres_task(t, s) for t, s in SR_TASKS.items()]
        + [translation_task(t, *st) for t, st in TRANSLATION_TASKS.items()]
        + [paired_task(t, *st) for t, st in PAIRED_TASKS.items()]
        + [vqa_task(n_answers, abstain_below)]
    )
