import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliArgs, repoRoot } from '../helpers/cli-process';
import { pydicomAvailable, runPydicom } from '../helpers/pydicom';
import { sharedDataDir } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// The normal-slice check: every slice of the real MR and CT series and every frame of the conformance CT
// images, none of which shows a finding, asked four finding questions in ONE `radstation qa --batch` run
// (the panel's route). No answer may be a confident "yes". Which files are CT, and their frame counts,
// are read with pydicom here, independently of the code under test.
const series = path.join(sharedDataDir, 'dicom', 'series');
const skip = !fs.existsSync(series) ? `the shared DICOM series are missing (${series})` : pydicomAvailable() ? undefined : 'pydicom is not available to /usr/bin/python3';
if (skip) console.warn(`normal-slice check skipped: ${skip}`);

const NORMAL_SLICE_QUESTIONS = ['Is there a mass?', 'Is there a hemorrhage?', 'Is there a fracture?', 'Is this abnormal?'];

const conformanceCtScript = `
import glob, json, os, sys, pydicom
out = []
for f in sorted(glob.glob(os.path.join(sys.argv[1], '**', '*'), recursive=True)):
    if os.path.isdir(f) or f.endswith('.zst'):
        continue
    try:
        ds = pydicom.dcmread(f, stop_before_pixels=True, force=True)
    except Exception:
        continue
    if ds.get('Modality') == 'CT' and 'Rows' in ds:
        out.append({'file': f, 'frames': int(ds.get('NumberOfFrames', 1) or 1)})
print(json.dumps(out))
`;

describe.skipIf(skip !== undefined)('normal real slices get no confident "yes" to a finding question', () => {
  const temp = makeTempDir('radstation-normal-');
  afterAll(() => temp.cleanup());

  it('answers no finding question with "yes" on any slice of the MR and CT series or the conformance CT images', () => {
    const images: { image: string; frame?: number }[] = [];
    for (const name of ['mr-brain-t1-mprage-siemens', 'ct-head-ge-tilted']) {
      for (const file of fs.readdirSync(path.join(series, name)).sort()) images.push({ image: path.join(series, name, file) });
    }
    const conformance = runPydicom<{ file: string; frames: number }[]>(conformanceCtScript, [path.join(sharedDataDir, 'dicom', 'conformance')]);
    expect(conformance.length).toBeGreaterThan(50);
    for (const { file, frames } of conformance) for (let frame = 0; frame < frames; frame += 1) images.push({ image: file, frame });
    const lines = images.flatMap((image) => NORMAL_SLICE_QUESTIONS.map((question) => JSON.stringify({ ...image, question })));
    const batch = path.join(temp.dir, 'normal.jsonl');
    fs.writeFileSync(batch, lines.join('\n'));

    const run = spawnSync(process.execPath, cliArgs('qa', '--cache', path.join(temp.dir, 'cache'), '--batch', batch, '--json'), { cwd: repoRoot, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, RADSTATION_CACHE: '' } });
    const answers = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { error?: string; answer: string | null; source: string; abstained: boolean; reason: string | null; questionType: string | null });
    expect(answers).toHaveLength(lines.length);
    expect(answers.filter((answer) => answer.error)).toEqual([]);
    const confidentYes = answers.filter((answer) => answer.source === 'model' && answer.answer?.trim().toLowerCase() === 'yes');
    console.log(`normal-slice check: ${images.length} images, ${answers.length} questions, ${confidentYes.length} confident "yes" answers`);
    expect(confidentYes).toEqual([]);
    // Every answer that is not given says why.
    expect(answers.filter((answer) => answer.source === 'none' && !answer.reason)).toEqual([]);
    // They are finding questions, typed as such, not answered from the header.
    expect(new Set(answers.map((answer) => answer.questionType))).toEqual(new Set(['mass', 'hemorrhage', 'fracture', 'abnormality']));
  }, 300_000);
});
