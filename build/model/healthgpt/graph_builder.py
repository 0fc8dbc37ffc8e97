"""A small ONNX graph builder: every node is added by name, every weight is a named initializer.

The converter builds each graph node by node from an architecture config, in the style of
onnxruntime-genai's model builder, so the exported graph is readable in Netron and carries no
tracing artefacts.
"""
from __future__ import annotations

import os
from typing import Dict, List, Optional, Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# ai.onnx opset 17 is the newest onnx 1.12 knows; MatMulNBits lives in com.microsoft opset 1.
ONNX_OPSET = 17
MS_DOMAIN = 'com.microsoft'

NUMPY_TO_ONNX = {
    np.dtype('float32'): TensorProto.FLOAT,
    np.dtype('int64'): TensorProto.INT64,
    np.dtype('int32'): TensorProto.INT32,
    np.dtype('uint8'): TensorProto.UINT8,
    np.dtype('int8'): TensorProto.INT8,
    np.dtype('bool'): TensorProto.BOOL,
}


class GraphBuilder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.nodes: List[onnx.NodeProto] = []
        # Weights go straight into the model they are saved from: a list of TensorProtos handed to make_graph
        # and make_model would be copied twice more, holding a 3 GB decoder in memory two or three times.
        self._model = onnx.ModelProto()
        self.inputs: List[onnx.ValueInfoProto] = []
        self.outputs: List[onnx.ValueInfoProto] = []
        self._used_names: Dict[str, int] = {}
        self._constants: Dict[tuple, str] = {}
        self.uses_ms_domain = False

    # -- names -----------------------------------------------------------------------------
    def unique(self, name: str) -> str:
        count = self._used_names.get(name, 0)
        self._used_names[name] = count + 1
        return name if count == 0 else f'{name}_{count}'

    # -- graph interface -------------------------------------------------------------------
    def add_input(self, name: str, elem_type: int, shape: Sequence) -> str:
        self.inputs.append(helper.make_tensor_value_info(name, elem_type, list(shape)))
        return name

    def add_output(self, name: str, elem_type: int, shape: Sequence) -> None:
        self.outputs.append(helper.make_tensor_value_info(name, elem_type, list(shape)))

    def weight(self, name: str, array: np.ndarray) -> str:
        """A named initializer; the name is the checkpoint-derived path so it can be traced back."""
        array = np.ascontiguousarray(array)
        if array.dtype not in NUMPY_TO_ONNX:
            raise ValueError(f'{name}: unsupported dtype {array.dtype}')
        name = self.unique(name)
        self._model.graph.initializer.add().CopyFrom(numpy_helper.from_array(array, name))
        return name

    def const(self, values, dtype=np.int64) -> str:
        """A small shared constant (shapes, axes, scalars), deduplicated by value."""
        array = np.array(values, dtype=dtype)
        key = (array.dtype.str, array.shape, array.tobytes())
        if key not in self._constants:
            label = '_'.join(str(v) for v in array.reshape(-1)[:4]).replace('-', 'm').replace('.', 'p')
            self._constants[key] = self.weight(f'const_{array.dtype.name}_{label}', array)
        return self._constants[key]

    def node(self, op: str, inputs: Sequence[str], name: str, outputs: int = 1, domain: Optional[str] = None, **attrs) -> List[str]:
        name = self.unique(name)
        output_names = [name if outputs == 1 else f'{name}/out{i}' for i in range(outputs)]
        if domain == MS_DOMAIN:
            self.uses_ms_domain = True
        self.nodes.append(helper.make_node(op, list(inputs), output_names, name=name, domain=domain, **attrs))
        return output_names

    def op(self, op: str, inputs: Sequence[str], name: str, **attrs) -> str:
        return self.node(op, inputs, name, 1, **attrs)[0]

    # -- composite helpers -----------------------------------------------------------------
    def linear_fp32(self, x: str, weight_out_in: np.ndarray, bias: Optional[np.ndarray], name: str) -> str:
        """y = x W^T + b with W stored as [in, out] so a plain MatMul applies it."""
        w = self.weight(f'{name}.weight_t', weight_out_in.T.astype(np.float32))
        y = self.op('MatMul', [x, w], f'{name}/MatMul')
        if bias is not None:
            y = self.op('Add', [y, self.weight(f'{name}.bias', bias.astype(np.float32))], f'{name}/Add')
        return y

    def model(self, producer: str) -> onnx.ModelProto:
        """The finished model; the builder hands over its weights and must not be used after."""
        model, self._model = self._model, onnx.ModelProto()
        graph = model.graph
        graph.name = self.name
        graph.node.extend(self.nodes)
        graph.input.extend(self.inputs)
        graph.output.extend(self.outputs)
        model.opset_import.append(helper.make_opsetid('', ONNX_OPSET))
        if self.uses_ms_domain:
            model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
        model.producer_name = producer
        model.ir_version = 8
        return model


# Protobuf cannot serialise a message over 2 GB, so bigger graphs keep their weights in a side file.
EXTERNAL_DATA_ABOVE_BYTES = int(os.environ.get('HEALTHGPT_EXTERNAL_DATA_ABOVE_BYTES', 1_800_000_000))


def save_model(model: onnx.ModelProto, path: str) -> None:
    """Writes GRAPH.onnx, plus GRAPH.onnx.data beside it when the weights exceed the threshold."""
    total = sum(len(t.raw_data) for t in model.graph.initializer)
    if total > EXTERNAL_DATA_ABOVE_BYTES:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=os.path.basename(path) + '.data', size_threshold=1024)
    else:
        onnx.save_model(model, path)
