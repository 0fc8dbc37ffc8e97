import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src-main/services';
import { pydicomAvailable, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// Super-resolution and contrast conversion previews (the panels' call) on real slices, with the shipped
// bundle: the result says how the input differs from the training data, and when bicubic is known to win.
// The facts the warnings rest on (modality, contrast, spacing, matrix, a background that is noise rather
// than blank) are read here with pydicom and numpy.
const skip = pydicomAvailable() ? undefined : 'pydicom or numpy is not available to /usr/bin/python3';
if (skip) console.warn(`input-domain tests skipped: ${skip}`);

const factsScript = `
import json, sys, numpy as np, pydicom
out = {}
for path in sys.argv[1:]:
    ds = pydicom.dcmread(path)
    a = ds.pixel_array
    out[path] = {'modality': ds.Modality, 'contrast': str(ds.get('ContrastBolusAgent', '') or ''), 'spacing': float(ds.PixelSpacing[0]),
                 'matrix': int(max(ds.Rows, ds.Columns)), 'blankBackgroundShare': float((a == a.min()).mean())}
print(json.dumps(out))
`;

describe.skipIf(skip !== undefined)('image tasks say when an input is unlike their training data', () => {
  const temp = makeTempDir('radstation-domain-');
  let services: Services;
  const mprage = () => path.join(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens'), fs.readdirSync(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens')).sort()[90]!);
  const ct = () => path.join(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'), fs.readdirSync(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')).sort()[10]!);
  let facts: Record<string, { modality: string; contrast: string; spacing: number; matrix: number; blankBackgroundShare: number }>;

  beforeAll(() => {
    services = createServices({ host: 'web', cacheDir: path.join(temp.dir, 'cache'), userDataDir: path.join(temp.dir, 'user') });
    facts = runPydicom(factsScript, [mprage(), ct()]);
  });
  afterAll(async () => {
    await services.close();
    temp.cleanup();
  });

  it('T1→T2 on an MPRAGE with skull warns that it learned from skull-stripped volumes', async () => {
    // The MPRAGE's background is noise, not blank: the skull and scalp are there.
    expect(facts[mprage()]!.blankBackgroundShare).toBeLessThan(0.1);
    const preview = await services.inference.previewFile({ taskId: 'mr-t1-to-t2', provider: 'cpu' }, mprage(), 0);
    expect(preview.domain.warnings.join(' ')).toMatch(/trained on skull-stripped.*this input has the skull/);
    expect(preview.domain.bicubicPreferred).toBeNull();
  }, 60_000);

  it('super-resolution on MR with skull says bicubic is better there; on the head CT it is in its training range', async () => {
    const onMr = await services.inference.previewFile({ taskId: 'superres-x2', provider: 'cpu' }, mprage(), 0);
    expect(onMr.domain.bicubicPreferred).toMatch(/worse than bicubic/);
    const ctFacts = facts[ct()]!;
    expect(ctFacts.modality).toBe('CT');
    expect(ctFacts.spacing * ctFacts.matrix).toBeGreaterThan(230);
    expect(ctFacts.spacing * ctFacts.matrix).toBeLessThan(260);
    const onCt = await services.inference.previewFile({ taskId: 'superres-x2', provider: 'cpu' }, ct(), 0);
    expect(onCt.domain).toEqual({ warnings: [], bicubicPreferred: null });
  }, 60_000);
});
