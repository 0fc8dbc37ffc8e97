/**
 * npm run bench:save-region [-- --task superres-x4]
 *
 * What saving less than a series costs, with the installed bundle (the shipped compact one)
 * on one slice of the MPRAGE series: the whole slice saved alone, then a 64×64 region of it.
 * Also prints how far the region's saved values are from the same pixels of the whole-slice
 * result (in stored units), which shows whether the region's context margin is wide enough
 * for the real model. The last line is JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import dicomParser from 'dicom-parser';
import { createInferenceService } from '../src-main/inference/inference-service';
import { modelSourcesFor } from '../src-main/inference/inference-wiring';
import type { SeriesSlice } from '../src-main/inference/series-source';
import { resolveDirs } from '../src-main/platform/paths';

const { values } = parseArgs({ options: { task: { type: 'string', default: 'superres-x4' } } });
const sharedData = path.resolve(process.env.RADSTATION_SHARED_DATA ?? path.join(import.meta.dirname, '..', '..', 'shared', 'data'));
const folder = path.join(sharedData, 'dicom', 'series', 'mr-brain-t1-mprage-siemens');
const files = fs.readdirSync(folder).filter((name) => name.endsWith('.dcm')).sort();
const file = path.join(folder, files[Math.floor(files.length / 2)]!);

function modalityValues(filePath: string): { rows: number; columns: number; values: Float64Array } {
  const bytes = fs.readFileSync(filePath);
  const ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const element = ds.elements.x7fe00010!;
  const rows = ds.uint16('x00280010')!;
  const columns = ds.uint16('x00280011')!;
  const copy = bytes.buffer.slice(bytes.byteOffset + element.dataOffset, bytes.byteOffset + element.dataOffset + element.length);
  const stored = ds.uint16('x00280103') === 1 ? new Int16Array(copy, 0, rows * columns) : new Uint16Array(copy, 0, rows * columns);
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  return { rows, columns, values: Float64Array.from(stored, (v) => v * slope + intercept) };
}

async function main(): Promise<void> {
  const derivedRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-save-region-'));
  const header = dicomParser.parseDicom(new Uint8Array(fs.readFileSync(file)), { untilTag: 'x7fe00010' });
  const sopInstanceUid = header.string('x00080018')!;
  const slices: SeriesSlice[] = [{ sopInstanceUid, filePath: file, frame: 0 }];
  const service = createInferenceService({
    modelSources: modelSourcesFor(resolveDirs({})),
    seriesSource: { slicesOf: () => slices, instanceFile: () => file },
    derivedRoot,
    emit: () => undefined,
    session: { intraOpThreads: 2 },
  });
  const seriesInstanceUid = header.string('x0020000e')!;
  const run = async (region?: { x: number; y: number; width: number; height: number }) => {
    const { done } = await service.runSeries({ taskId: values.task, provider: 'cpu', seriesInstanceUid, instances: [{ sopInstanceUid }], ...(region ? { region } : {}) });
    const outcome = await done;
    if (outcome.status !== 'completed' || !outcome.result) throw new Error(JSON.stringify(outcome.error));
    return outcome.result;
  };
  try {
    await service.warmUp({ taskId: values.task, provider: 'cpu' });
    const whole = await run();
    const region = { x: 100, y: 90, width: 64, height: 64 };
    const part = await run(region);
    const scale = modalityValues(part.outputs[0]!).rows / region.height;
    const wholeValues = modalityValues(whole.outputs[0]!);
    const partValues = modalityValues(part.outputs[0]!);
    let worst = 0;
    for (let row = 0; row < partValues.rows; row += 1) {
      for (let column = 0; column < partValues.columns; column += 1) {
        const reference = wholeValues.values[(region.y * scale + row) * wholeValues.columns + region.x * scale + column]!;
        worst = Math.max(worst, Math.abs(partValues.values[row * partValues.columns + column]! - reference));
      }
    }
    let range = 0;
    for (const v of wholeValues.values) range = Math.max(range, v);
    console.log(`${values.task} on ${path.basename(file)}: whole slice saved in ${whole.seconds.toFixed(2)} s; 64×64 region in ${part.seconds.toFixed(2)} s`);
    console.log(`region vs whole-slice result: largest difference ${worst.toFixed(1)} (output maximum ${range.toFixed(0)})`);
    console.log(JSON.stringify({ task: values.task, whole_slice_s: whole.seconds, region_64_s: part.seconds, region_max_abs_diff: worst, output_max: range }));
  } finally {
    await service.close();
    fs.rmSync(derivedRoot, { recursive: true, force: true });
  }
}

await main();
