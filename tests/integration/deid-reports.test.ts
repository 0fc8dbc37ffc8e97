import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main';
import { createServices } from '../../src-main/services';
import { runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir('radstation-deid-reports-');
afterAll(() => temp.cleanup());
const context = { host: 'web', client: 'test', role: 'owner' } as const;

describe('A de-identified study in the cache', () => {
  it('is imported by `deidentify --into-cache`, and its report PDF is named without any patient ID', async () => {
    const cacheDir = path.join(temp.dir, 'cache');
    const lines: string[] = [];
    const io = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(`ERR ${text}`) };
    const code = await runCli(['deidentify', sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'), '--out', path.join(temp.dir, 'out'), '--cache', cacheDir, '--into-cache', '--json'], io);
    expect(code, lines.join('\n')).toBe(0);
    const report = JSON.parse(lines[0] ?? '{}') as { files: number; written: number; excluded: unknown[]; options: string[]; project: string; imported: { instances: number; studies: string[] } };
    expect(report).toMatchObject({ files: 28, written: 28, excluded: [], options: [], project: 'default', imported: { instances: 28 } });
    const [studyInstanceUid] = report.imported.studies;
    if (!studyInstanceUid) throw new Error('no study imported');

    const services = createServices({ host: 'web', cacheDir });
    try {
      const [study] = services.studies.list({ limit: 10 }).filter((candidate) => candidate.studyInstanceUid === studyInstanceUid);
      expect(study?.patientName).toBe('');
      const pdf = await services.handlers['reports.exportPdf']({ studyInstanceUid }, context);
      expect(study?.patientId).toMatch(/^ANON-/);
      expect(pdf.fileName).not.toContain(study?.patientId ?? '');
      expect(pdf.fileName).toContain('deidentified');
      const file = path.join(temp.dir, pdf.fileName);
      fs.writeFileSync(file, Buffer.from(pdf.pdfBase64, 'base64'));
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      // The original patient, read independently from the source with pydicom, appears nowhere.
      const original = runPydicom<{ name: string; id: string }>(
        'import pydicom, sys, json\nd = pydicom.dcmread(sys.argv[1], stop_before_pixels=True)\nprint(json.dumps({"name": str(d.PatientName), "id": str(d.PatientID)}))',
        [path.join(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'), '01.dcm')],
      );
      if (original.id) expect(text).not.toContain(original.id);
      if (original.name) expect(text).not.toContain(original.name.replace(/\^/g, ' ').trim());
    } finally {
      await services.close();
    }
  }, 120_000);
});
