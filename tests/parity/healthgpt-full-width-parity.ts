/**
 * HealthGPT parity at HealthGPT-M3's real widths: Phi-3-mini's hidden 3072, MLP 8192, 32 heads, vocabulary
 * 32064 (40206 after HealthGPT's tokens), CLIP ViT-L/14-336 at 336 px (576 image tokens), H-LoRA rank 64 with
 * 4 experts. Only the depth is cut: one decoder layer and two CLIP layers (the penultimate hidden state is
 * used, so one CLIP block runs). Every width-dependent piece the full-size model has is here (each kind of
 * layer, the embedding and the head at full size, the 4-bit blocks, the KV cache's shape, the resized
 * vocabulary), at a fraction of the time: 32 layers would only repeat the same block.
 *
 * The random checkpoint is written in the official layouts by make_tiny_checkpoint.py --full-size, converted
 * by convert.py (fp32 and int4), run by the TypeScript runtime and compared with the PyTorch reference, which
 * regenerates the weights from their seed rather than reading the converter's input files.
 * Ends with one JSON line of figures; exits non-zero when a bound is broken.
 */
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../helpers/temp-dir';
import { expandToSquare, resizeBicubic, toRgb } from '../../src-main/inference/vlm/image-preprocess';
import { VlmSession } from '../../src-main/inference/vlm/vlm-session';
import { check, maxAbsDiff, python, pythonMissing, stopwatch, testSlice, TOOL_DIR } from './parity-helpers';

const STEPS = 6;
// The tiny parity test's bounds: fp32 within 1e-3 of the reference; the int4 graph within 0.2 of torch on the
// same dequantised weights (accuracy_level 4 quantises activations to int8 per block, which moves logits a little).
const FP32_MAX_LOGIT_DIFF = 1e-3;
const INT4_GRAPH_MAX_LOGIT_DIFF = 0.2;
const THREADS = 2;

interface Reference {
  tokens: number[];
  logits: number[][];
  int4_tokens: number[];
  int4_logits: number[][];
  resized_rgb: string;
}

const lap = stopwatch();

/** The gap between the best and the second-best logit: a greedy choice closer than the graph's tolerance is a tie. */
function topTwoMargin(row: readonly number[]): number {
  let best = -Infinity;
  let second = -Infinity;
  for (const v of row) {
    if (v > best) [best, second] = [v, best];
    else if (v > second) second = v;
  }
  return best - second;
}

