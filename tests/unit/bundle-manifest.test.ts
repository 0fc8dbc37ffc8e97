import { describe, expect, it } from 'vitest';
import { bundleManifestJsonSchema, bundleManifestSchema } from '../../src-shared/inference/manifest';

const validManifest = {
  schemaVersion: 1,
  id: 'test-bundle',
  name: 'Test bundle',
  version: '1.0.0',
  license: 'Apache-2.0',
  provenance: { trainingData: ['none'], codeRevision: 'abc', date: '2026-11-22' },
  files: [{ path: 'model.onnx', bytes: 10, sha256: 'a'.repeat(64) }],
  tasks: [
    {
      id: 'superres-x2',
      kind: 'image-to-image',
      label: 'Super-resolution ×2',
      graphs: ['model.onnx'],
      inputs: [{ name: 'image', dataType: 'float32', shape: ['batch', 1, 'height', 'width'] }],
      outputs: [{ name: 'upscaled', dataType: 'float32', shape: ['batch', 1, 'height2', 'width2'] }],
      accepts: { modalities: ['MR', 'CT'] },
      preprocessing: { modalityLut: true, normalization: { kind: 'percentile', lowPercentile: 0.5, highPercentile: 99.5 }, size: { kind: 'tile', tile: 128, overlap: 16 }, channels: 1 },
      postprocessing: { inverse: 'normalization', scale: 2 },
    },
  ],
};

describe('bundle manifest schema', () => {
  it('accepts a complete manifest and fills defaults', () => {
    const parsed = bundleManifestSchema.parse(validManifest);
    expect(parsed.tasks[0]?.availability).toEqual({ status: 'available' });
  });

  it('refuses file paths that leave the bundle folder', () => {
    const escaping = { ...validManifest, files: [{ path: '../../etc/passwd', bytes: 1, sha256: 'a'.repeat(64) }] };
    expect(bundleManifestSchema.safeParse(escaping).success).toBe(false);
  });

  it('refuses an unknown task kind and a malformed checksum', () => {
    expect(bundleManifestSchema.safeParse({ ...validManifest, tasks: [{ ...validManifest.tasks[0], kind: 'mind-reading' }] }).success).toBe(false);
    expect(bundleManifestSchema.safeParse({ ...validManifest, files: [{ path: 'model.onnx', bytes: 1, sha256: 'xyz' }] }).success).toBe(false);
  });

  it('lets a needs-model task ship no graph, but not an available one', () => {
    const needsModel = { ...validManifest.tasks[0], id: 'ct-to-mr', graphs: [], availability: { status: 'needs-model', reason: 'no paired data' } };
    expect(bundleManifestSchema.safeParse({ ...validManifest, tasks: [validManifest.tasks[0], needsModel] }).success).toBe(true);
    const availableWithout = { ...validManifest.tasks[0], graphs: [] };
    expect(bundleManifestSchema.safeParse({ ...validManifest, tasks: [availableWithout] }).success).toBe(false);
  });

  it('refuses a task whose graph is not among the files', () => {
    const missing = { ...validManifest.tasks[0], graphs: ['other.onnx'] };
    expect(bundleManifestSchema.safeParse({ ...validManifest, tasks: [missing] }).success).toBe(false);
  });

  it('exports a JSON Schema for tools outside TypeScript', () => {
    const schema = bundleManifestJsonSchema() as { type?: string; required?: string[] };
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'tasks', 'files', 'provenance']));
  });
});
