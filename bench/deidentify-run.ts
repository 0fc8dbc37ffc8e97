/** One timed de-identification of a folder, run as a child of bench/deidentify.ts so its peak RSS is its own. */
import { deidentifyFiles } from '../src-main/deid/deidentify-job';

const [source, outDir, cacheDir] = process.argv.slice(2);
if (!source || !outDir || !cacheDir) throw new Error('usage: deidentify-run SOURCE OUT CACHE');
const started = performance.now();
const report = await deidentifyFiles({ cacheDir, paths: [source], outDir, options: [], project: 'bench' });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ files: report.files, written: report.written, seconds })}\n`);
