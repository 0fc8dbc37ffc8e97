import { BundleRegistry, type LoadedBundle } from '../inference/bundles/bundle-registry';
import { BundleVerifier } from '../inference/bundles/bundle-verification';
import { modelSourcesFor, verificationStorePath } from '../inference/inference-wiring';
import { resolveDirs } from '../platform/paths';
import type { CliCommand } from './command';
import { modelsOption, parseCommandArgs } from './common-options';

function describeBundle({ summary: bundle, dir }: LoadedBundle): string[] {
  const lines = [`${bundle.id} ${bundle.version} (${bundle.origin}) ${bundle.valid ? 'valid' : 'INVALID'}  ${dir}`];
  for (const problem of bundle.problems) lines.push(`  problem: ${problem}`);
  for (const task of bundle.tasks) {
    lines.push(`  task ${task.id} [${task.kind}; ${task.modalities.join(', ')}] ${task.runnable ? 'runnable' : `not runnable: ${task.reason ?? ''}`}`);
  }
  return lines;
}

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'List model bundles, their tasks and whether each can run',
  usage: `radstation models [--models DIR]... [--json]

Lists the bundles in the app's models folder, the user's models folder and any
--models folders (also RADSTATION_MODELS), checks every file against the manifest's
size and SHA-256, and says why an invalid bundle or unavailable task cannot run.
  --models DIR  extra model bundle folder; repeatable
  --json        print {"bundles": [...]} as JSON`,
  async run(args, io) {
    const { values } = parseCommandArgs('models', args, { ...modelsOption, json: { type: 'boolean' } });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    const dirs = resolveDirs({ modelDirs: values.models });
    const registry = new BundleRegistry(modelSourcesFor(dirs), new BundleVerifier(verificationStorePath(dirs)));
    const loaded = await registry.list();
    // The CLI runs on the host itself, so its JSON names each bundle's folder too.
    const bundles = loaded.map((bundle) => ({ ...bundle.summary, dir: bundle.dir }));
    if (values.json) io.out(JSON.stringify({ bundles }));
    else if (loaded.length === 0) io.out(`No model bundles found (searched: ${modelSourcesFor(dirs).map((source) => source.dir).join(', ')}).`);
    else io.out(loaded.flatMap(describeBundle).join('\n'));
    return 0;
  },
};
