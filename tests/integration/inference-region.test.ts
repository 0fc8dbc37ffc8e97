import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../src-shared/contract';
import { dispatch } from '../../src-main/dispatch';
import { createServices, type Services } from '../../src-main/services';
import { openCacheDatabase } from '../../src-main/studies/cache/database';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';
import { runPydicom, pydicomAvailable } from '../helpers/pydicom';
import { expectedUpsample, makeUpsampleBundle, parseDicomFile, pythonFixtureProblem, seedCache, storedPixels, type UpsampleModel } from '../helpers/inference/fixtures';

// Saving one slice, or a region of it: real cache, the real worker thread and real onnxruntime
// sessions running the tests' ×2 ConvTranspose bundle, on a real CT series whose slices are
// tilted (oblique direction cosines), so a wrong axis or sign in the geometry shows. Expected
// geometry is computed here from the source file as pydicom reads it; expected pixels from the
// source's stored values in float64 (expectedUpsample). Only seedCache stands in for the import service.
const problem = pythonFixtureProblem() ?? (pydicomAvailable() ? undefined : 'pydicom or numpy is missing');
if (problem) console.warn(`inference-region tests skipped: ${problem}`);

const context = { host: 'web', client: 'test', role: 'owner' } as const;
type Vector = [number, number, number];

interface Geometry {
  rows: number;
  columns: number;
  spacing: [number, number];
  position: Vector;
  orientation: [number, number, number, number, number, number];
  imageType: string[];
  description: string;
  derivation: string;
  references: string[];
}

const readGeometry = (file: string): Geometry =>
  runPydicom<Geometry>(
    `import json, sys, pydicom
d = pydicom.dcmread(sys.argv[1])
print(json.dumps({'rows': int(d.Rows), 'columns': int(d.Columns), 'spacing': [float(v) for v in d.PixelSpacing],
  'position': [float(v) for v in d.ImagePositionPatient], 'orientation': [float(v) for v in d.ImageOrientationPatient],
  'imageType': list(d.ImageType), 'description': str(d.get('SeriesDescription', '')), 'derivation': str(d.get('DerivationDescription', '')),
  'references': [str(item.ReferencedSOPInstanceUID) for item in d.get('SourceImageSequence', [])]}))`,
    [file],
  );

/** The patient point of a (fractional) pixel centre: IPP + column·Δc·row cosine + row·Δr·column cosine (PS3.3 C.7.6.2.1.1). */
function patientPoint(g: Geometry, column: number, row: number): Vector {
  const [rowSpacing, columnSpacing] = g.spacing;
  return [0, 1, 2].map((axis) => g.position[axis]! + column * columnSpacing * g.orientation[axis]! + row * rowSpacing * g.orientation[axis + 3]!) as Vector;
}

function expectSamePoint(actual: Vector, expected: Vector, what: string): void {
  // Decimal Strings hold 16 characters: positions of a few hundred mm keep ~1e-10 mm.
  for (let axis = 0; axis < 3; axis += 1) expect(Math.abs(actual[axis]! - expected[axis]!), `${what}, axis ${axis}`).toBeLessThan(1e-4);
}

