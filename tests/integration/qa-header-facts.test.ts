import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs, repoRoot } from '../helpers/cli-process';
import { pydicomAvailable, runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// The routing table of `radstation qa` (the panel's route): one question per recorded fact, asked of
// real files from the corpora in ONE batch run of the CLI, each expected answer computed here with
// pydicom and numpy, not by the code under test.
const skip = pydicomAvailable() ? undefined : 'pydicom or numpy is not available to /usr/bin/python3';
if (skip) console.warn(`qa header-fact tests skipped: ${skip}`);

const files = {
  ct: () => path.join(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted'), fs.readdirSync(sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')).sort()[0]!),
  mr: () => path.join(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens'), fs.readdirSync(sharedDataPath('dicom', 'series', 'mr-brain-t1-mprage-siemens')).sort()[90]!),
  contrastCt: () => sharedDataPath('dicom', 'conformance', 'cornerstone', 'CT1_J2KR'),
  coronalMr: () => sharedDataPath('dicom', 'conformance', 'wg04', 'J2KI', 'MR3_J2KI'),
  bodyPart: () => sharedDataPath('dicom', 'conformance', 'pydicom-data', 'JPEG-LL.dcm'),
  laterality: () => sharedDataPath('dicom', 'conformance', 'pydicom-data', 'RG3_J2KI.dcm'),
  png: () => path.join(sharedDataPath('vqa', 'vqa-rad', 'images'), fs.readdirSync(sharedDataPath('vqa', 'vqa-rad', 'images')).find((name) => /\.(jpe?g|png)$/i.test(name))!),
};

interface Reference {
  modality: string;
  plane: string;
  angle: number;
  contrast: string[];
  tr: number | null;
  te: number | null;
  ti: number | null;
  bodyPart: string | null;
  laterality: string | null;
  age: string | null;
  sex: string | null;
  thickness: string | null;
}

/** What pydicom reads, and the plane from numpy's cross product of the orientation's two vectors. */
const referenceScript = `
import json, sys, numpy as np, pydicom
out = {}
for path in sys.argv[1:]:
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    plane, angle = None, None
    if 'ImageOrientationPatient' in ds:
        iop = [float(v) for v in ds.ImageOrientationPatient]
        n = np.cross(iop[:3], iop[3:]); n = np.abs(n) / np.linalg.norm(n)
        axis = int(np.argmax(n)); angle = float(np.degrees(np.arccos(min(1.0, n[axis]))))
        plane = ['sagittal', 'coronal', 'axial'][axis] if angle <= 30 else 'oblique'
    text = lambda k: (str(ds.get(k)).strip() or None) if ds.get(k) not in (None, '') else None
    num = lambda k: float(ds.get(k)) if ds.get(k) not in (None, '') else None
    contrast = [k for k in ['ContrastBolusAgent', 'ContrastBolusRoute', 'ContrastBolusVolume', 'ContrastBolusTotalDose', 'ContrastBolusIngredient'] if text(k)]
    out[path] = {'modality': ds.Modality, 'plane': plane, 'angle': angle, 'contrast': [f'{k}: {text(k)}' for k in contrast],
                 'tr': num('RepetitionTime'), 'te': num('EchoTime'), 'ti': num('InversionTime'), 'bodyPart': text('BodyPartExamined'),
                 'laterality': text('ImageLaterality') or text('Laterality'), 'age': text('PatientAge'), 'sex': text('PatientSex'), 'thickness': text('SliceThickness')}
print(json.dumps(out))
`;

interface Printed {
  answer: string | null;
  source: string;
  confidence: number | null;
  abstained: boolean;
  reason: string | null;
  attributes: string[];
}

