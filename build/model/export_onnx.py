"""Step 3: export each task's graph to fp32 ONNX (adapters merged into the backbone), plus the
bicubic-only baselines the evaluation compares against."""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import torch
from torch import nn

from common import SR_TASKS, TRANSLATION_TASKS, read_json, work_path
from network import CompactBackbone, MergedTaskNet
from train_images import FAMILIES, checkpoint_name
from vqa_model import CompactVqa

OPSET = 13
IMAGE_AXES = {0: 'batch', 2: 'height', 3: 'width'}


class BicubicOnly(nn.Module):
    def __init__(self, scale: int):
        super().__init__()
        self.scale = scale

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.interpolate(image, scale_factor=float(self.scale), mode='bicubic', align_corners=False)


def export_image_graph(module: nn.Module, path: Path, output_name: str, sample_size: int = 32) -> None:
    module.eval()
    sample = torch.rand(1, 1, sample_size, sample_size)
    torch.onnx.export(
        module, (sample,), str(path), opset_version=OPSET, input_names=['image'], output_names=[output_name],
        dynamic_axes={'image': IMAGE_AXES, output_name: {0: 'batch', 2: 'out_height', 3: 'out_width'}}, do_constant_folding=True,
    )


def load_backbone(checkpoint: Path) -> CompactBackbone:
    saved = torch.load(checkpoint)
    model = CompactBackbone(saved['tasks'])
    model.load_state_dict(saved['state'])
    return model.eval()


def export_image_tasks(checkpoint: Path, out_dir: Path, tasks: dict[str, int]) -> dict[str, Path]:
    """tasks maps task id -> upscale factor (1 for image translation): those of the checkpoint's backbone are
    exported. Returns the fp32 graph per exported task."""
    backbone = load_backbone(checkpoint)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for task, upscale in tasks.items():
        if task not in backbone.tasks:
            continue
        paths[task] = out_dir / f'{task}.fp32.onnx'
        export_image_graph(MergedTaskNet(backbone, task, upscale), paths[task], 'upscaled' if upscale > 1 else 'translated')
    return paths


def export_vqa(out_dir: Path) -> Path:
    vocabulary = read_json(work_path('vqa', 'question_vocabulary.json'))
    model = CompactVqa(vocabulary['tokens'], read_json(work_path('vqa', 'answers.json')))
    model.load_state_dict(torch.load(work_path('vqa', 'vqa.pt'))['state'])
    model.eval()
    path = out_dir / 'vqa-closed.fp32.onnx'
    image, tokens = torch.rand(1, 1, 112, 112), torch.ones(1, vocabulary['maxTokens'], dtype=torch.int64)
    torch.onnx.export(
        model, (image, tokens), str(path), opset_version=OPSET, input_names=['image', 'question_tokens'], output_names=['logits'],
        dynamic_axes={'image': {0: 'batch'}, 'question_tokens': {0: 'batch'}, 'logits': {0: 'batch'}}, do_constant_folding=True,
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--skip-vqa', action='store_true')
    args = parser.parse_args()
    out_dir = work_path('onnx', 'x').parent
    tasks = {**SR_TASKS, **{t: 1 for t in TRANSLATION_TASKS}}
    for family in FAMILIES:
        export_image_tasks(work_path('images', checkpoint_name(family)), out_dir, tasks)
    for task, scale in SR_TASKS.items():
        export_image_graph(BicubicOnly(scale), out_dir / f'bicubic-x{scale}.onnx', 'upscaled')
    if not args.skip_vqa:
        export_vqa(out_dir)
        # The evaluation reads the vocabulary files next to the graphs, named as in the bundle.
        shutil.copyfile(work_path('vqa', 'answers.json'), out_dir / 'vqa-answers.json')
        shutil.copyfile(work_path('vqa', 'question_vocabulary.json'), out_dir / 'vqa-question-vocabulary.json')
        shutil.copyfile(work_path('vqa', 'calibration.json'), out_dir / 'vqa-calibration.json')
    print(f'exported to {out_dir}')


if __name__ == '__main__':
    main()
