"""Step 4: int8 quantisation, written with the onnx API (no onnxruntime for Python here).

Weight-only, per-output-channel, symmetric int8: every Conv/Gemm/MatMul weight initializer is
stored as int8 with one float scale per output channel and fed to its node through a
DequantizeLinear. Activations stay float, which keeps the image fidelity cost tiny (measured in
EVAL.json) and runs on onnxruntime-node's CPU provider as is.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

# The super-resolution graphs' bicubic skip (network.MergedTaskNet.bicubic_skip) is a fixed
# interpolation written as a convolution, not a learned layer: it keeps its exact weights and its
# exact input, or every output pixel would carry the skip path's quantisation noise.
FIXED_INTERPOLATION_PREFIX = '/bicubic_skip/'


def is_fixed_interpolation(node: onnx.NodeProto) -> bool:
    return node.name.startswith(FIXED_INTERPOLATION_PREFIX)


# Which input of each node is its weight, and which weight axis holds the output channels.
WEIGHT_INPUTS = {'Conv': (1, 0), 'MatMul': (1, 1)}


def _gemm_axis(node: onnx.NodeProto) -> int:
    trans_b = next((a.i for a in node.attribute if a.name == 'transB'), 0)
    return 0 if trans_b else 1


def quantize_weights(weight: np.ndarray, axis: int, qmax: int = 127) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-channel int8: scale = max|w| / qmax along every axis but `axis`."""
    reduce_axes = tuple(i for i in range(weight.ndim) if i != axis)
    scale = np.abs(weight).max(axis=reduce_axes) / float(qmax)
    scale = np.where(scale > 0, scale, 1e-8).astype(np.float32)
    shape = [1] * weight.ndim
    shape[axis] = -1
    q = np.clip(np.round(weight / scale.reshape(shape)), -qmax, qmax).astype(np.int8)
    return q, scale


def quantize_model(source: Path, target: Path) -> dict:
    model = onnx.load(str(source))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    new_nodes, count, uses = [], 0, {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    for node in graph.node:
        if node.op_type == 'Gemm':
            spec = (1, _gemm_axis(node))
        else:
            spec = WEIGHT_INPUTS.get(node.op_type)
        if spec is not None and not is_fixed_interpolation(node) and node.input[spec[0]] in inits and uses[node.input[spec[0]]] == 1:
            name = node.input[spec[0]]
            weight = numpy_helper.to_array(inits[name])
            if weight.ndim >= 2:
                q, scale = quantize_weights(weight, spec[1])
                graph.initializer.remove(inits[name])
                graph.initializer.extend([
                    numpy_helper.from_array(q, f'{name}_int8'),
                    numpy_helper.from_array(scale, f'{name}_scale'),
                    numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), f'{name}_zero'),
                ])
                new_nodes.append(helper.make_node('DequantizeLinear', [f'{name}_int8', f'{name}_scale', f'{name}_zero'], [name], name=f'{name}_dequantize', axis=spec[1]))
                count += 1
        new_nodes.append(node)
    graph.ClearField('node')
    graph.node.extend(new_nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))
    return {'quantizedWeights': count, 'fp32Bytes': source.stat().st_size, 'int8Bytes': target.stat().st_size}


# PSNR of the int8 graph's output against the fp32 graph's on calibration slices. Below this the
# int8 graph would cost more than ~0.1-0.2 dB against the reference images.
MIN_STATIC_FIDELITY_DB = 45.0

# Activation ranges tried per graph: the full calibration range, and one that ignores the rarest
# values (1 in 100,000 per tensor and slice). The one whose int8 output is closer to fp32 on the
# calibration slices (training data only) is kept. Measured on the 2026-11-23 graphs, the clipped
# range was closer on all six, by 0.2-6.1 dB; mr-t2-to-t1 went from 42.8 dB (under the floor, so
# weight-only, which runs slower than fp32 here) to 48.9 dB.
CALIBRATION_QUANTILES = (1.0, 0.99999)