describe.skipIf(problem !== undefined)('saving one slice or a region of it as a derived series', () => {
  const temp = makeTempDir('radstation-region-');
  const cacheDir = path.join(temp.dir, 'cache');
  const derivedDir = path.join(cacheDir, 'derived');
  const ctDir = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');
  const files = fs.existsSync(ctDir) ? fs.readdirSync(ctDir).filter((name) => name.endsWith('.dcm')).sort().map((name) => path.join(ctDir, name)) : [];
  let services: Services;
  let seeded: ReturnType<typeof seedCache>;
  let model: UpsampleModel;
  const finished = new Map<string, (payload: EventPayload<'inference.finished'>) => void>();

  const call = (name: string, payload: unknown) => dispatch(services.handlers, name, payload, context);

  function seriesInStudy(): number {
    const db = openCacheDatabase(cacheDir, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM series WHERE study_instance_uid = ?').get(seeded.studyInstanceUid) as { n: number }).n;
    } finally {
      db.close();
    }
  }

  async function runToEnd(request: Record<string, unknown>): Promise<EventPayload<'inference.finished'>> {
    const started = await call('inference.run', { provider: 'cpu', seriesInstanceUid: seeded.seriesInstanceUid, ...request });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const { jobId } = (started as { value: { jobId: string } }).value;
    return new Promise((resolve) => finished.set(jobId, resolve));
  }

  beforeAll(() => {
    const models = path.join(temp.dir, 'models');
    model = makeUpsampleBundle(path.join(models, 'test-upsample'));
    seeded = seedCache(cacheDir, files);
    services = createServices({ host: 'web', cacheDir, userDataDir: path.join(temp.dir, 'user'), modelDirs: [models] });
    services.events.subscribe((name: EventName, payload) => {
      if (name !== 'inference.finished') return;
      const outcome = payload as EventPayload<'inference.finished'>;
      finished.get(outcome.jobId)?.(outcome);
    });
  });

  afterAll(async () => {
    await services?.close();
    temp.cleanup();
  });

  // The native task crops the region (with context) before the model; the tiled one tiles the cropped region.
  it.each(['upsample-x2', 'upsample-x2-tiled'])('%s: one slice, one region: size, spacing, position and pixels of the derived image', async (taskId) => {
    const sourceIndex = 13;
    const sourceFile = files[sourceIndex]!;
    const sopInstanceUid = parseDicomFile(sourceFile).string('x00080018')!;
    const region = { x: 101, y: 57, width: 150, height: 37 };
    const outcome = await runToEnd({ taskId, instances: [{ sopInstanceUid }], region });
    expect(outcome.status, JSON.stringify(outcome.error)).toBe('completed');
    expect(outcome.result?.outputs).toHaveLength(1);
    const derivedFile = outcome.result!.outputs[0]!;

    const source = readGeometry(sourceFile);
    const derived = readGeometry(derivedFile);
    expect(source.orientation.slice(3).some((value) => Math.abs(value) > 0.01 && Math.abs(Math.abs(value) - 1) > 0.01), 'the source is tilted').toBe(true);
    expect([derived.rows, derived.columns]).toEqual([region.height * 2, region.width * 2]);
    expect(derived.spacing[0]).toBeCloseTo(source.spacing[0] / 2, 9);
    expect(derived.spacing[1]).toBeCloseTo(source.spacing[1] / 2, 9);
    expect(derived.orientation).toEqual(source.orientation);
    // Derived pixel (0, 0) is the top-left quarter of source pixel (x, y): its centre is a quarter pixel in from that pixel's corner.
    expectSamePoint(patientPoint(derived, 0, 0), patientPoint(source, region.x - 0.25, region.y - 0.25), 'first pixel centre');
    // And the last derived pixel is the bottom-right quarter of the region's last source pixel.
    expectSamePoint(
      patientPoint(derived, derived.columns - 1, derived.rows - 1),
      patientPoint(source, region.x + region.width - 1 + 0.25, region.y + region.height - 1 + 0.25),
      'last pixel centre',
    );
    expect(derived.imageType.slice(0, 2)).toEqual(['DERIVED', 'SECONDARY']);
    expect(derived.description).toMatch(/^AI: /);
    expect(derived.derivation).toMatch(/AI-generated.*source region x 101 y 57 150×37/);
    expect(derived.references).toEqual([sopInstanceUid]);

    // The pixels are the whole-slice output's, cropped: no edge artefacts at the region's borders.
    const expected = expectedUpsample(parseDicomFile(sourceFile), model);
    const written = parseDicomFile(derivedFile);
    const stored = storedPixels(written);
    const slope = written.floatString('x00281053') ?? 1;
    const intercept = written.floatString('x00281052') ?? 0;
    let worst = 0;
    for (let row = 0; row < derived.rows; row += 1) {
      for (let column = 0; column < derived.columns; column += 1) {
        const want = expected.values[(2 * region.y + row) * expected.columns + 2 * region.x + column]!;
        worst = Math.max(worst, Math.abs(stored[row * derived.columns + column]! * slope + intercept - want));
      }
    }
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-3);
    expect(seriesInStudy()).toBeGreaterThanOrEqual(2);
  });

  it('saves just the chosen slice at full size, positioned as the source', async () => {
    const sourceFile = files[3]!;
    const sopInstanceUid = parseDicomFile(sourceFile).string('x00080018')!;
    const outcome = await runToEnd({ taskId: 'upsample-x2', instances: [{ sopInstanceUid, frame: 0 }] });
    expect(outcome.status, JSON.stringify(outcome.error)).toBe('completed');
    expect(outcome.result?.outputs).toHaveLength(1);
    const source = readGeometry(sourceFile);
    const derived = readGeometry(outcome.result!.outputs[0]!);
    expect([derived.rows, derived.columns]).toEqual([source.rows * 2, source.columns * 2]);
    expectSamePoint(patientPoint(derived, 0, 0), patientPoint(source, -0.25, -0.25), 'first pixel centre');
    expect(derived.references).toEqual([sopInstanceUid]);
  });

  it('refuses a region outside the image, or an image not in the series, with a clear error and nothing written', async () => {
    const sopInstanceUid = seeded.sopInstanceUids[0]!;
    const seriesBefore = seriesInStudy();
    const derivedBefore = fs.existsSync(derivedDir) ? fs.readdirSync(derivedDir).sort() : [];
    const { rows, columns } = readGeometry(files[0]!);

    const outside = await call('inference.run', { taskId: 'upsample-x2', seriesInstanceUid: seeded.seriesInstanceUid, instances: [{ sopInstanceUid }], region: { x: columns - 10, y: 0, width: 11, height: 5 } });
    expect(outside).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect((outside as { error: { message: string } }).error.message).toContain(`runs outside the ${columns}×${rows} image`);

    const foreign = await call('inference.run', { taskId: 'upsample-x2', seriesInstanceUid: seeded.seriesInstanceUid, instances: [{ sopInstanceUid: '1.2.3.4.5' }] });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'invalid-request', message: `Series ${seeded.seriesInstanceUid} has no image 1.2.3.4.5; nothing was saved.` } });

    const noSuchFrame = await call('inference.run', { taskId: 'upsample-x2', seriesInstanceUid: seeded.seriesInstanceUid, instances: [{ sopInstanceUid, frame: 1 }] });
    expect(noSuchFrame).toMatchObject({ ok: false, error: { code: 'invalid-request', message: `Series ${seeded.seriesInstanceUid} has no image ${sopInstanceUid} frame 1; nothing was saved.` } });

    const malformed = await call('inference.run', { taskId: 'upsample-x2', seriesInstanceUid: seeded.seriesInstanceUid, region: { x: -1, y: 0, width: 0, height: 5 } });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'invalid-request' } });

    expect(seriesInStudy()).toBe(seriesBefore);
    expect(fs.existsSync(derivedDir) ? fs.readdirSync(derivedDir).sort() : []).toEqual(derivedBefore);
  });
});
