import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleDir, pythonUnavailableReason, runPython } from '../helpers/model-python';
import { sharedDataDir } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const missing = pythonUnavailableReason() ?? (fs.existsSync(path.join(sharedDataDir, 'volumes')) ? null : `shared data not found at ${sharedDataDir}`);
if (missing) console.warn(`model evaluation subset test skipped: ${missing}`);

interface Scores {
  psnr: number;
  ssim: number;
  mse: number;
}
interface Subset {
  superres: Record<string, { brain: Scores; full: Scores }>;
  translation: Record<string, { brain: Scores; full: Scores }>;
  vqa: { questions: number; closedAccuracy: number; allAccuracy: number };
}

describe.skipIf(missing !== null)('model evaluation, re-run on the fixed held-out subset', () => {
  const temp = makeTempDir('radstation-model-eval-');
  afterAll(() => temp.cleanup());

  it('reproduces EVAL.json subset figures from the shipped int8 graphs in onnxruntime-node', () => {
    const out = path.join(temp.dir, 'subset.json');
    runPython(['evaluate.py', '--subset', '--graphs', bundleDir, '--out', out]);
    const fresh = JSON.parse(fs.readFileSync(out, 'utf8')) as Subset;
    const recorded = (JSON.parse(fs.readFileSync(path.join(bundleDir, 'EVAL.json'), 'utf8')) as { subset: Subset }).subset;
    const tasks = [...Object.keys(recorded.superres), ...Object.keys(recorded.translation)];
    expect(tasks.length).toBe(6);
    for (const [group, task] of [...Object.keys(recorded.superres).map((t) => ['superres', t] as const), ...Object.keys(recorded.translation).map((t) => ['translation', t] as const)]) {
      for (const region of ['brain', 'full'] as const) {
        const a = fresh[group][task]![region];
        const b = recorded[group][task]![region];
        expect(a.psnr, `${task} ${region} PSNR`).toBeCloseTo(b.psnr, 1);
        expect(a.ssim, `${task} ${region} SSIM`).toBeCloseTo(b.ssim, 3);
      }
    }
    expect(fresh.vqa.questions).toBe(recorded.vqa.questions);
    expect(fresh.vqa.closedAccuracy).toBeCloseTo(recorded.vqa.closedAccuracy, 1);
    expect(fresh.vqa.allAccuracy).toBeCloseTo(recorded.vqa.allAccuracy, 1);
  }, 300_000);
});
