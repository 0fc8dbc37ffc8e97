"""Weight quantisation in the layouts onnxruntime's kernels read.

int4: com.microsoft MatMulNBits, blockwise along the input dimension, asymmetric with a
4-bit zero point per block. int8: per-row symmetric, used for the embedding table (a Gather,
not a MatMul, so it needs a plain dequantise after the lookup).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class NBitsWeight:
    packed: np.ndarray       # uint8 [N, blocks, block_size * bits / 8]
    scales: np.ndarray       # float32 [N * blocks]
    zero_points: np.ndarray  # uint8 [N * ceil(blocks * bits / 8)]
    n: int
    k: int
    bits: int
    block_size: int


def quantize_nbits(weight_out_in: np.ndarray, bits: int = 4, block_size: int = 32) -> NBitsWeight:
    """Quantise a Linear weight [N=out, K=in] the way MatMulNBits dequantises it:
    w ≈ (q - zero_point) * scale for each block of `block_size` consecutive inputs."""
    if bits not in (4, 8):
        raise ValueError('bits must be 4 or 8')
    w = np.asarray(weight_out_in, dtype=np.float32)
    n, k = w.shape
    blocks = (k + block_size - 1) // block_size
    if k % block_size:
        padded = np.zeros((n, blocks * block_size), dtype=np.float32)
        padded[:, :k] = w
        w = padded
    grouped = w.reshape(n, blocks, block_size)
    qmax = (1 << bits) - 1
    lo = np.minimum(grouped.min(axis=2), 0.0)
    hi = np.maximum(grouped.max(axis=2), 0.0)
    scale = (hi - lo) / qmax
    scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
    zero = np.clip(np.round(-lo / scale), 0, qmax).astype(np.uint8)
    # In place on one temporary: Phi-3's 3.8B weights pass through here, and each extra full-size temporary
    # costs as much time in page faults as in arithmetic.
    q = np.divide(grouped, scale[:, :, None])
    np.round(q, out=q)
    q += zero[:, :, None]
    np.clip(q, 0, qmax, out=q)
    q = q.astype(np.uint8)
    if bits == 4:
        # Two values per byte, the earlier input in the low nibble.
        packed = (q[:, :, 0::2] | (q[:, :, 1::2] << 4)).astype(np.uint8)
        zero_padded = np.full((n, blocks + (blocks % 2)), 0, dtype=np.uint8)
        zero_padded[:, :blocks] = zero
        zero_packed = (zero_padded[:, 0::2] | (zero_padded[:, 1::2] << 4)).astype(np.uint8)
    else:
        packed = q
        zero_packed = zero
    return NBitsWeight(packed=np.ascontiguousarray(packed), scales=scale.reshape(-1),
                       zero_points=np.ascontiguousarray(zero_packed).reshape(-1), n=n, k=k, bits=bits, block_size=block_size)


def dequantize_nbits(qw: NBitsWeight) -> np.ndarray:
    """The weight MatMulNBits computes with; used by the reference to measure quantisation error."""
    n, blocks = qw.n, qw.packed.shape[1]
    if qw.bits == 4:
        q = np.empty((n, blocks, qw.block_size), dtype=np.float32)
        q[:, :, 0::2] = qw.packed & 0x0F
        q[:, :, 1::2] = qw.packed >> 4
        zp_bytes = qw.zero_points.reshape(n, -1)
        zero = np.empty((n, zp_bytes.shape[1] * 2), dtype=np.float32)
        zero[:, 0::2] = zp_bytes & 0x0F
        zero[:, 1::2] = zp_bytes >> 4
        zero = zero[:, :blocks]
    else:
        q = qw.packed.astype(np.float32)
        zero = qw.zero_points.reshape(n, blocks).astype(np.float32)
    w = (q - zero[:, :, None]) * qw.scales.reshape(n, blocks)[:, :, None]
    return w.reshape(n, -1)[:, :qw.k]


def quantize_rows_int8(table: np.ndarray):
    """Symmetric int8 per row: row ≈ q * scale. Returns (int8 [rows, dim], float32 [rows, 1])."""
    t = table.astype(np.float32)
    scale = np.abs(t).max(axis=1, keepdims=True) / 127.0
    scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
    q = np.clip(np.round(t / scale), -127, 127).astype(np.int8)
    return q, scale
