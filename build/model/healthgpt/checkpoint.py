"""Reading the official checkpoint layouts without transformers or safetensors installed.

Supported: HF safetensors (single file or sharded with model.safetensors.index.json), HF
pytorch_model.bin (single or sharded with pytorch_model.bin.index.json), and HealthGPT's
com_hlora_weights.bin (a torch pickle of a state dict). Tensors are returned as float32 numpy
arrays one at a time, so converting the 3.8B model never holds it twice.

Each tensor's stored dtype is read from the file (the safetensors header, the pickled tensor), never assumed:
bf16, fp16 and fp32 are widened exactly to float32; an integer tensor read as a weight (an 8-bit or
4-bit quantised export, whose values mean nothing without their scales) is refused with the key and dtype.
"""
from __future__ import annotations

import json
import os
import struct
from typing import Callable, Dict, Iterable, Optional, Tuple

import numpy as np

_SAFETENSORS_DTYPES = {'F32': np.float32, 'F16': np.float16, 'I64': np.int64, 'I32': np.int32, 'U8': np.uint8, 'I8': np.int8}
# Stored dtypes by one short name, for both formats.
_SAFETENSORS_NAMES = {'F32': 'fp32', 'F16': 'fp16', 'BF16': 'bf16', 'F64': 'fp64', 'I64': 'int64', 'I32': 'int32', 'I16': 'int16', 'I8': 'int8', 'U8': 'uint8', 'BOOL': 'bool'}
_TORCH_NAMES = {'torch.float32': 'fp32', 'torch.float16': 'fp16', 'torch.bfloat16': 'bf16', 'torch.float64': 'fp64', 'torch.int64': 'int64',
                'torch.int32': 'int32', 'torch.int16': 'int16', 'torch.int8': 'int8', 'torch.uint8': 'uint8', 'torch.bool': 'bool'}
FLOAT_DTYPES = ('fp32', 'fp16', 'bf16', 'fp64')


def _refuse_unless_float(path: str, key: str, dtype: str) -> None:
    if dtype not in FLOAT_DTYPES:
        raise ValueError(f'{path}: tensor {key} is stored as {dtype}, not a floating-point type (bf16, fp16 or fp32): '
                         'a quantised export is not supported; convert from the original floating-point weights')


class SafetensorsFile:
    """A safetensors file is an 8-byte little-endian header length, a JSON header and raw tensor bytes."""

    def __init__(self, path: str) -> None:
        self.path = path
        with open(path, 'rb') as f:
            (header_len,) = struct.unpack('<Q', f.read(8))
            self.header = json.loads(f.read(header_len))
        self.data_start = 8 + header_len
        self.header.pop('__metadata__', None)

    def keys(self) -> Iterable[str]:
        return self.header.keys()

    def dtype(self, key: str) -> str:
        stored = self.header[key]['dtype']
        return _SAFETENSORS_NAMES.get(stored, stored.lower())

    def get(self, key: str) -> np.ndarray:
        _refuse_unless_float(self.path, key, self.dtype(key))
        info = self.header[key]
        start, end = info['data_offsets']
        with open(self.path, 'rb') as f:
            f.seek(self.data_start + start)
            raw = f.read(end - start)
        dtype = info['dtype']
        if dtype == 'BF16':
            # bfloat16 is the top half of a float32: widen by shifting into the high 16 bits.
            return (np.frombuffer(raw, dtype='<u2').astype(np.uint32) << 16).view(np.float32).reshape(info['shape'])
        return np.frombuffer(raw, dtype=np.dtype(_SAFETENSORS_DTYPES[dtype]).newbyteorder('<')).reshape(info['shape']).astype(np.float32)


