"""PyTorch fp32 milliseconds per slice for each shipped task, for `npm run bench:infer` to set
beside the int8 ONNX timings. Same model (adapters merged, as exported) and same input sizes.

  /usr/bin/python3 build/model/bench_torch.py [--threads 1] [--repeats 20] [--json] [--shapes JSON]
prints one line per task: task, input shape, median ms (or one JSON object with --json).
--shapes '{"superres-x2": [1, 1, 256, 256]}' times only those tasks at those input shapes
(what `npm run bench:infer` passes, so both columns see the same slices).
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from common import SR_TASKS, TRANSLATION_TASKS, read_json, work_path

# One typical slice per task: a 240×240 output for super-resolution, a 240×240 MR slice for
# translation, the VQA model's fixed 112×112 input.
BENCH_SHAPES = {
    'superres-x2': [1, 1, 120, 120],
    'superres-x4': [1, 1, 60, 60],
    **{t: [1, 1, 240, 240] for t in TRANSLATION_TASKS},
    'vqa-closed': [1, 1, 112, 112],
}


def bench_inputs(task: str, max_tokens: int = 24, shape: list[int] | None = None) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    inputs = {'image': rng.random(shape or BENCH_SHAPES[task], dtype=np.float32)}
    if task == 'vqa-closed':
        inputs['question_tokens'] = rng.integers(2, 50, size=(1, max_tokens)).astype(np.int64)
    return inputs


def torch_modules() -> dict[str, torch.nn.Module]:
    from export_onnx import load_backbone
    from network import MergedTaskNet
    from vqa_model import CompactVqa

    from train_images import checkpoint_name

    superres, translation = (load_backbone(work_path('images', checkpoint_name(f))) for f in ('superres', 'translation'))
    modules = {t: MergedTaskNet(superres, t, s) for t, s in SR_TASKS.items()}
    modules.update({t: MergedTaskNet(translation, t, 1) for t in TRANSLATION_TASKS})
    vocabulary = read_json(work_path('vqa', 'question_vocabulary.json'))
    vqa = CompactVqa(vocabulary['tokens'], read_json(work_path('vqa', 'answers.json')))
    vqa.load_state_dict(torch.load(work_path('vqa', 'vqa.pt'))['state'])
    modules['vqa-closed'] = vqa
    return {t: m.eval() for t, m in modules.items()}


def torch_ms(module: torch.nn.Module, inputs: dict[str, np.ndarray], repeats: int) -> float:
    args = [torch.from_numpy(v) for v in inputs.values()]
    times = []
    with torch.no_grad():
        module(*args)
        for _ in range(repeats):
            start = time.perf_counter()
            module(*args)
            times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=20)
    parser.add_argument('--json', action='store_true')
    parser.add_argument('--shapes', type=json.loads, default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    shapes = args.shapes or BENCH_SHAPES
    modules = torch_modules()
    results = {t: {'inputShape': shapes[t], 'torchFp32Ms': torch_ms(modules[t], bench_inputs(t, shape=shapes[t]), args.repeats)} for t in shapes if t in modules}
    if args.json:
        print(json.dumps({'threads': args.threads, 'tasks': results}))
    else:
        for task, r in results.items():
            print(f"{task}\t{'x'.join(map(str, r['inputShape']))}\t{r['torchFp32Ms']:.2f} ms")


if __name__ == '__main__':
    main()
