"""Builds a tiny test model bundle: a x2 ConvTranspose with a known 2x2 kernel.

Usage: make_upsample_bundle.py OUT_DIR
Writes OUT_DIR/upsample.onnx and OUT_DIR/manifest.json (sizes and SHA-256 computed here,
independently of the runtime), and prints the kernel and bias as JSON on stdout so the
test can compute the expected output itself.
"""
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)

# Each input pixel becomes a 2x2 block: out[2i+a, 2j+b] = x[i, j] * kernel[a, b] + bias.
kernel = np.array([[1.0, 0.5], [0.25, 0.75]], dtype=np.float32)
bias = np.array([0.01], dtype=np.float32)

graph = helper.make_graph(
    [helper.make_node('ConvTranspose', ['image', 'kernel', 'bias'], ['upscaled'], strides=[2, 2], kernel_shape=[2, 2])],
    'upsample_x2',
    [helper.make_tensor_value_info('image', TensorProto.FLOAT, ['batch', 1, 'height', 'width'])],
    [helper.make_tensor_value_info('upscaled', TensorProto.FLOAT, ['batch', 1, 'height2', 'width2'])],
    initializer=[numpy_helper.from_array(kernel.reshape(1, 1, 2, 2), 'kernel'), numpy_helper.from_array(bias, 'bias')],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='radstation-tests')
model.ir_version = 7
onnx.checker.check_model(model)
graph_path = os.path.join(out_dir, 'upsample.onnx')
onnx.save(model, graph_path)

# Sanity check of the kernel semantics in numpy, so a wrong expectation fails here first.
x = np.arange(6, dtype=np.float32).reshape(2, 3)
expected = np.kron(x, kernel) + bias[0]
assert expected.shape == (4, 6) and expected[1, 1] == x[0, 0] * kernel[1, 1] + bias[0]

with open(graph_path, 'rb') as f:
    data = f.read()

def task(task_id, label, size, modalities=('CT', 'MR'), normalization=None):
    return {
        'id': task_id,
        'kind': 'image-to-image',
        'label': label,
        'graphs': ['upsample.onnx'],
        'inputs': [{'name': 'image', 'dataType': 'float32', 'shape': ['batch', 1, 'height', 'width']}],
        'outputs': [{'name': 'upscaled', 'dataType': 'float32', 'shape': ['batch', 1, 'height2', 'width2']}],
        'accepts': {'modalities': list(modalities)},
        'preprocessing': {'modalityLut': True, 'normalization': normalization or {'kind': 'fixed-scale', 'scale': 0.001, 'offset': 0}, 'size': size, 'channels': 1},
        'postprocessing': {'inverse': 'normalization', 'scale': 2},
    }

manifest = {
    'schemaVersion': 1,
    'id': 'test-upsample',
    'name': 'Test x2 upsampler',
    'version': '1.2.3',
    'license': 'Apache-2.0',
    'provenance': {'trainingData': ['none: fixed weights'], 'codeRevision': 'test', 'date': '2026-11-22'},
    'tasks': [
        task('upsample-x2', 'Test upsample x2', {'kind': 'native', 'multipleOf': 1}),
        task('upsample-x2-tiled', 'Test upsample x2 (tiled)', {'kind': 'tile', 'tile': 96, 'overlap': 16}),
        task('upsample-x2-mr', 'Test upsample x2 (MR, percentiles)', {'kind': 'tile', 'tile': 128, 'overlap': 32}, ('MR',),
             {'kind': 'percentile', 'lowPercentile': 1, 'highPercentile': 99}),
        # An offset the graph does not undo: most outputs fall below zero, as a network's ringing can.
        task('upsample-x2-undershoot', 'Test upsample x2 (MR, undershooting)', {'kind': 'native', 'multipleOf': 1}, ('MR',),
             {'kind': 'fixed-scale', 'scale': 0.001, 'offset': 1}),
    ],
    'files': [{'path': 'upsample.onnx', 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest()}],
}
with open(os.path.join(out_dir, 'manifest.json'), 'w') as f:
    json.dump(manifest, f, indent=2)

print(json.dumps({'kernel': kernel.tolist(), 'bias': float(bias[0]), 'scale': 0.001}))
