import path from 'node:path';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot, pythonUnavailableReason, runPython } from '../helpers/model-python';
import { makeTempDir } from '../helpers/temp-dir';

// The HealthGPT converter reads com_hlora_weights.bin's dtype from the file instead of assuming bf16: a re-saved
// fp16 or fp32 adapter converts, with the same values, and the bundle says what it was converted from; a quantised
// (integer) export is refused with the tensor's name. Real torch pickles, the tiny checkpoint, the real converter.
const missing = pythonUnavailableReason();
if (missing) console.log(`HealthGPT adapter dtype tests skipped: ${missing}`);
const healthgpt = path.join(projectRoot, 'build', 'model', 'healthgpt');

describe.skipIf(missing !== null)('HealthGPT converter: the adapter file dtype is detected', () => {
  const temp = makeTempDir('radstation-hlora-dtype-');
  afterAll(() => temp.cleanup());

  it('reads bf16, fp16 and fp32 tensors exactly, reports each dtype, and refuses an int8 weight by name', () => {
    const out = runPython(['-c', `
import json, sys, torch
sys.path.insert(0, ${JSON.stringify(healthgpt)})
from checkpoint import WeightStore
torch.manual_seed(0)
source = torch.randn(4, 6)
state = {'a.lora_A.weight': source.to(torch.bfloat16), 'b.lora_B.weight': source.half(), 'c.weight': source.clone(),
         'q.weight': (source * 20).to(torch.int8), 'position_ids': torch.arange(5)[None]}
path = ${JSON.stringify(path.join(temp.dir, 'mixed.bin'))}
torch.save(state, path)
store = WeightStore(path)
# Expected values: torch's own widening of what was saved, never our reader's.
exact = {k: bool((store.get(k) == state[k].float().numpy()).all()) for k in ('a.lora_A.weight', 'b.lora_B.weight', 'c.weight')}
try:
    store.get('q.weight')
    refused = ''
except ValueError as error:
    refused = str(error)
print(json.dumps({'dtypes': {k: store.dtype(k) for k in state}, 'counts': store.stored_dtypes(), 'exact': exact, 'refused': refused}))
`]);
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { dtypes: Record<string, string>; counts: Record<string, number>; exact: Record<string, boolean>; refused: string };
    expect(result.dtypes).toEqual({ 'a.lora_A.weight': 'bf16', 'b.lora_B.weight': 'fp16', 'c.weight': 'fp32', 'q.weight': 'int8', position_ids: 'int64' });
    expect(result.counts).toEqual({ bf16: 1, fp16: 1, fp32: 1, int64: 1, int8: 1 });
    expect(result.exact).toEqual({ 'a.lora_A.weight': true, 'b.lora_B.weight': true, 'c.weight': true });
    expect(result.refused).toMatch(/q\.weight is stored as int8.*quantised export is not supported/);
  });

  it('converts a tiny checkpoint whose adapter was re-saved as fp16, and says so in the bundle', () => {
    const work = path.join(temp.dir, 'tiny');
    runPython([path.join(healthgpt, 'make_tiny_checkpoint.py'), work], 300_000);
    const adapter = path.join(work, 'com_hlora_weights.bin');
    const resave = (dtype: string, target: string) =>
      runPython(['-c', `import torch; s = torch.load(${JSON.stringify(adapter)}); torch.save({k: v.to(torch.${dtype}) for k, v in s.items()}, ${JSON.stringify(target)})`]);
    const fp16 = path.join(work, 'hlora-fp16.bin');
    resave('float16', fp16);
    const convertArgs = (hlora: string, out: string) => [path.join(healthgpt, 'convert.py'), '--phi3', path.join(work, 'phi3'), '--clip', path.join(work, 'clip'),
      '--hlora', hlora, '--out', out, '--precision', 'fp32', '--vq-idx-nums', '16', '--hlora-r', '8', '--hlora-alpha', '16', '--bundle-id', 'tiny-healthgpt'];
    const printed = runPython(convertArgs(fp16, path.join(work, 'bundle-fp16')), 300_000);
    expect(printed).toContain('hlora-fp16.bin: tensors stored as fp16');
    expect(fs.readFileSync(path.join(work, 'bundle-fp16', 'MODEL_CARD.md'), 'utf8')).toContain('hlora-fp16.bin, stored as fp16');
    // An 8-bit export of the same adapter: refused, naming a tensor and its dtype, and no bundle is written.
    const int8 = path.join(work, 'hlora-int8.bin');
    resave('int8', int8);
    expect(() => runPython(convertArgs(int8, path.join(work, 'bundle-int8')), 300_000)).toThrow(/stored as int8, not a floating-point type/);
    expect(fs.existsSync(path.join(work, 'bundle-int8', 'manifest.json'))).toBe(false);
  }, 900_000);
});
