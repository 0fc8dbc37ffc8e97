import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QaAnswer } from '../../src-shared/contract/qa';
import type { ReportEntry } from '../../src-shared/domain/reports';
import { dispatch } from '../../src-main/dispatch';
import { createServices, type Services } from '../../src-main/services';
import { runPydicom } from '../helpers/pydicom';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir('radstation-reports-');
const cacheDir = path.join(temp.dir, 'cache');
const ctFolder = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
let services: Services;
let studyInstanceUid: string;
let firstSliceUid: string;

const context = { host: 'web', client: 'test', role: 'owner' } as const;

async function importPaths(paths: string[]): Promise<void> {
  const { importId } = services.imports.start({ paths, mode: 'copy' });
  const finished = await services.imports.whenFinished(importId);
  expect(finished?.message ?? finished?.status).toBe('completed');
}

/** Header facts read independently, with pydicom. */
const header = runPydicom<{ studyUid: string; sopUid: string; thickness: string; spacing: string[]; manufacturer: string; model: string; kvp: string }>(
  `import pydicom, sys, json
d = pydicom.dcmread(sys.argv[1], stop_before_pixels=True)
print(json.dumps({"studyUid": d.StudyInstanceUID, "sopUid": d.SOPInstanceUID, "thickness": str(d.SliceThickness), "spacing": [str(v) for v in d.PixelSpacing],
  "manufacturer": d.Manufacturer, "model": d.ManufacturerModelName, "kvp": str(d.KVP)}))`,
  [path.join(ctFolder, '01.dcm')],
);

const modelEntry: ReportEntry = {
  id: 'entry-1',
  addedAt: '2026-11-22T10:00:00Z',
  section: 'findings',
  question: 'Is there a midline shift?',
  answer: 'no',
  confidence: 0.83,
  source: 'model',
  model: { bundleId: 'radstation-compact', name: 'Radstation compact', version: '1.0.0', provider: 'cpu' },
  image: { sopInstanceUid: header.sopUid, frame: 0, roi: null, windowCenter: 40, windowWidth: 80 },
};

beforeAll(async () => {
  services = createServices({ host: 'web', cacheDir, userDataDir: path.join(temp.dir, 'user') });
  await importPaths([ctFolder]);
  studyInstanceUid = header.studyUid;
  firstSliceUid = header.sopUid;
});

afterAll(async () => {
  await services.close();
  temp.cleanup();
});

