"""Reference answers for the parity test: PIL preprocessing as HealthGPT does it, then greedy decoding
with the PyTorch reference model saved by make_tiny_checkpoint.py.

  /usr/bin/python3 parity_reference.py WORK_DIR REQUEST.json OUTPUT.json
REQUEST: {"input_ids": [... -200 ...], "image": {"width", "height", "channels", "path"}, "steps": 32,
          "int4": "forced" (default: int4 logits on the fp32 tokens) or "greedy" (int4 greedy tokens and their logits)}
WORK_DIR holds reference.pt (the tiny model's state) or reference.json (a full-width checkpoint's seed and
config, from which full_checkpoint.py regenerates the values).
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from arch_config import ClipVisionConfig, HealthGptConfig, HLoraConfig, Phi3Config  # noqa: E402
from quantize import dequantize_nbits, quantize_nbits, quantize_rows_int8  # noqa: E402
from reference import IMAGE_TOKEN_INDEX, HealthGptReference  # noqa: E402


def expand2square(img: Image.Image, fill) -> Image.Image:
    w, h = img.size
    if w == h:
        return img
    side = max(w, h)
    out = Image.new(img.mode, (side, side), fill)
    out.paste(img, ((side - w) // 2, (side - h) // 2))
    return out


def preprocess(spec: dict, v: ClipVisionConfig):
    raw = np.fromfile(spec['path'], dtype=np.uint8)
    mode = 'L' if spec['channels'] == 1 else 'RGB'
    img = Image.frombytes(mode, (spec['width'], spec['height']), raw.tobytes()).convert('RGB')
    img = expand2square(img, tuple(int(m * 255) for m in v.image_mean))
    img = img.resize((v.image_size, v.image_size), Image.BICUBIC)
    resized = np.asarray(img, dtype=np.uint8)
    x = resized.astype(np.float32) / 255.0
    x = (x - np.array(v.image_mean, dtype=np.float32)) / np.array(v.image_std, dtype=np.float32)
    return torch.from_numpy(x.transpose(2, 0, 1)[None].copy()), resized


def load_reference(work: str) -> HealthGptReference:
    spec_path = os.path.join(work, 'reference.json')
    if os.path.exists(spec_path):
        from full_checkpoint import reference_model
        with open(spec_path) as f:
            return reference_model(json.load(f))
    saved = torch.load(os.path.join(work, 'reference.pt'))
    c = saved['config']
    cfg = HealthGptConfig(llm=Phi3Config(**c['llm']), vision=ClipVisionConfig(**c['vision']), hlora=HLoraConfig(**c['hlora']),
                          vision_select_layer=c['vision_select_layer'], vq_idx_nums=c['vq_idx_nums'])
    model = HealthGptReference(cfg, saved['vocab_rows'])
    model.load_state_dict(saved['state'])
    return model.eval()


def simulate_int4(model: HealthGptReference) -> HealthGptReference:
    """The weights the int4 bundle computes with: 4-bit blocks of 32 for the base linears, 8-bit blocks for
    lm_head, int8 rows for the embeddings; H-LoRA, norms and the vision tower stay fp32."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.startswith('model.layers.') and name.endswith('.weight') and p.dim() == 2 and 'lora_' not in name:
                p.copy_(torch.from_numpy(dequantize_nbits(quantize_nbits(p.numpy(), 4, 32))))
        head = model.lm_head.weight
        head.copy_(torch.from_numpy(dequantize_nbits(quantize_nbits(head.numpy(), 8, 32))))
        table = model.model.embed_tokens.weight
        q, scale = quantize_rows_int8(table.numpy())
        table.copy_(torch.from_numpy(q.astype(np.float32) * scale))
    return model


@torch.no_grad()
def forced_logits(model: HealthGptReference, input_ids, pixels, tokens):
    """Logits at each step when the given tokens are fed back (teacher forcing)."""
    parts = [model.encode_image(pixels)[0] if t == IMAGE_TOKEN_INDEX else model.model.embed_tokens.weight[t][None] for t in input_ids]
    embeds = torch.cat(parts, dim=0)[None]
    logits, cache = model.step(embeds, 0, None)
    out, pos = [], embeds.shape[1]
    for token in tokens:
        out.append(logits.clone())
        logits, cache = model.step(model.model.embed_tokens.weight[token][None, None], pos, cache)
        pos += 1
    return torch.stack(out)


def main(work: str, request_path: str, output_path: str) -> None:
    with open(request_path) as f:
        request = json.load(f)
    model = load_reference(work)
    pixels, resized = preprocess(request['image'], model.cfg.vision)
    tokens, logits = model.generate(request['input_ids'], pixels, request['steps'])
    result = {'tokens': tokens, 'logits': logits.tolist(), 'resized_rgb': output_path + '.resized.rgb'}
    simulated = simulate_int4(model)
    if request.get('int4', 'forced') == 'greedy':
        int4_tokens, int4_logits = simulated.generate(request['input_ids'], pixels, request['steps'])
        result.update(int4_tokens=int4_tokens, int4_logits=int4_logits.tolist())
    else:
        result['simulated_int4_logits'] = forced_logits(simulated, request['input_ids'], pixels, tokens).tolist()
    resized.tofile(output_path + '.resized.rgb')
    with open(output_path, 'w') as f:
        json.dump(result, f)


if __name__ == '__main__':
    main(*sys.argv[1:4])
