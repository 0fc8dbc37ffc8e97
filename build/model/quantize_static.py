"""Static int8 QDQ for the image graphs: activations (uint8, per tensor) as well as weights (int8,
per output channel), so onnxruntime fuses each DequantizeLinear -> Conv -> QuantizeLinear group
into an integer convolution (QLinearConv) on CPU. Weight-only QDQ shrinks the file but runs in
float, without onnxruntime's fused float convolutions either. Integer convolutions are faster than
fp32 only on CPUs with 8-bit dot-product instructions (VNNI); on the AVX2 build machine they run at
fp32 speed (`bench_int8_kernels.py`).

Activation ranges come from running the fp32 graph, with every tensor to quantise exposed as an
extra output, through onnxruntime-node on calibration slices from the training data.
ReLU outputs get zero point 0, so onnxruntime can drop the ReLU into the quantised convolution.
The bicubic skip (its pad and fixed convolution), depth-to-space and the final skip addition stay float.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from onnx_runner import run_graphs
from quantize_int8 import is_fixed_interpolation, quantize_weights

WEIGHT_QMAX = 63


def _consumers(graph: onnx.GraphProto) -> dict[str, list[onnx.NodeProto]]:
    out: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            out.setdefault(name, []).append(node)
    return out


def activation_targets(graph: onnx.GraphProto) -> list[str]:
    """Every learned Conv's input, and its output (after its ReLU when one follows)."""
    consumers, graph_outputs = _consumers(graph), {o.name for o in graph.output}
    targets: list[str] = []
    for node in graph.node:
        if node.op_type != 'Conv' or is_fixed_interpolation(node):
            continue
        candidates = [node.input[0]]
        following = consumers.get(node.output[0], [])
        candidates.append(following[0].output[0] if len(following) == 1 and following[0].op_type == 'Relu' else node.output[0])
        targets += [t for t in candidates if t not in targets and t not in graph_outputs]
    return targets


def calibrate(fp32_path: Path, calibration: np.ndarray, targets: list[str], quantile: float = 1.0) -> dict[str, tuple[float, float]]:
    """Per-tensor range over the calibration slices; quantile < 1 ignores the rarest extreme values,
    which otherwise stretch the range and waste the 256 levels."""
    model = onnx.load(str(fp32_path))
    model.graph.output.extend([helper.make_tensor_value_info(t, TensorProto.FLOAT, None) for t in targets])
    probe = fp32_path.with_name(fp32_path.name.replace('.fp32.onnx', '.calibration.onnx'))
    onnx.save(model, str(probe))
    ranges = {t: (0.0, 0.0) for t in targets}
    results, _ = run_graphs([{'graph': probe, 'inputs': {'image': calibration[i : i + 1]}, 'outputs': targets} for i in range(len(calibration))])
    for outputs in results:
        for t in targets:
            lo, hi = ranges[t]
            values = outputs[t].ravel()
            low, high = (values.min(), values.max()) if quantile >= 1 else np.quantile(values, [1 - quantile, quantile])
            ranges[t] = (min(lo, float(low)), max(hi, float(high)))
    probe.unlink()
    return ranges


def _uint8_params(lo: float, hi: float) -> tuple[np.float32, np.uint8]:
    lo, hi = min(lo, 0.0), max(hi, 0.0)  # the range must contain 0 exactly
    scale = max(hi - lo, 1e-6) / 255.0
    return np.float32(scale), np.uint8(np.clip(round(-lo / scale), 0, 255))


