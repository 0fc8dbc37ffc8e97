"""Step 5: evaluate the exported, quantised graphs in onnxruntime-node on held-out data; write EVAL.json.

  /usr/bin/python3 build/model/evaluate.py                 full evaluation -> .work/eval/EVAL.json
  /usr/bin/python3 build/model/evaluate.py --subset --graphs models/radstation-compact --out x.json
                                                            the small fixed subset the integration test re-runs

Held-out data: subject brats-gli-00001 (every 4th axial slice with >= 5% brain), never used in
training; VQA: the official VQA-RAD test split (phrase_type test_*).
"""
from __future__ import annotations

import argparse
import datetime
import subprocess
from pathlib import Path

from common import CONTRASTS, HELD_OUT_SUBJECT, ROOT, read_json, write_json, work_path
from eval_images import SUBSET_CONTRASTS, SUBSET_SLICES, evaluate_superres, evaluate_translation, held_out
from eval_vqa import HEALTHGPT_M3, SUBSET_QUESTIONS, evaluate_vqa
from prepare_images import HELD_OUT_STRIDE, MIN_BRAIN_FRACTION

ANSWERS_FILE = 'vqa-answers.json'
VOCABULARY_FILE = 'vqa-question-vocabulary.json'
# Written by train_vqa.py from the validation split; export copies it next to the graphs.
CALIBRATION_FILE = 'vqa-calibration.json'


def abstain_below(graph_dir: Path) -> float:
    """The VQA abstention threshold: the bundle's manifest when evaluating a bundle, else the calibration file."""
    manifest = graph_dir / 'manifest.json'
    if manifest.exists():
        return next(t['vqa']['abstainBelow'] for t in read_json(manifest)['tasks'] if t['id'] == 'vqa-closed')
    return float(read_json(graph_dir / CALIBRATION_FILE)['abstainBelow'])


def subset_metrics(graph_dir: Path) -> dict:
    """int8 graphs only, so it runs from the bundle folder alone."""
    data = held_out(subset=True)
    superres = evaluate_superres(graph_dir, data, SUBSET_CONTRASTS, ['bicubic'], with_baselines=False)
    return {
        'description': f'held-out slices {SUBSET_SLICES} (indices into the evaluated slices) of {HELD_OUT_SUBJECT}, contrasts {SUBSET_CONTRASTS}; first {SUBSET_QUESTIONS} VQA-RAD test questions',
        'superres': {t: v['bicubic']['model'] for t, v in superres.items()},
        'translation': {t: v['model'] for t, v in evaluate_translation(graph_dir, data, with_fp32=False).items()},
        'vqa': evaluate_vqa(graph_dir / 'vqa-closed.int8.onnx', graph_dir / ANSWERS_FILE, graph_dir / VOCABULARY_FILE, abstain_below(graph_dir), subset=True),
    }


def speed(graph_dir: Path, repeats: int = 15) -> dict:
    """Median ms per slice, one thread each: int8 and fp32 ONNX in onnxruntime-node, fp32 PyTorch."""
    from bench_torch import BENCH_SHAPES, bench_inputs, torch_modules, torch_ms
    from onnx_runner import run_graphs

    import torch

    torch.set_num_threads(1)
    jobs = [{'graph': graph_dir / f'{t}.{kind}.onnx', 'inputs': bench_inputs(t), 'label': f'{t}.{kind}'} for t in BENCH_SHAPES for kind in ('int8', 'fp32')]
    _, timings = run_graphs(jobs, threads=1, bench=repeats)
    onnx_ms = {t['label']: t['medianMs'] for t in timings}
    modules = torch_modules()
    result = {}
    for task, shape in BENCH_SHAPES.items():
        torch_fp32 = torch_ms(modules[task], bench_inputs(task), repeats)
        int8 = onnx_ms[f'{task}.int8']
        result[task] = {'inputShape': shape, 'onnxInt8Ms': int8, 'onnxFp32Ms': onnx_ms[f'{task}.fp32'], 'torchFp32Ms': torch_fp32, 'speedupInt8OverTorch': torch_fp32 / int8}
    return result


def git_revision() -> str:
    """HEAD, marked when the pipeline code differs from it (the bundle is then committed with those changes)."""
    done = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=ROOT, capture_output=True, text=True, check=False)
    revision = done.stdout.strip() or 'unknown'
    dirty = subprocess.run(['git', 'status', '--porcelain', '--', 'build/model'], cwd=ROOT, capture_output=True, text=True, check=False)
    return f'{revision} + uncommitted build/model changes' if dirty.stdout.strip() else revision


def full_evaluation(graph_dir: Path) -> dict:
    data = held_out(subset=False)
    return {
        'generatedBy': 'build/model/evaluate.py (graphs run in onnxruntime-node 1.30, CPU execution provider)',
        'graphsEvaluated': 'the int8 graphs shipped in this bundle; fp32 and bicubic graphs for comparison only',
        'date': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        'codeRevision': git_revision(),
        'split': {
            'images': f'held-out subject {HELD_OUT_SUBJECT} (never seen in training): every {HELD_OUT_STRIDE}th axial slice with >= {MIN_BRAIN_FRACTION:.0%} brain, {len(data["mask"])} slices, contrasts {CONTRASTS}',
            'brainMask': 'nonzero voxels of the skull-stripped volumes (any contrast)',
            'normalisation': 'each slice scaled by its own 0.5/99.5 percentiles to [0, 1]; outputs clipped to [0, 1] before scoring',
            'vqa': 'official VQA-RAD test split: the 451 questions whose phrase_type starts with test_',
        },
        'superres': evaluate_superres(graph_dir, data, CONTRASTS, ['bicubic', 'kspace'], with_baselines=True),
        'translation': evaluate_translation(graph_dir, data, with_fp32=True),
        'vqa': {
            **evaluate_vqa(graph_dir / 'vqa-closed.int8.onnx', graph_dir / ANSWERS_FILE, graph_dir / VOCABULARY_FILE, abstain_below(graph_dir), subset=False, fp32_graph=graph_dir / 'vqa-closed.fp32.onnx'),
            'reference': HEALTHGPT_M3,
        },
        'subset': subset_metrics(graph_dir),
        'quantisation': read_json(graph_dir / 'quantisation.json') if (graph_dir / 'quantisation.json').exists() else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--subset', action='store_true')
    parser.add_argument('--skip-speed', action='store_true')
    parser.add_argument('--graphs', type=Path, default=work_path('onnx', 'x').parent)
    parser.add_argument('--out', type=Path, default=work_path('eval', 'EVAL.json'))
    args = parser.parse_args()
    if args.subset:
        write_json(args.out, subset_metrics(args.graphs))
    else:
        result = full_evaluation(args.graphs)
        if not args.skip_speed:
            result['speed'] = {'note': 'median of 15 runs, 1 thread, on a 2-core CPU shared with other jobs', 'tasks': speed(args.graphs)}
        write_json(args.out, result)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