def output_fidelity_db(fp32: Path, int8: Path, calibration: np.ndarray) -> float:
    from onnx_runner import run_graphs

    name = onnx.load(str(fp32)).graph.output[0].name
    outputs, _ = run_graphs([{'graph': g, 'inputs': {'image': calibration}, 'outputs': [name]} for g in (fp32, int8)])
    mse = float(np.mean((np.clip(outputs[0][name], 0, 1) - np.clip(outputs[1][name], 0, 1)) ** 2))
    return float(10 * np.log10(1.0 / max(mse, 1e-12)))


def calibration_slices(task: str) -> np.ndarray:
    """Inputs like the task's real ones, from the training data only (never the held-out subject)."""
    import torch

    from common import SR_TASKS, TRANSLATION_TASKS, work_path
    from degrade import bicubic_down, kspace_truncate

    brain = np.load(work_path('data', 'brain_train.npz'))
    if task in SR_TASKS:
        scale = SR_TASKS[task]
        ct = np.load(work_path('data', 'dicom_train.npz'))['ct'][::7, :240, :240]
        mr = torch.from_numpy(np.concatenate([brain[c][::60] for c in ('t1', 't2', 'flair')]).astype(np.float32))[:, None]
        # Both degradations the model is trained on: k-space-truncated MR has wider activation ranges than
        # bicubic, and calibrating on bicubic alone cost ~0.2 dB on k-space inputs at x4.
        return np.concatenate([
            bicubic_down(torch.cat([mr, torch.from_numpy(ct.astype(np.float32))[:, None]]), scale).numpy(),
            kspace_truncate(mr, scale).numpy().astype(np.float32),
        ])
    return brain[TRANSLATION_TASKS[task][0]][::30].astype(np.float32)[:, None]


def quantize_static_best_range(source: Path, target: Path, calibration: np.ndarray) -> dict:
    """Static int8 with each of CALIBRATION_QUANTILES, each into its own file; the one closest to fp32 becomes target."""
    from quantize_static import quantize_static

    trials = []
    for quantile in CALIBRATION_QUANTILES:
        candidate = target.with_name(f'{target.stem}.quantile-{quantile:g}.onnx')
        trial = quantize_static(source, candidate, calibration, quantile)
        trials.append((candidate, {**trial, 'calibrationQuantile': quantile, 'fidelityDb': output_fidelity_db(source, candidate, calibration)}))
    best, report = max(trials, key=lambda t: t[1]['fidelityDb'])
    best.replace(target)
    for candidate, _ in trials:
        candidate.unlink(missing_ok=True)
    return report


def main() -> None:
    from common import IMAGE_TASKS, write_json

    parser = argparse.ArgumentParser()
    parser.add_argument('--dir', type=Path, default=Path(__file__).parent / '.work' / 'onnx')
    parser.add_argument('--mode', choices=['static', 'weight-only'], default='static', help='for the image graphs; VQA is always weight-only')
    args = parser.parse_args()
    report = {}
    for source in sorted(args.dir.glob('*.fp32.onnx')):
        task = source.name.removesuffix('.fp32.onnx')
        target = source.with_name(f'{task}.int8.onnx')
        if args.mode == 'static' and task in IMAGE_TASKS:
            calibration = calibration_slices(task)
            report[task] = quantize_static_best_range(source, target, calibration)
            fidelity = report[task]['fidelityDb']
            if fidelity < MIN_STATIC_FIDELITY_DB:
                # Activation quantisation costs too much on this graph (judged on training data only):
                # keep its activations in float.
                report[task] = {'mode': 'weight-only-qdq', 'staticFidelityDb': fidelity, **quantize_model(source, target)}
        else:
            report[task] = {'mode': 'weight-only-qdq', **quantize_model(source, target)}
        print(task, report[task], flush=True)
    write_json(args.dir / 'quantisation.json', report)


if __name__ == '__main__':
    main()
