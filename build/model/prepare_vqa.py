"""Step 1b: VQA training and test sets, the answer vocabulary and the question vocabulary.

Training: VQA-Med 2019 train (all categories) + VQA-RAD questions whose phrase_type does not
start with 'test_'. Test: the official VQA-RAD test split (phrase_type test_freeform/test_para).
Images are cached as 8-bit grayscale at the model's input size.
"""
from __future__ import annotations

import json
from collections import Counter

import numpy as np
from PIL import Image

from common import DATA, write_json, work_path
from vqa_text import build_vocabulary, encode, normalize_answer, vocabulary_file

IMAGE_SIZE = 112
# Answers seen fewer times than this in training are left out of the closed vocabulary.
MIN_ANSWER_COUNT = 2


def load_image(path) -> np.ndarray:
    # Grayscale, stretched to a square with bilinear resampling: exactly the manifest's 'resize'.
    with Image.open(path) as im:
        return np.asarray(im.convert('L').resize((IMAGE_SIZE, IMAGE_SIZE), Image.BILINEAR), dtype=np.uint8)


def read_sources() -> tuple[list[dict], list[dict]]:
    rad = json.loads((DATA / 'vqa' / 'vqa-rad' / 'vqa_rad.json').read_text())
    train, test = [], []
    for q in rad:
        item = {
            'image': str(DATA / 'vqa' / 'vqa-rad' / 'images' / q['image_name']),
            'question': q['question'],
            'answer': normalize_answer(q['answer']),
            'closed': str(q['answer_type']).strip().upper() == 'CLOSED',
            'source': 'vqa-rad',
            # A free-form question and its paraphrases share this id (same image, same answer).
            'linked': str(q['qid_linked_id']),
        }
        (test if str(q['phrase_type']).startswith('test_') else train).append(item)
    med_root = DATA / 'vqa' / 'vqa-med-2019-train'
    for line in (med_root / 'All_QA_Pairs_train.txt').read_text().splitlines():
        parts = line.split('|')
        if len(parts) != 3:
            continue
        image, question, answer = parts
        train.append({'image': str(med_root / 'images' / f'{image}.jpg'), 'question': question, 'answer': normalize_answer(answer), 'closed': answer.strip().lower() in ('yes', 'no'), 'source': 'vqa-med-2019'})
    return train, test


def main() -> None:
    train, test = read_sources()
    answer_counts = Counter(item['answer'] for item in train)
    answers = sorted(a for a, n in answer_counts.items() if n >= MIN_ANSWER_COUNT)
    answer_index = {a: i for i, a in enumerate(answers)}
    vocabulary = build_vocabulary([item['question'] for item in train])
    token_index = {w: i for i, w in enumerate(vocabulary)}
    image_paths = sorted({item['image'] for item in train + test})
    image_index = {p: i for i, p in enumerate(image_paths)}
    linked_index = {g: i for i, g in enumerate(sorted({it['linked'] for it in train + test if 'linked' in it}))}
    images = np.stack([load_image(p) for p in image_paths])

    def arrays(items: list[dict], keep_unknown: bool) -> dict[str, np.ndarray]:
        kept = [it for it in items if keep_unknown or it['answer'] in answer_index]
        return {
            'image': np.array([image_index[it['image']] for it in kept]),
            'tokens': np.array([encode(it['question'], token_index) for it in kept], dtype=np.int64),
            'answer': np.array([answer_index.get(it['answer'], -1) for it in kept]),
            'closed': np.array([it['closed'] for it in kept]),
            'from_rad': np.array([it['source'] == 'vqa-rad' for it in kept]),
            # VQA-RAD's linked-question groups as integers, -1 for VQA-Med: the validation split keeps a group together.
            'group': np.array([linked_index.get(it.get('linked'), -1) for it in kept]),
        }

    np.savez(work_path('vqa', 'train.npz'), images=images, **arrays(train, keep_unknown=False))
    np.savez(work_path('vqa', 'test.npz'), **arrays(test, keep_unknown=True))
    write_json(work_path('vqa', 'answers.json'), answers)
    write_json(work_path('vqa', 'question_vocabulary.json'), vocabulary_file(vocabulary))
    write_json(work_path('vqa', 'test_items.json'), test)
    print(f'{len(train)} training pairs, {len(answers)} answers, {len(vocabulary)} tokens, {len(test)} test pairs, {len(images)} images')


if __name__ == '__main__':
    main()