def write_safetensors(path: str, tensors: Dict[str, np.ndarray], dtype: str = 'F32') -> None:
    """Used to produce test checkpoints in the official format: F32, or BF16 as Phi-3 ships (values are
    truncated to their top 16 bits, so pass values that are already bfloat16-exact)."""
    header, offset, blobs = {}, 0, []
    for key, value in tensors.items():
        f32 = np.ascontiguousarray(value, dtype='<f4')
        raw = (f32.view('<u4') >> 16).astype('<u2').tobytes() if dtype == 'BF16' else f32.tobytes()
        header[key] = {'dtype': dtype, 'shape': list(value.shape), 'data_offsets': [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    encoded = json.dumps(header).encode()
    encoded += b' ' * ((8 - len(encoded) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def _torch_load(path: str, keep: Optional[Callable[[str], bool]] = None) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """The float32 values and the stored dtype of each kept tensor."""
    import torch
    state = torch.load(path, map_location='cpu')
    if not isinstance(state, dict):
        raise ValueError(f'{path}: expected a state dict')
    values, dtypes = {}, {}
    for k, v in state.items():
        # A pickle is read whole; the keys not wanted (CLIP's 0.5 GB text tower) are dropped at once rather than
        # held through the conversion. float() of a float32 tensor is the tensor itself, so numpy() copies nothing.
        if not isinstance(v, torch.Tensor) or (keep is not None and not keep(k)):
            continue
        # Integer buffers (CLIP's position_ids) are kept; only a tensor used as a weight must be floating point (get).
        dtypes[k] = _TORCH_NAMES.get(str(v.dtype), str(v.dtype).removeprefix('torch.'))
        values[k] = v.float().numpy()
    return values, dtypes


class WeightStore:
    """All tensors of one HF model folder (or one .bin file), looked up by key, loaded lazily."""

    def __init__(self, path: str, keep: Optional[Callable[[str], bool]] = None) -> None:
        self._keep = keep
        self._where: Dict[str, Tuple[str, str]] = {}
        self._safetensors: Dict[str, SafetensorsFile] = {}
        self._bins: Dict[str, Dict[str, np.ndarray]] = {}
        self._bin_dtypes: Dict[str, str] = {}
        if os.path.isfile(path):
            self._add_file(path)
            return
        for index_name in ('model.safetensors.index.json', 'pytorch_model.bin.index.json'):
            index = os.path.join(path, index_name)
            if os.path.exists(index):
                with open(index) as f:
                    weight_map = json.load(f)['weight_map']
                for shard in sorted(set(weight_map.values())):
                    self._add_file(os.path.join(path, shard))
                return
        for single in ('model.safetensors', 'pytorch_model.bin'):
            if os.path.exists(os.path.join(path, single)):
                self._add_file(os.path.join(path, single))
                return
        raise FileNotFoundError(f'{path}: no safetensors or pytorch_model.bin weights found')

    def _add_file(self, file: str) -> None:
        if file.endswith('.safetensors'):
            st = SafetensorsFile(file)
            self._safetensors[file] = st
            for k in st.keys():
                self._where[k] = ('st', file)
        else:
            self._bins[file], dtypes = _torch_load(file, self._keep)
            self._bin_dtypes.update(dtypes)
            for k in self._bins[file]:
                self._where[k] = ('bin', file)

    def keys(self) -> Iterable[str]:
        return self._where.keys()

    def dtype(self, key: str) -> str:
        """The tensor's dtype as stored in the file (bf16, fp16, fp32, …), before widening to float32."""
        kind, file = self._where[key]
        return self._safetensors[file].dtype(key) if kind == 'st' else self._bin_dtypes[key]

    def stored_dtypes(self) -> Dict[str, int]:
        """How many tensors are stored in each dtype, e.g. {'bf16': 258}."""
        counts: Dict[str, int] = {}
        for key in self._where:
            counts[self.dtype(key)] = counts.get(self.dtype(key), 0) + 1
        return dict(sorted(counts.items()))

    def __contains__(self, key: str) -> bool:
        return key in self._where

    def get(self, key: str) -> np.ndarray:
        if key not in self._where:
            raise KeyError(f'missing tensor {key}')
        kind, file = self._where[key]
        if kind == 'st':
            return self._safetensors[file].get(key)
        _refuse_unless_float(file, key, self._bin_dtypes[key])
        return self._bins[file][key]