describe.skipIf(skip !== undefined)('radstation qa: recorded facts come from the header', () => {
  const temp = makeTempDir('radstation-qa-facts-');
  const asked: { key: string; file: string; question: string }[] = [];
  const answers = new Map<string, Printed>();
  let ref: Record<string, Reference>;

  beforeAll(() => {
    const q = (key: string, file: string, question: string) => asked.push({ key, file, question });
    q('ct-modality', files.ct(), 'What modality is this?');
    q('ct-is-ct', files.ct(), 'Is this a CT scan?');
    q('mr-is-ct', files.mr(), 'Is this a CT scan?');
    q('ct-contrast', files.ct(), 'Was contrast given?');
    q('contrast-ct-contrast', files.contrastCt(), 'Was IV contrast given?');
    q('ct-plane', files.ct(), 'Which plane is this image in?');
    q('mr-plane', files.mr(), 'Is this a sagittal image?');
    q('coronal-plane', files.coronalMr(), 'What plane is this?');
    q('mr-weighting', files.mr(), 'Is this a T1 weighted image?');
    q('ct-weighting', files.ct(), 'Is this T2 weighted?');
    q('body-part', files.bodyPart(), 'What body part is this?');
    q('laterality', files.laterality(), 'What is the laterality?');
    q('ct-age', files.ct(), 'How old is the patient?');
    q('ct-sex', files.ct(), "What is the patient's sex?");
    q('ct-thickness', files.ct(), 'What is the slice thickness?');
    q('png-modality', files.png(), 'Is this a CT scan?');
    ref = runPydicom<Record<string, Reference>>(referenceScript, [...new Set(asked.filter((item) => item.key !== 'png-modality').map((item) => item.file))]);
    const batch = path.join(temp.dir, 'batch.jsonl');
    fs.writeFileSync(batch, asked.map((item) => JSON.stringify({ image: item.file, question: item.question })).join('\n'));
    const run = spawnSync(process.execPath, cliArgs('qa', '--cache', path.join(temp.dir, 'cache'), '--batch', batch, '--json'), { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, RADSTATION_CACHE: '' } });
    const lines = run.stdout.trim().split('\n');
    if (lines.length !== asked.length) throw new Error(`expected ${asked.length} answer lines, got ${lines.length}: ${run.stderr}`);
    lines.forEach((line, index) => answers.set(asked[index]!.key, JSON.parse(line) as Printed));
  }, 120_000);
  afterAll(() => temp.cleanup());

  const header = (key: string, attribute: string) => {
    const answer = answers.get(key)!;
    expect(answer.source).toBe('header');
    expect(answer.confidence).toBeNull();
    expect(answer.attributes).toContain(attribute);
    expect(answer.reason).toMatch(/^From the header: /);
    return answer.answer ?? '';
  };

  it('modality from Modality and SOP Class', () => {
    expect(ref[files.ct()]!.modality).toBe('CT');
    expect(header('ct-modality', 'Modality')).toMatch(/\bCT\b.*CT Image Storage/);
    expect(header('ct-is-ct', 'Modality')).toMatch(/^Yes\b/);
    expect(ref[files.mr()]!.modality).toBe('MR');
    expect(header('mr-is-ct', 'Modality')).toMatch(/^No\b.*Modality MR/);
  });

  it('contrast: "no contrast agent is recorded" when absent, the agent and route when present', () => {
    expect(ref[files.ct()]!.contrast).toEqual([]);
    expect(header('ct-contrast', 'ContrastBolusAgent')).toMatch(/^No contrast agent is recorded/);
    const recorded = ref[files.contrastCt()]!.contrast;
    expect(recorded.length).toBeGreaterThan(0);
    const answer = header('contrast-ct-contrast', 'ContrastBolusAgent');
    for (const entry of recorded) expect(answer).toContain(entry);
  });

  it('plane from Image Orientation (Patient), with the angle to the axis', () => {
    for (const [key, file] of [['ct-plane', files.ct()], ['coronal-plane', files.coronalMr()]] as const) {
      const { plane, angle } = ref[file]!;
      const answer = header(key, 'ImageOrientationPatient');
      expect(answer.toLowerCase()).toContain(plane);
      expect(answer).toContain(`${angle.toFixed(1)}°`);
    }
    // The GE CT is tilted 18.5 degrees and still axial within the tolerance.
    expect(ref[files.ct()]!.plane).toBe('axial');
    expect(ref[files.mr()]!.plane).toBe('sagittal');
    expect(header('mr-plane', 'ImageOrientationPatient')).toMatch(/^Yes\b/);
  });

  it('MR weighting from TR, TE and TI by the written rule; a CT has none', () => {
    const { tr, te, ti } = ref[files.mr()]!;
    // The rule, applied here to pydicom's values: an inversion time of 300-1500 ms with TE < 20 ms is T1 (MPRAGE).
    expect(ti! >= 300 && ti! < 1500 && te! < 20).toBe(true);
    const answer = header('mr-weighting', 'RepetitionTime');
    expect(answer).toMatch(/^Yes: T1-weighted/);
    expect(answer).toContain(`TR ${tr} ms, TE ${te} ms, TI ${ti} ms`);
    expect(header('ct-weighting', 'Modality')).toMatch(/not an MR image/);
  });

  it('body part, laterality, age, sex and slice thickness', () => {
    expect(header('body-part', 'BodyPartExamined')).toContain(ref[files.bodyPart()]!.bodyPart!);
    const side = ref[files.laterality()]!.laterality!;
    expect(header('laterality', 'ImageLaterality')).toContain(({ L: 'left', R: 'right' } as Record<string, string>)[side] ?? side);
    const age = ref[files.ct()]!.age;
    expect(header('ct-age', 'PatientAge')).toContain(age ? String(Number.parseInt(age, 10)) : 'not recorded');
    const sex = ref[files.ct()]!.sex;
    expect(header('ct-sex', 'PatientSex')).toContain(sex ? ({ M: 'male', F: 'female', O: 'other' } as Record<string, string>)[sex]! : 'not recorded');
    expect(header('ct-thickness', 'SliceThickness')).toContain(`${ref[files.ct()]!.thickness} mm`);
  });

  it('a PNG or JPEG has no header, and the answer says so', () => {
    const answer = answers.get('png-modality')!;
    expect(answer.source).not.toBe('header');
    expect(answer.reason).toContain('no DICOM header');
  });
});