async function main(): Promise<void> {
  const missing = pythonMissing();
  if (missing) {
    console.log(`full-width parity skipped: ${missing}. Set RADSTATION_PYTHON to a Python with torch 1.13+, onnx 1.12+, numpy and Pillow.`);
    return;
  }
  // HEALTHGPT_PARITY_DIR keeps the checkpoint and bundles in a folder of one's choice, made once, for working on the runtime.
  const kept = process.env['HEALTHGPT_PARITY_DIR'];
  const { dir, cleanup } = kept ? { dir: kept, cleanup: () => undefined } : makeTempDir('radstation-healthgpt-full-width-');
  try {
    if (!fs.existsSync(path.join(dir, 'bundle-int4', 'manifest.json'))) {
      python([path.join(TOOL_DIR, 'make_tiny_checkpoint.py'), dir, '--full-size', '--llm-layers', '1', '--vision-layers', '2', '--convert'], THREADS);
      lap('full-width checkpoint (1 decoder layer, 2 CLIP layers) written and converted');
    }
    const image = testSlice(320, 256); // not square: the runtime pads it, then resizes it up to 336 px
    fs.writeFileSync(path.join(dir, 'slice.raw'), image.data);
    const question = 'is there a fracture in the left lung?';

    const fp32 = await VlmSession.open(path.join(dir, 'bundle-fp32'), { intraOpNumThreads: THREADS });
    const promptIds = fp32.promptIds(question, true);
    const imageTokens = fp32.bundle.generation.image.tokens;
    const s = fp32.bundle.generation.image;
    const ours = resizeBicubic(expandToSquare(toRgb(image), s.mean.map((m) => Math.trunc(m * 255)) as [number, number, number]), s.size, s.size).data;
    const a = await fp32.ask({ question, image, maxNewTokens: STEPS, keepLogits: true, ignoreStopTokens: true });
    await fp32.close();
    lap(`fp32 bundle answered (${a.promptTokens} prompt positions)`);

    const int4 = await VlmSession.open(path.join(dir, 'bundle-int4'), { intraOpNumThreads: THREADS });
    const b = await int4.ask({ question, image, maxNewTokens: STEPS, keepLogits: true, ignoreStopTokens: true });
    await int4.close();
    lap('int4 bundle answered');

    const request = { input_ids: promptIds, steps: STEPS, int4: 'greedy', image: { width: image.width, height: image.height, channels: 1, path: path.join(dir, 'slice.raw') } };
    fs.writeFileSync(path.join(dir, 'request.json'), JSON.stringify(request));
    python([path.join(TOOL_DIR, 'parity_reference.py'), dir, path.join(dir, 'request.json'), path.join(dir, 'reference.json')], THREADS);
    lap('PyTorch reference done');
    const reference = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) as Reference;

    const pil = fs.readFileSync(reference.resized_rgb);
    const resizedPixelsEqual = ours.length === pil.length && ours.every((v, i) => v === pil[i]);
    const fp32TokensEqual = a.tokenIds.length === STEPS && a.tokenIds.every((t, i) => t === reference.tokens[i]);
    const fp32MaxLogitDiff = Math.max(...(a.logits ?? []).map((row, i) => maxAbsDiff(row, reference.logits[i] ?? [])));

    // int4: the bundle's greedy tokens against torch's greedy tokens on the same dequantised weights. A step may
    // differ only where torch's top two logits are closer than the graph's tolerance (a tie the int8 activations
    // may break either way); after such a step the two answers continue from different tokens, so comparison stops.
    let comparedSteps = 0;
    let int4GraphDiff = 0;
    let int4TokensAgree = b.tokenIds.length === STEPS;
    for (let i = 0; i < STEPS && int4TokensAgree; i++) {
      int4GraphDiff = Math.max(int4GraphDiff, maxAbsDiff(b.logits?.[i] ?? new Float32Array(), reference.int4_logits[i] ?? []));
      comparedSteps = i + 1;
      if (b.tokenIds[i] !== reference.int4_tokens[i]) {
        const margin = topTwoMargin(reference.int4_logits[i] ?? []);
        if (margin > INT4_GRAPH_MAX_LOGIT_DIFF) int4TokensAgree = false;
        console.log(`int4 step ${i}: bundle chose ${b.tokenIds[i]}, torch ${reference.int4_tokens[i]} (torch's top-two margin ${margin.toFixed(3)})`);
        break;
      }
    }

    console.log(`prompt: ${a.promptTokens} positions (${imageTokens} image tokens); vocabulary ${fp32.bundle.generation.decoder.vocabSize}`);
    console.log(`reference tokens      ${reference.tokens.join(' ')}\nfp32 runtime tokens   ${a.tokenIds.join(' ')}`);
    console.log(`int4 reference tokens ${reference.int4_tokens.join(' ')}\nint4 runtime tokens   ${b.tokenIds.join(' ')}`);
    check(imageTokens === 576, `expected 576 image tokens at 336 px in patches of 14, got ${imageTokens}`);
    check(resizedPixelsEqual, "the runtime's padded, resized image differs from PIL's");
    check(fp32TokensEqual, 'fp32 greedy tokens differ from the reference');
    check(fp32MaxLogitDiff <= FP32_MAX_LOGIT_DIFF, `fp32 max logit diff ${fp32MaxLogitDiff} > ${FP32_MAX_LOGIT_DIFF}`);
    check(int4TokensAgree, 'int4 greedy tokens differ from torch on the same dequantised weights beyond a tie');
    check(int4GraphDiff <= INT4_GRAPH_MAX_LOGIT_DIFF, `int4 graph vs dequantised torch: max logit diff ${int4GraphDiff} > ${INT4_GRAPH_MAX_LOGIT_DIFF}`);
    console.log(JSON.stringify({ config: 'full-width, 1 decoder layer', prompt_positions: a.promptTokens, fp32_tokens_equal: fp32TokensEqual, fp32_max_logit_diff: fp32MaxLogitDiff, int4_steps_compared: comparedSteps, int4_tokens_agree: int4TokensAgree, int4_graph_max_logit_diff: int4GraphDiff }));
  } finally {
    cleanup();
  }
}

await main();
