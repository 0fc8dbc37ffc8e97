import fs from 'node:fs';
import path from 'node:path';
import { bundleManifestSchema, type BundleManifest, type VlmGeneration } from '../../../src-shared/inference/manifest';

export interface VlmBundle {
  dir: string;
  manifest: BundleManifest;
  taskId: string;
  generation: VlmGeneration;
}

/** Reads and validates a bundle's manifest and picks its vlm-generate task (the first, or the one named). */
export function loadVlmBundle(dir: string, taskId?: string): VlmBundle {
  const manifestPath = path.join(dir, 'manifest.json');
  const parsed = bundleManifestSchema.safeParse(JSON.parse(fs.readFileSync(manifestPath, 'utf8')));
  if (!parsed.success) throw new Error(`${manifestPath}: ${parsed.error.message}`);
  const task = parsed.data.tasks.find((t) => t.kind === 'vlm-generate' && (taskId === undefined || t.id === taskId));
  if (!task || task.kind !== 'vlm-generate') throw new Error(`${manifestPath}: no vlm-generate task${taskId ? ` named ${taskId}` : ''}`);
  for (const file of [task.generation.graphs.vision, task.generation.graphs.embed, task.generation.graphs.decoder, task.generation.tokenizer.file]) {
    const listed = parsed.data.files.find((f) => f.path === file);
    if (!listed) throw new Error(`${manifestPath}: ${file} is used but not listed in files`);
    const actual = fs.statSync(path.join(dir, file), { throwIfNoEntry: false });
    if (!actual || actual.size !== listed.bytes) throw new Error(`${file}: missing or not the ${listed.bytes} bytes the manifest lists`);
  }
  return { dir, manifest: parsed.data, taskId: task.id, generation: task.generation };
}
