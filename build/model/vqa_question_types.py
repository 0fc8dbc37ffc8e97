"""The question types the closed-VQA model is calibrated per, as ordered regular expressions.

The rules are written into the bundle (vqa-calibration.json) with each type's threshold, and the
runtime (src-main/inference/qa/) applies the same rules from there, so there is one definition.
The first type whose pattern matches the lower-cased question wins; patterns use only syntax that
Python's `re` and JavaScript's RegExp read the same way (word boundaries, groups, alternation).
Findings come first: "Is there a mass in the lung?" is about a mass, not about the organ.
"""
from __future__ import annotations

import re

YES_NO_START = r'^(is|are|was|were|does|do|did|can|could|has|have|had|will|should|would)\b'

QUESTION_TYPES = [
    {'id': 'hemorrhage', 'label': 'yes/no: haemorrhage or bleeding', 'pattern': r'\b(hemorrhage|haemorrhage|hemorrhagic|bleed|bleeding|hematoma|haematoma)\b'},
    {'id': 'fracture', 'label': 'yes/no: fracture', 'pattern': r'\b(fracture|fractures|fractured|broken)\b'},
    {'id': 'mass', 'label': 'yes/no and which: mass, lesion, tumour, nodule', 'pattern': r'\b(mass|masses|lesion|lesions|tumor|tumors|tumour|nodule|nodules|cyst|neoplasm|cancer|malignan\w*)\b'},
    {'id': 'abnormality', 'label': 'normal or abnormal, what is abnormal', 'pattern': r'\b(abnormal|abnormality|abnormalities|normal|pathology|disease|wrong|finding|findings)\b'},
    {'id': 'contrast', 'label': 'contrast, weighting, sequence', 'pattern': r'\b(contrast|enhanced|enhancement|t1|t2|flair|weighted|weighting|sequence|dwi|diffusion)\b'},
    {'id': 'modality', 'label': 'imaging modality', 'pattern': r'\b(modality|ct|mri|mr|x ray|xray|radiograph|ultrasound|sonograph\w*|angiogra\w*|pet|mammogra\w*|kind of (image|imaging|scan)|type of (image|imaging|scan)|imaging (method|technique))\b'},
    {'id': 'plane', 'label': 'plane or view', 'pattern': r'\b(plane|axial|coronal|sagittal|transverse|view|pa|ap|projection|oriented|orientation)\b'},
    {'id': 'organ', 'label': 'organ or body part', 'pattern': r'\b(organ|organs|body part|part of the body|region|anatomy|system)\b'},
    {'id': 'yes-no-other', 'label': 'other yes/no questions (presence, position, size...)', 'pattern': YES_NO_START},
    {'id': 'other', 'label': 'other closed-answer questions', 'pattern': r'.'},
]


def normalize_question(question: str) -> str:
    """Lower-case, hyphens and slashes to spaces, single spaces: "X-ray" and "x ray" read the same."""
    return ' '.join(re.sub(r'[-/]', ' ', str(question).lower()).split())


def question_type(question: str) -> str:
    text = normalize_question(question)
    for kind in QUESTION_TYPES:
        if re.search(kind['pattern'], text):
            return kind['id']
    return 'other'