describe('report drafts', () => {
  it('starts from the modality template and saves revisions, refusing a stale save', async () => {
    const draft = await dispatch(services.handlers, 'reports.get', { studyInstanceUid }, context);
    expect(draft).toMatchObject({ ok: true, value: { templateId: 'ct', revision: 0, entries: [] } });
    const saved = await dispatch(services.handlers, 'reports.save', { studyInstanceUid, baseRevision: 0, findings: 'No acute intracranial haemorrhage.', impression: 'Normal CT head.', entries: [modelEntry] }, context);
    expect(saved).toMatchObject({ ok: true, value: { revision: 1 } });
    const stale = await dispatch(services.handlers, 'reports.save', { studyInstanceUid, baseRevision: 0, findings: 'overwrite attempt', impression: '', entries: [] }, context);
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('survives a restart of the services', async () => {
    await services.close();
    services = createServices({ host: 'web', cacheDir, userDataDir: path.join(temp.dir, 'user') });
    const draft = services.handlers['reports.get']({ studyInstanceUid }, context);
    expect(await draft).toMatchObject({ findings: 'No acute intracranial haemorrhage.', impression: 'Normal CT head.', revision: 1, entries: [modelEntry] });
  });

  it('refuses a draft for a study the cache does not have', async () => {
    expect(await dispatch(services.handlers, 'reports.get', { studyInstanceUid: '1.2.3.4' }, context)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('exports a PDF whose text, read back by pdftotext, holds the report, the answer and its AI label', async () => {
    const result = await services.handlers['reports.exportPdf']({ studyInstanceUid }, context);
    const file = path.join(temp.dir, result.fileName);
    fs.writeFileSync(file, Buffer.from(result.pdfBase64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('No acute intracranial haemorrhage.');
    expect(text).toContain('Normal CT head.');
    expect(text).toContain('Q: Is there a midline shift?');
    expect(text).toContain('AI-generated — not for diagnosis');
    expect(text).toContain(`W/L 80/40`);
  });

  it('saves a Basic Text SR into the study that independent readers accept', async () => {
    const { sopInstanceUid } = await services.handlers['reports.exportSr']({ studyInstanceUid }, context);
    const studies = await services.handlers['studies.list']({ sortBy: 'studyDate', sortDirection: 'desc', limit: 10 }, context);
    expect(studies.studies.find((study) => study.studyInstanceUid === studyInstanceUid)?.modalities).toContain('SR');

    const file = services.studies.resolveInstanceFile(sopInstanceUid);
    expect(file).toBeDefined();
    const dataSet = dicomParser.parseDicom(new Uint8Array(fs.readFileSync(file!)));
    expect(dataSet.string('x00080016')).toBe('1.2.840.10008.5.1.4.1.1.88.11');
    expect(dataSet.string('x0020000d')).toBe(studyInstanceUid);
    expect(dataSet.string('x0040a493')).toBe('UNVERIFIED');
    // dicom-parser reads text as Latin-1; as a conforming reader does, decode by the declared character set.
    expect(dataSet.string('x00080005')).toBe('ISO_IR 192');
    const utf8 = new TextDecoder('utf-8');
    const texts = (dataSet.elements.x0040a730?.items ?? []).map((item) => {
      const element = item.dataSet?.elements.x0040a160;
      if (!element || !item.dataSet) return '';
      return utf8.decode(item.dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length)).replace(/[\0 ]+$/, '');
    });
    expect(texts[0]).toBe('No acute intracranial haemorrhage.');
    expect(texts.some((value) => value.includes('AI-generated — not for diagnosis') && value.includes('Q: Is there a midline shift?'))).toBe(true);
    expect(texts).toContain('Normal CT head.');

    // dcmtk's SR reader checks the document's structure on its own terms.
    const dump = execFileSync('dsrdump', [file!], { encoding: 'utf8' });
    expect(dump).toContain('Basic Text SR');
    expect(dump).toContain('Normal CT head.');
  });
});

describe('metadata questions', () => {
  const ask = (question: string) => services.handlers['reports.answerFromMetadata']({ sopInstanceUid: firstSliceUid, question }, context);

  it('answers header questions with the values pydicom reads, and names the attributes', async () => {
    const thickness = await ask('What is the slice thickness?');
    expect(thickness).toMatchObject({ answered: true, basis: expect.arrayContaining(['SliceThickness']) });
    expect(thickness.answered && thickness.answer).toContain(`${header.thickness} mm`);
    const spacing = await ask('what is the pixel spacing');
    expect(spacing.answered && spacing.answer).toContain(`${header.spacing[0]} mm`);
    const scanner = await ask('Which scanner was used?');
    expect(scanner.answered && scanner.answer).toContain(`${header.manufacturer} ${header.model}`);
    const exposure = await ask('What kVp?');
    expect(exposure.answered && exposure.answer).toContain(`${header.kvp} kVp`);
    const count = await ask('How many slices are in this series?');
    expect(count.answered && count.answer).toContain(`${fs.readdirSync(ctFolder).length} images`);
  });

  it('leaves image questions to a model, and answers what the header records (the modality) itself', async () => {
    expect(await ask('Is there a fracture?')).toEqual({ answered: false });
    expect(await ask('Describe the findings.')).toEqual({ answered: false });
    expect(await ask('What modality is this?')).toMatchObject({ answered: true, basis: ['Modality', 'SOPClassUID'] });
  });

  it('finds the prior study of the same patient in the cache', async () => {
    // Two studies of one patient, made from a real slice with new UIDs and dates.
    const made = runPydicom<{ files: string[]; laterSop: string }>(
      `import pydicom, sys, json, os
from pydicom.uid import generate_uid
out = sys.argv[2]; files = []; later = None
for date, desc in (("20240105", "CT HEAD PRIOR"), ("20250310", "CT HEAD FOLLOW-UP")):
    d = pydicom.dcmread(sys.argv[1])
    d.PatientID = "PRIOR-TEST-1"; d.StudyDate = date; d.StudyDescription = desc
    d.StudyInstanceUID = generate_uid(); d.SeriesInstanceUID = generate_uid(); d.SOPInstanceUID = generate_uid()
    d.file_meta.MediaStorageSOPInstanceUID = d.SOPInstanceUID
    path = os.path.join(out, date + ".dcm"); d.save_as(path); files.append(path); later = d.SOPInstanceUID
print(json.dumps({"files": files, "laterSop": later}))`,
      [path.join(ctFolder, '01.dcm'), temp.dir],
    );
    await importPaths(made.files);
    const answer = await services.handlers['reports.answerFromMetadata']({ sopInstanceUid: made.laterSop, question: 'When was the prior study?' }, context);
    expect(answer.answered && answer.answer).toContain('2024-01-05');
    expect(answer.answered && answer.answer).toContain('CT HEAD PRIOR');
    expect(await ask('Was there a previous exam?')).toMatchObject({ answered: true, answer: 'No earlier study of this patient is in the cache.' });
  });
});

describe('qa.ask, the Report Q&A panel\'s one route', () => {
  const ask = async (request: { question: string; image?: { width: number; height: number; pixelsBase64: string } }) => {
    const reply = await dispatch(services.handlers, 'qa.ask', { sopInstanceUid: firstSliceUid, frame: 0, ...request }, context);
    // The handler returns the contract type; the dispatcher passes it on unchanged.
    return reply as { ok: true; value: QaAnswer } | { ok: false; error: { message: string } };
  };

  it('answers a recorded fact from the header and says which attributes', async () => {
    const reply = await ask({ question: 'Was contrast given?' });
    expect(reply).toMatchObject({ ok: true, value: { source: 'header', route: 'metadata', confidence: null, abstained: false } });
    if (!reply.ok) throw new Error('no answer');
    expect(reply.value.answer).toMatch(/^No contrast agent is recorded/);
    expect(reply.value.attributes).toContain('ContrastBolusAgent');
  });

  it('does not put a finding question to the compact model when it is not calibrated to answer that type, even with the displayed slice', async () => {
    const pixels = Buffer.alloc(64 * 64, 90).toString('base64');
    const reply = await ask({ question: 'Is there a mass?', image: { width: 64, height: 64, pixelsBase64: pixels } });
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.value).toMatchObject({ source: 'none', answer: null, abstained: true, needsFullModel: true, questionType: 'mass', confidence: null });
    expect(reply.value.reason).toContain('needs the full model');
  });

  it('says an open question needs the full model', async () => {
    const reply = await ask({ question: 'Describe the findings.' });
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.value).toMatchObject({ source: 'none', route: 'open', needsFullModel: true });
  });
});
