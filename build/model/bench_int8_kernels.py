"""Does int8 make convolutions faster on this CPU? A benchmark, not a pipeline step.

Builds plain stacks of 3x3 convolutions (one input channel, four C->C layers with ReLU, one output
channel) at several widths, quantises each with the pipeline's own static int8 QDQ, and times fp32
against int8 in onnxruntime-node on one thread. The bundle's graphs are 32 channels wide; the wider
stacks show whether the answer changes when the convolutions, not the overheads, dominate.

  npm run model:bench-int8 [-- --size 128 --repeats 15]

On the build machine (AMD EPYC, AVX2, no VNNI), 2026-11-23, two runs: int8 ran at 0.97-1.01x of fp32
speed at 32, 64 and 128 channels (16-18 GMAC/s either way), so the int8 graphs gain size there, not
time. Run it on a CPU with 8-bit dot-product instructions (VNNI) to see what they gain there.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn

from onnx_runner import run_graphs
from quantize_static import quantize_static

WIDTHS = (32, 64, 128)
LAYERS = 4


def conv_stack(width: int) -> nn.Module:
    layers: list[nn.Module] = [nn.Conv2d(1, width, 3, padding=1), nn.ReLU()]
    for _ in range(LAYERS):
        layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU()]
    layers.append(nn.Conv2d(width, 1, 3, padding=1))
    return nn.Sequential(*layers).eval()


def cpu_name() -> str:
    try:
        return next(line.split(':', 1)[1].strip() for line in Path('/proc/cpuinfo').read_text().splitlines() if line.startswith('model name'))
    except (OSError, StopIteration):
        return 'this CPU'


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--size', type=int, default=128)
    parser.add_argument('--repeats', type=int, default=15)
    args = parser.parse_args()
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    image = rng.random((1, 1, args.size, args.size), dtype=np.float32)
    with tempfile.TemporaryDirectory(prefix='radstation-int8-bench-') as tmp:
        jobs = []
        for width in WIDTHS:
            fp32, int8 = Path(tmp) / f'w{width}.fp32.onnx', Path(tmp) / f'w{width}.int8.onnx'
            torch.onnx.export(conv_stack(width), (torch.from_numpy(image),), str(fp32), opset_version=13, input_names=['image'], output_names=['out'])
            quantize_static(fp32, int8, rng.random((4, 1, args.size, args.size), dtype=np.float32))
            jobs += [{'graph': fp32, 'inputs': {'image': image}, 'label': f'{width}.fp32'}, {'graph': int8, 'inputs': {'image': image}, 'label': f'{width}.int8'}]
        _, timings = run_graphs(jobs, threads=1, bench=args.repeats)
    ms = {t['label']: t['medianMs'] for t in timings}
    print(f'{cpu_name()}, one thread, {args.size}x{args.size} input, median of {args.repeats} runs')
    for width in WIDTHS:
        gmac = LAYERS * width * width * 9 * args.size * args.size / 1e9
        fp32, int8 = ms[f'{width}.fp32'], ms[f'{width}.int8']
        print(f'{width:4d} channels: fp32 {fp32:7.1f} ms ({gmac / fp32 * 1e3:5.1f} GMAC/s)  int8 {int8:7.1f} ms ({gmac / int8 * 1e3:5.1f} GMAC/s)  int8 speed-up {fp32 / int8:.2f}x')


if __name__ == '__main__':
    main()
