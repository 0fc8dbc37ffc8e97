"""Phi-3 decoder with H-LoRA on every linear but lm_head, as ONNX, built node by node.

Inputs: inputs_embeds [1, S, H] (text embeddings with image features spliced in by the runtime),
position_ids [1, S], past_key_values.N.key/value [1, P, heads, head_dim].
Outputs: logits [1, V] for the last position only (prefill never needs the others), and
step_key_values.N.key/value [1, S, heads, head_dim]: only this call's keys and values.

The cache is position-major and only the new positions come back: the runtime appends them to its own
buffer and passes a view of it as the next past. Returning the whole cache each step (present = past +
new) made onnxruntime-node copy it out every token: 1.6 s a step at 700 positions for Phi-3-mini's shape,
against 65 ms for reading it in place (measured on this project's CPU machine).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from onnx import TensorProto

from arch_config import HealthGptConfig
from graph_builder import MS_DOMAIN, GraphBuilder
from healthgpt_weights import HealthGptWeights
from quantize import quantize_nbits, quantize_rows_int8

INT64_MAX = np.iinfo(np.int64).max


@dataclass
class Precision:
    """fp32: every weight as in the checkpoint (parity). int4: base linears in MatMulNBits 4-bit
    blocks; H-LoRA stays fp32 because its router makes it input-dependent and it is small."""
    name: str  # 'fp32' or 'int4'
    block_size: int = 32
    lm_head_bits: int = 8
    # MatMulNBits accuracy_level: 0 computes in fp32; 4 lets the CPU kernel quantise activations to int8.
    accuracy_level: int = 0


def base_linear(g: GraphBuilder, x: str, weight_out_in: np.ndarray, name: str, p: Precision, bits: int = 4) -> str:
    if p.name == 'fp32':
        return g.linear_fp32(x, weight_out_in, None, name)
    q = quantize_nbits(weight_out_in, bits=bits, block_size=p.block_size)
    inputs = [x, g.weight(f'{name}.qweight', q.packed), g.weight(f'{name}.scales', q.scales), g.weight(f'{name}.zero_points', q.zero_points)]
    return g.op('MatMulNBits', inputs, f'{name}/MatMulNBits', domain=MS_DOMAIN,
                K=q.k, N=q.n, bits=bits, block_size=p.block_size, accuracy_level=p.accuracy_level)


def hlora_linear(g: GraphBuilder, x: str, cfg: HealthGptConfig, w: HealthGptWeights, layer: int, target: str, base_key: str, p: Precision) -> str:
    """base(x) + B((softmax(route(x)) repeated over each expert's rank slice) * A(x) * scaling)."""
    name = f'layers.{layer}.{target}'
    base = base_linear(g, x, w.llm_weight(base_key), name, p)
    a, b, route = w.lora_weights(layer, target)
    h = cfg.hlora
    # A and the router read the same input: one MatMul for both, split after.
    a_and_route = g.weight(f'{name}.lora_A_and_route_t', np.concatenate([a.T, route.T], axis=1).astype(np.float32))
    both = g.op('MatMul', [x, a_and_route], f'{name}/lora_A_and_route')
    low_rank, route_logits = g.node('Split', [both, g.const([h.r, h.experts])], f'{name}/split_route', outputs=2, axis=-1)
    gate = g.op('Softmax', [route_logits], f'{name}/route_softmax', axis=-1)
    # repeat_interleave of the expert weights over their r/experts slice, as an exact 0/1 matrix product.
    expand = np.kron(np.eye(h.experts, dtype=np.float32), np.ones((1, h.r // h.experts), dtype=np.float32))
    gate_per_rank = g.op('MatMul', [gate, g.weight(f'{name}.route_expand', expand)], f'{name}/route_expand')
    gated = g.op('Mul', [low_rank, gate_per_rank], f'{name}/gated')
    # The scaling (alpha / r * experts) is folded into B: one multiply less per token.
    lora = g.op('MatMul', [gated, g.weight(f'{name}.lora_B_scaled_t', (b * h.scaling).T.astype(np.float32))], f'{name}/lora_B')
    return g.op('Add', [base, lora], f'{name}/add_lora')


def rms_norm(g: GraphBuilder, x: str, weight: np.ndarray, eps: float, name: str) -> str:
    sq = g.op('Mul', [x, x], f'{name}/square')
    mean = g.op('ReduceMean', [sq], f'{name}/mean', axes=[-1], keepdims=1)
    inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [mean, g.const(eps, np.float32)], f'{name}/eps')], f'{name}/sqrt')], f'{name}/inv')
    return g.op('Mul', [g.op('Mul', [x, inv], f'{name}/normalize'), g.weight(f'{name}.weight', weight.astype(np.float32))], f'{name}/scale')


