"""CLIP ViT vision tower up to the selected hidden state, then the mlp2x_gelu projector, as ONNX.

Input: pixel_values [1, 3, S, S], already padded to a square with the mean colour, resized and
normalised with CLIP's mean/std by the runtime. Output: image_features [1, patches, llm_hidden].
"""
from __future__ import annotations

import numpy as np
from onnx import TensorProto

from arch_config import HealthGptConfig
from graph_builder import GraphBuilder
from healthgpt_weights import HealthGptWeights

INT64_MAX = np.iinfo(np.int64).max


def layer_norm(g: GraphBuilder, x: str, w: HealthGptWeights, key: str, eps: float, name: str) -> str:
    return g.op('LayerNormalization', [x, g.weight(f'{key}.weight', w.vision_weight(f'{key}.weight')), g.weight(f'{key}.bias', w.vision_weight(f'{key}.bias'))],
                name, axis=-1, epsilon=eps)


def vision_linear(g: GraphBuilder, x: str, w: HealthGptWeights, key: str, name: str, scale: float = 1.0) -> str:
    # CLIP scales queries by head_dim^-0.5 after q_proj; folding it into q_proj's weight and bias is exact up to rounding.
    return g.linear_fp32(x, w.vision_weight(f'{key}.weight') * scale, w.vision_weight(f'{key}.bias') * scale, name)


def build_vision_encoder(cfg: HealthGptConfig, w: HealthGptWeights):
    v = cfg.vision
    d, heads = v.hidden_size, v.num_attention_heads
    head_dim = d // heads
    g = GraphBuilder('healthgpt_vision_encoder')
    pixels = g.add_input('pixel_values', TensorProto.FLOAT, [1, 3, v.image_size, v.image_size])
    emb = 'vision_model.embeddings'
    patches = g.op('Conv', [pixels, g.weight(f'{emb}.patch_embedding.weight', w.vision_weight(f'{emb}.patch_embedding.weight'))],
                   'patch_embedding', kernel_shape=[v.patch_size, v.patch_size], strides=[v.patch_size, v.patch_size])
    patches = g.op('Transpose', [g.op('Reshape', [patches, g.const([1, d, -1])], 'patches/flatten')], 'patches/tokens', perm=[0, 2, 1])
    cls = g.weight(f'{emb}.class_embedding', w.vision_weight(f'{emb}.class_embedding').reshape(1, 1, d))
    x = g.op('Concat', [cls, patches], 'tokens_with_cls', axis=1)
    x = g.op('Add', [x, g.weight(f'{emb}.position_embedding.weight', w.vision_weight(f'{emb}.position_embedding.weight')[None])], 'position_embedding')
    x = layer_norm(g, x, w, 'vision_model.pre_layrnorm', v.layer_norm_eps, 'pre_layrnorm')

    heads_shape = g.const([0, 0, heads, head_dim])
    for i in range(cfg.vision_layers_run):
        key = f'vision_model.encoder.layers.{i}'
        n = f'clip.{i}'
        h = layer_norm(g, x, w, f'{key}.layer_norm1', v.layer_norm_eps, f'{n}/layer_norm1')
        split = lambda t, part: g.op('Transpose', [g.op('Reshape', [t, heads_shape], f'{n}/{part}_reshape')], f'{n}/{part}_heads', perm=[0, 2, 1, 3])
        q = split(vision_linear(g, h, w, f'{key}.self_attn.q_proj', f'{n}/q_proj', head_dim ** -0.5), 'q')
        k = split(vision_linear(g, h, w, f'{key}.self_attn.k_proj', f'{n}/k_proj'), 'k')
        val = split(vision_linear(g, h, w, f'{key}.self_attn.v_proj', f'{n}/v_proj'), 'v')
        scores = g.op('MatMul', [q, g.op('Transpose', [k], f'{n}/k_t', perm=[0, 1, 3, 2])], f'{n}/qk')
        ctx = g.op('MatMul', [g.op('Softmax', [scores], f'{n}/softmax', axis=-1), val], f'{n}/context')
        ctx = g.op('Reshape', [g.op('Transpose', [ctx], f'{n}/context_t', perm=[0, 2, 1, 3]), g.const([0, 0, d])], f'{n}/merge_heads')
        x = g.op('Add', [x, vision_linear(g, ctx, w, f'{key}.self_attn.out_proj', f'{n}/out_proj')], f'{n}/attn_residual')
        h = layer_norm(g, x, w, f'{key}.layer_norm2', v.layer_norm_eps, f'{n}/layer_norm2')
        h = vision_linear(g, h, w, f'{key}.mlp.fc1', f'{n}/fc1')
        h = g.op('Mul', [h, g.op('Sigmoid', [g.op('Mul', [h, g.const(1.702, np.float32)], f'{n}/quick_gelu_scale')], f'{n}/quick_gelu_sigmoid')], f'{n}/quick_gelu')
        x = g.op('Add', [x, vision_linear(g, h, w, f'{key}.mlp.fc2', f'{n}/fc2')], f'{n}/mlp_residual')

    # 'patch' feature selection: drop the CLS token.
    x = g.op('Slice', [x, g.const([1]), g.const([INT64_MAX]), g.const([1])], 'drop_cls')
    x = g.linear_fp32(x, w.projector_weight('0.weight'), w.projector_weight('0.bias'), 'mm_projector.0')
    # nn.GELU's default is the exact erf form: 0.5 x (1 + erf(x / sqrt 2)).
    erf = g.op('Erf', [g.op('Mul', [x, g.const(1.0 / np.sqrt(2.0), np.float32)], 'mm_projector.gelu/scale')], 'mm_projector.gelu/erf')
    x = g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, g.const(1.0, np.float32)], 'mm_projector.gelu/add_one')], 'mm_projector.gelu/x_times'), g.const(0.5, np.float32)], 'mm_projector.gelu')
    x = g.linear_fp32(x, w.projector_weight('2.weight'), w.projector_weight('2.bias'), 'mm_projector.2')
    out = g.op('Identity', [x], 'image_features')
    g.add_output(out, TensorProto.FLOAT, [1, v.num_patches, cfg.llm.hidden_size])
    return g.model('radstation-healthgpt-converter')
