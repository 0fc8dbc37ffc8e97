"""Convert HealthGPT-M3 (comprehension) from its official files into a Radstation model bundle.

  /usr/bin/python3 build/model/healthgpt/convert.py --phi3 Phi-3-mini-4k-instruct/ \
      --clip clip-vit-large-patch14-336/ --hlora com_hlora_weights.bin --out healthgpt-m3/ [--precision int4|fp32]

Writes vision_encoder.onnx, embed_tokens.onnx, decoder.onnx, tokenizer.json and manifest.json.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import hashlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from arch_config import ClipVisionConfig, HealthGptConfig, HLoraConfig, Phi3Config  # noqa: E402
from decoder_graph import Precision, build_decoder, build_embedding  # noqa: E402
from graph_builder import save_model  # noqa: E402
from healthgpt_weights import HealthGptWeights  # noqa: E402
from model_card import model_card  # noqa: E402
from tokenizer_files import build_tokenizer, stop_token_ids  # noqa: E402
from vision_graph import build_vision_encoder  # noqa: E402

PHI3_INSTRUCT = {
    # HealthGPT's conv_phi3_instruct: MPT separator style.
    'template': 'phi3_instruct',
    'system': '<|system|>\nYou are a helpful AI assistant.',
    'userRole': '\n<|user|>\n',
    'assistantRole': '\n<|assistant|>\n',
    'separator': '<|end|>',
    'imageToken': '<image>',
}


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--phi3', required=True, help='Phi-3-mini-4k-instruct folder (config.json, tokenizer files, safetensors shards)')
    p.add_argument('--clip', required=True, help='clip-vit-large-patch14-336 folder (config.json, preprocessor_config.json, weights)')
    p.add_argument('--hlora', required=True, help='com_hlora_weights.bin')
    p.add_argument('--out', required=True, help='bundle folder to write')
    p.add_argument('--precision', default='int4',
                   help="int4 (default), fp32, or both as 'fp32,int4', which writes OUT-fp32 and OUT-int4 from one read of the weights")
    # Level 4 lets the CPU kernel quantise activations to int8 per block: ~5x faster decoding than level 0 for
    # the same answers up to rounding (measured on a 3072x9216 MatMulNBits, onnxruntime-node 1.30).
    p.add_argument('--accuracy-level', type=int, default=4, choices=[0, 1, 2, 3, 4],
                   help='MatMulNBits accuracy_level: 4 (default) computes with int8 activations, 0 in fp32')
    p.add_argument('--hlora-r', type=int, default=64)
    p.add_argument('--hlora-alpha', type=int, default=128)
    p.add_argument('--hlora-experts', type=int, default=4)
    p.add_argument('--vq-idx-nums', type=int, default=8192)
    p.add_argument('--bundle-id', default='healthgpt-m3')
    p.add_argument('--name', default='HealthGPT-M3 (comprehension)')
    p.add_argument('--max-new-tokens', type=int, default=512)
    return p.parse_args(argv)


def peak_rss_mb():
    """This process's peak resident memory, where the platform reports it (not on Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1 << 20 if sys.platform == 'darwin' else 1 << 10), 1)  # bytes on macOS, KiB on Linux


def describe_dtypes(counts: dict) -> str:
    """{'bf16': 258} -> 'bf16'; a mixed file lists each dtype with its tensor count."""
    return next(iter(counts)) if len(counts) == 1 else ', '.join(f'{dtype} ({n} tensors)' for dtype, n in counts.items())


def convert(args) -> None:
    started = time.monotonic()
    precisions = args.precision.split(',')
    if any(p not in ('fp32', 'int4') for p in precisions):
        raise SystemExit(f'--precision: expected int4, fp32 or fp32,int4, got {args.precision}')
    cfg = HealthGptConfig(llm=Phi3Config.from_hf(args.phi3), vision=ClipVisionConfig.from_hf(args.clip),
                          hlora=HLoraConfig(r=args.hlora_r, alpha=args.hlora_alpha, experts=args.hlora_experts), vq_idx_nums=args.vq_idx_nums)
    tok = build_tokenizer(args.phi3, cfg.vq_idx_nums)
    weights = HealthGptWeights(args.phi3, args.clip, args.hlora, tok['base_length'], tok['added_count'])
    print(f'{os.path.basename(args.hlora)}: tensors stored as {describe_dtypes(weights.adapter_dtypes)}')
    if weights.unused_adapter_keys:
        print(f'note: {len(weights.unused_adapter_keys)} adapter keys not used by comprehension, e.g. {weights.unused_adapter_keys[:3]}')
    for name in precisions:
        out = args.out if len(precisions) == 1 else f'{args.out}-{name}'
        write_bundle(args, cfg, tok, weights, Precision(name, accuracy_level=args.accuracy_level), out)
        print(out)
    # The last line: what the conversion cost, for the benchmark and for the documentation's requirements.
    print(json.dumps({'convert_s': round(time.monotonic() - started, 1), 'convert_peak_rss_mb': peak_rss_mb()}), flush=True)