def rotary_tables(cfg: HealthGptConfig):
    """cos/sin per position with both halves repeated (HF's rotate_half layout), computed in float32 like HF."""
    c = cfg.llm
    inv_freq = (1.0 / (np.float32(c.rope_theta) ** (np.arange(0, c.head_dim, 2, dtype=np.float32) / np.float32(c.head_dim)))).astype(np.float32)
    angles = np.arange(c.max_position_embeddings, dtype=np.float32)[:, None] * inv_freq[None]
    angles = np.concatenate([angles, angles], axis=1)
    return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)


def apply_rotary(g: GraphBuilder, x: str, cos: str, sin: str, half: int, name: str) -> str:
    first = g.op('Slice', [x, g.const([0]), g.const([half]), g.const([3])], f'{name}/first_half')
    second = g.op('Slice', [x, g.const([half]), g.const([INT64_MAX]), g.const([3])], f'{name}/second_half')
    rotated = g.op('Concat', [g.op('Neg', [second], f'{name}/neg'), first], f'{name}/rotate_half', axis=3)
    return g.op('Add', [g.op('Mul', [x, cos], f'{name}/x_cos'), g.op('Mul', [rotated, sin], f'{name}/rot_sin')], f'{name}/rope')


def build_decoder(cfg: HealthGptConfig, w: HealthGptWeights, p: Precision):
    c = cfg.llm
    if c.num_key_value_heads != c.num_attention_heads:
        raise ValueError('grouped-query attention is not needed for Phi-3-mini and not built')
    g = GraphBuilder('healthgpt_decoder')
    heads, dim, hidden = c.num_attention_heads, c.head_dim, c.hidden_size
    x = g.add_input('inputs_embeds', TensorProto.FLOAT, [1, 'sequence', hidden])
    positions = g.add_input('position_ids', TensorProto.INT64, [1, 'sequence'])
    pasts = []
    for i in range(c.num_hidden_layers):
        pasts.append([g.add_input(f'past_key_values.{i}.{kind}', TensorProto.FLOAT, [1, 'past_sequence', heads, dim]) for kind in ('key', 'value')])

    cos_table, sin_table = rotary_tables(cfg)
    cos = g.op('Unsqueeze', [g.op('Gather', [g.weight('rotary.cos', cos_table), positions], 'rotary/cos'), g.const([1])], 'rotary/cos_4d')
    sin = g.op('Unsqueeze', [g.op('Gather', [g.weight('rotary.sin', sin_table), positions], 'rotary/sin'), g.const([1])], 'rotary/sin_4d')

    # Causal mask from absolute positions: a query at position p sees keys 0..p (batch 1, no padding).
    past_len = g.op('Gather', [g.op('Shape', [pasts[0][0]], 'mask/past_shape'), g.const(1)], 'mask/past_len')
    seq_len = g.op('Gather', [g.op('Shape', [x], 'mask/input_shape'), g.const(1)], 'mask/seq_len')
    total = g.op('Add', [past_len, seq_len], 'mask/total_len')
    key_pos = g.op('Range', [g.const(0), total, g.const(1)], 'mask/key_positions')
    query_pos = g.op('Unsqueeze', [positions, g.const([1, 3])], 'mask/query_positions')
    visible = g.op('LessOrEqual', [key_pos, query_pos], 'mask/visible')
    masked_value = g.const(np.finfo(np.float32).min, np.float32)
    scale = g.const(1.0 / np.sqrt(dim), np.float32)

    for i in range(c.num_hidden_layers):
        pre = f'model.layers.{i}'
        h = rms_norm(g, x, w.llm_weight(f'{pre}.input_layernorm.weight'), c.rms_norm_eps, f'layers.{i}.input_layernorm')
        qkv = hlora_linear(g, h, cfg, w, i, 'qkv_proj', f'{pre}.self_attn.qkv_proj.weight', p)
        q, k, v = g.node('Split', [qkv, g.const([hidden, hidden, hidden])], f'layers.{i}.attn/split_qkv', outputs=3, axis=2)
        heads_shape = g.const([0, 0, heads, dim])
        to_heads = lambda t, n: g.op('Transpose', [g.op('Reshape', [t, heads_shape], f'layers.{i}.attn/{n}_reshape')], f'layers.{i}.attn/{n}_heads', perm=[0, 2, 1, 3])
        q = apply_rotary(g, to_heads(q, 'q'), cos, sin, dim // 2, f'layers.{i}.attn/q')
        k = apply_rotary(g, to_heads(k, 'k'), cos, sin, dim // 2, f'layers.{i}.attn/k')
        # Back to position-major [1, S, heads, dim]: the layout of the cache and of this step's output.
        k_step = g.op('Transpose', [k], f'step_key_values.{i}.key', perm=[0, 2, 1, 3])
        v_step = g.op('Reshape', [v, heads_shape], f'step_key_values.{i}.value')
        g.add_output(k_step, TensorProto.FLOAT, [1, 'sequence', heads, dim])
        g.add_output(v_step, TensorProto.FLOAT, [1, 'sequence', heads, dim])
        k_all = g.op('Concat', [pasts[i][0], k_step], f'layers.{i}.attn/k_all', axis=1)
        v_all = g.op('Concat', [pasts[i][1], v_step], f'layers.{i}.attn/v_all', axis=1)
        k_t = g.op('Transpose', [k_all], f'layers.{i}.attn/k_t', perm=[0, 2, 3, 1])  # [1, heads, dim, total]
        v_all = g.op('Transpose', [v_all], f'layers.{i}.attn/v_heads', perm=[0, 2, 1, 3])  # [1, heads, total, dim]
        scores = g.op('Mul', [g.op('MatMul', [q, k_t], f'layers.{i}.attn/qk'), scale], f'layers.{i}.attn/scaled')
        scores = g.op('Where', [visible, scores, masked_value], f'layers.{i}.attn/causal')
        probs = g.op('Softmax', [scores], f'layers.{i}.attn/softmax', axis=-1)
        ctx = g.op('Transpose', [g.op('MatMul', [probs, v_all], f'layers.{i}.attn/context')], f'layers.{i}.attn/context_t', perm=[0, 2, 1, 3])
        ctx = g.op('Reshape', [ctx, g.const([0, 0, hidden])], f'layers.{i}.attn/merge_heads')
        x = g.op('Add', [x, hlora_linear(g, ctx, cfg, w, i, 'o_proj', f'{pre}.self_attn.o_proj.weight', p)], f'layers.{i}.attn_residual')

        h = rms_norm(g, x, w.llm_weight(f'{pre}.post_attention_layernorm.weight'), c.rms_norm_eps, f'layers.{i}.post_attention_layernorm')
        gate_up = hlora_linear(g, h, cfg, w, i, 'gate_up_proj', f'{pre}.mlp.gate_up_proj.weight', p)
        gate, up = g.node('Split', [gate_up, g.const([c.intermediate_size, c.intermediate_size])], f'layers.{i}.mlp/split_gate_up', outputs=2, axis=2)
        silu = g.op('Mul', [gate, g.op('Sigmoid', [gate], f'layers.{i}.mlp/sigmoid')], f'layers.{i}.mlp/silu')
        act = g.op('Mul', [silu, up], f'layers.{i}.mlp/gated')
        x = g.op('Add', [x, hlora_linear(g, act, cfg, w, i, 'down_proj', f'{pre}.mlp.down_proj.weight', p)], f'layers.{i}.mlp_residual')

    last = g.op('Slice', [x, g.const([-1]), g.const([INT64_MAX]), g.const([1])], 'last_position')
    last = rms_norm(g, last, w.llm_weight('model.norm.weight'), c.rms_norm_eps, 'final_norm')
    lm_head = w.resized_vocab_matrix('lm_head.weight')
    logits = base_linear(g, last, lm_head, 'lm_head', p, bits=p.lm_head_bits)
    logits = g.op('Squeeze', [logits, g.const([1])], 'logits')
    g.add_output(logits, TensorProto.FLOAT, [1, lm_head.shape[0]])
    return g.model('radstation-healthgpt-converter')


def build_embedding(w: HealthGptWeights, p: Precision):
    """input_ids [1, S] → inputs_embeds [1, S, H]; a separate graph so the runtime can splice image features."""
    table = w.resized_vocab_matrix('model.embed_tokens.weight')
    g = GraphBuilder('healthgpt_embed_tokens')
    ids = g.add_input('input_ids', TensorProto.INT64, [1, 'sequence'])
    if p.name == 'fp32':
        out = g.op('Gather', [g.weight('embed_tokens.weight', table), ids], 'inputs_embeds')
    else:
        q, scale = quantize_rows_int8(table)
        rows = g.op('Cast', [g.op('Gather', [g.weight('embed_tokens.qweight', q), ids], 'embed/gather_q')], 'embed/dequant_cast', to=TensorProto.FLOAT)
        out = g.op('Mul', [rows, g.op('Gather', [g.weight('embed_tokens.row_scales', scale), ids], 'embed/gather_scale')], 'inputs_embeds')
    g.add_output(out, TensorProto.FLOAT, [1, 'sequence', table.shape[1]])
    return g.model('radstation-healthgpt-converter')
