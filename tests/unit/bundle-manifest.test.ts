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

describe('vlm-generate task', () => {
  const generation = {
    family: 'healthgpt-phi3',
    graphs: { vision: 'vision_encoder.onnx', embed: 'embed_tokens.onnx', decoder: 'decoder.onnx' },
    tokenizer: { file: 'tokenizer.json', addBosToken: false, bosToken: '<s>', unkToken: '<unk>', legacy: false, specialTokens: ['<s>'], specialIdsFrom: 32011 },
    prompt: { template: 'phi3_instruct', system: '<|system|>\nYou are a helpful AI assistant.', userRole: '\n<|user|>\n', assistantRole: '\n<|assistant|>\n', separator: '<|end|>', imageToken: '<image>' },
    image: { size: 336, mean: [0.48, 0.46, 0.41], std: [0.27, 0.26, 0.28], padToSquare: true, resample: 'bicubic', tokens: 576 },
    decoder: { layers: 32, kvHeads: 32, headDim: 96, hiddenSize: 3072, vocabSize: 40206, maxPositions: 4096, precision: 'int4' },
    stopTokenIds: [32000, 32001, 32007],
    defaults: { maxNewTokens: 512, sampling: 'greedy', temperature: 1, topP: 0.9 },
  };
  const vlmTask = {
    id: 'report-qa', kind: 'vlm-generate', label: 'Ask about this image', graphs: ['decoder.onnx'],
    inputs: [{ name: 'inputs_embeds', dataType: 'float32', shape: [1, 'sequence', 3072] }],
    outputs: [{ name: 'logits', dataType: 'float32', shape: [1, 40206] }],
    accepts: { modalities: ['CT'] }, generation,
  };

  // Every graph a task names must be one of the bundle's files.
  const vlmFiles = ['vision_encoder.onnx', 'embed_tokens.onnx', 'decoder.onnx', 'tokenizer.json'].map((file) => ({ path: file, bytes: 1, sha256: 'b'.repeat(64) }));
  const vlmManifest = { ...validManifest, files: vlmFiles };

  it('accepts a complete generation block', () => {
    const parsed = bundleManifestSchema.safeParse({ ...vlmManifest, tasks: [vlmTask] });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it('refuses a generation block without stop tokens or with an out-of-range top-p', () => {
    const noStops = { ...vlmTask, generation: { ...generation, stopTokenIds: [] } };
    const badTopP = { ...vlmTask, generation: { ...generation, defaults: { ...generation.defaults, topP: 0 } } };
    expect(bundleManifestSchema.safeParse({ ...vlmManifest, tasks: [noStops] }).success).toBe(false);
    expect(bundleManifestSchema.safeParse({ ...vlmManifest, tasks: [badTopP] }).success).toBe(false);
  });
});