def write_bundle(args, cfg: HealthGptConfig, tok, weights: HealthGptWeights, precision: Precision, out: str) -> None:
    os.makedirs(out, exist_ok=True)
    graphs = {'vision': 'vision_encoder.onnx', 'embed': 'embed_tokens.onnx', 'decoder': 'decoder.onnx'}
    for key, builder in (('vision', lambda: build_vision_encoder(cfg, weights)), ('embed', lambda: build_embedding(weights, precision)),
                         ('decoder', lambda: build_decoder(cfg, weights, precision))):
        print(f'building {graphs[key]} ({precision.name})', flush=True)
        model = builder()
        save_model(model, os.path.join(out, graphs[key]))
        del model
        gc.collect()

    with open(os.path.join(out, 'tokenizer.json'), 'w', encoding='utf-8') as f:
        json.dump(tok['tokenizer_json'], f, ensure_ascii=False)
    sources = {'phi3': os.path.basename(os.path.normpath(args.phi3)), 'clip': os.path.basename(os.path.normpath(args.clip)),
               'hlora': f'{os.path.basename(args.hlora)}, stored as {describe_dtypes(weights.adapter_dtypes)}'}
    with open(os.path.join(out, 'MODEL_CARD.md'), 'w', encoding='utf-8') as f:
        f.write(model_card(cfg, precision.name, precision.accuracy_level, sources))
    write_manifest(args, cfg, tok, stop_token_ids(args.phi3, tok['tokenizer_json']), graphs, precision.name, out)


def write_manifest(args, cfg: HealthGptConfig, tok, stops, graphs, precision: str, out: str) -> None:
    c = cfg.llm
    settings = tok['settings']
    generation = {
        'family': 'healthgpt-phi3',
        'graphs': graphs,
        'tokenizer': {'file': 'tokenizer.json', 'addBosToken': settings['addBosToken'], 'bosToken': settings['bosToken'],
                      'unkToken': settings['unkToken'], 'legacy': settings['legacy'],
                      'specialTokens': [t for t in settings['specialTokens'] if not t.startswith('<idx_')],
                      'specialIdsFrom': tok['base_length']},
        'prompt': PHI3_INSTRUCT,
        'image': {'size': cfg.vision.image_size, 'mean': cfg.vision.image_mean, 'std': cfg.vision.image_std,
                  'padToSquare': True, 'resample': 'bicubic', 'tokens': cfg.vision.num_patches},
        'decoder': {'layers': c.num_hidden_layers, 'kvHeads': c.num_key_value_heads, 'headDim': c.head_dim,
                    'hiddenSize': c.hidden_size, 'vocabSize': tok['length'], 'maxPositions': c.max_position_embeddings,
                    'precision': precision},
        'stopTokenIds': stops,
        'defaults': {'maxNewTokens': args.max_new_tokens, 'sampling': 'greedy', 'temperature': 1.0, 'topP': 0.9},
    }
    files = []
    for name in sorted(os.listdir(out)):
        path = os.path.join(out, name)
        if name != 'manifest.json' and os.path.isfile(path):
            files.append({'path': name, 'bytes': os.path.getsize(path), 'sha256': sha256(path)})
    manifest = {
        'schemaVersion': 1, 'id': args.bundle_id, 'name': args.name, 'version': f'1.0.0-{precision}',
        'license': 'HealthGPT weights: see the HealthGPT model card; Phi-3: MIT; CLIP: MIT',
        'provenance': {'trainingData': ['HealthGPT VL-Health (per the HealthGPT authors)'], 'codeRevision': 'radstation build/model/healthgpt',
                       'date': datetime.date.today().isoformat(), 'hardware': 'converted on CPU; no training here'},
        'tasks': [{
            'id': 'report-qa', 'kind': 'vlm-generate', 'label': 'Ask about this image (HealthGPT)',
            'graphs': list(graphs.values()),
            'inputs': [{'name': 'pixel_values', 'dataType': 'float32', 'shape': [1, 3, cfg.vision.image_size, cfg.vision.image_size]},
                       {'name': 'inputs_embeds', 'dataType': 'float32', 'shape': [1, 'sequence', c.hidden_size]},
                       {'name': 'position_ids', 'dataType': 'int64', 'shape': [1, 'sequence']}],
            'outputs': [{'name': 'logits', 'dataType': 'float32', 'shape': [1, tok['length']]}],
            'accepts': {'modalities': ['CT', 'MR', 'CR', 'DX', 'US', 'XA', 'MG', 'PT', 'OT']},
            'generation': generation,
        }],
        'files': files,
    }
    with open(os.path.join(out, 'manifest.json'), 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=2)


if __name__ == '__main__':
    convert(parse_args())