def quantize_static(fp32_path: Path, target: Path, calibration: np.ndarray, quantile: float = 1.0) -> dict:
    model = onnx.load(str(fp32_path))
    graph = model.graph
    targets = activation_targets(graph)
    ranges = calibrate(fp32_path, calibration, targets, quantile)
    consumers = _consumers(graph)
    inits = {i.name: i for i in graph.initializer}
    params = {t: _uint8_params(*ranges[t]) for t in targets}
    new_nodes = []

    def qdq(tensor: str) -> list[onnx.NodeProto]:
        scale, zero = params[tensor]
        graph.initializer.extend([numpy_helper.from_array(np.array(scale), f'{tensor}_s'), numpy_helper.from_array(np.array(zero), f'{tensor}_z')])
        return [
            helper.make_node('QuantizeLinear', [tensor, f'{tensor}_s', f'{tensor}_z'], [f'{tensor}_q'], name=f'{tensor}_Q'),
            helper.make_node('DequantizeLinear', [f'{tensor}_q', f'{tensor}_s', f'{tensor}_z'], [f'{tensor}_dq'], name=f'{tensor}_DQ'),
        ]

    # Rewire consumers (never the bicubic skip, which must see the exact input) to the DQ outputs.
    for t in targets:
        for node in consumers.get(t, []):
            if not is_fixed_interpolation(node):
                node.input[:] = [f'{t}_dq' if name == t else name for name in node.input]
    for t in (name for name in targets if name in {i.name for i in graph.input}):
        new_nodes += qdq(t)
    for node in graph.node:
        if node.op_type == 'Conv' and not is_fixed_interpolation(node):
            x_scale = params[node.input[0].removesuffix('_dq')][0]
            w = numpy_helper.to_array(inits[node.input[1]])
            # 7-bit weights (|q| <= 63): x86 AVX2 integer convolution multiplies uint8 activations by
            # int8 weights in pairs summed into int16 (vpmaddubsw), which saturates for full-range
            # weights; 255 * 63 * 2 fits. Measured: 8-bit weights cost ~28 dB of fidelity here.
            q, w_scale = quantize_weights(w, 0, qmax=WEIGHT_QMAX)
            name = node.input[1]
            graph.initializer.remove(inits[name])
            graph.initializer.extend([numpy_helper.from_array(q, f'{name}_int8'), numpy_helper.from_array(w_scale, f'{name}_scale'), numpy_helper.from_array(np.zeros_like(w_scale, dtype=np.int8), f'{name}_zero')])
            new_nodes.append(helper.make_node('DequantizeLinear', [f'{name}_int8', f'{name}_scale', f'{name}_zero'], [f'{name}_w'], axis=0, name=f'{name}_DQ'))
            inputs = [node.input[0], f'{name}_w']
            if len(node.input) > 2:
                # Bias as int32 at scale x_scale * w_scale, as onnxruntime's integer convolution wants.
                # A tiny activation range can push it past int32, where a plain cast is undefined; clipped,
                # the layer is merely wrong, which the fidelity check then catches.
                b = numpy_helper.to_array(inits[node.input[2]])
                b_scale = (x_scale * w_scale).astype(np.float32)
                b_int32 = np.clip(np.round(b.astype(np.float64) / b_scale), np.iinfo(np.int32).min, np.iinfo(np.int32).max).astype(np.int32)
                bname = node.input[2]
                graph.initializer.remove(inits[bname])
                graph.initializer.extend([numpy_helper.from_array(b_int32, f'{bname}_int32'), numpy_helper.from_array(b_scale, f'{bname}_scale'), numpy_helper.from_array(np.zeros_like(b_scale, dtype=np.int32), f'{bname}_zero')])
                new_nodes.append(helper.make_node('DequantizeLinear', [f'{bname}_int32', f'{bname}_scale', f'{bname}_zero'], [f'{bname}_b'], axis=0, name=f'{bname}_DQ'))
                inputs.append(f'{bname}_b')
            node.input[:] = inputs
        new_nodes.append(node)
        for out in node.output:
            if out in params and out not in {i.name for i in graph.input}:
                new_nodes += qdq(out)
    graph.ClearField('node')
    graph.node.extend(new_nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))
    return {'mode': 'static-qdq', 'activationTensors': len(targets), 'fp32Bytes': fp32_path.stat().st_size, 'int8Bytes': target.stat().st_size}
