import { appPackage } from '../platform/app-root';
import { onnxruntimeVersion } from '../platform/versions';
import type { CliCommand } from './command';
import { parseCommandArgs } from './common-options';

export const versionCommand: CliCommand = {
  name: 'version',
  summary: 'Print the versions of Radstation and its runtimes',
  usage: 'radstation version [--json]',
  async run(args, io) {
    const { values } = parseCommandArgs('version', args, { json: { type: 'boolean' } });
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    const versions = { radstation: appPackage().version, node: process.versions.node, onnxruntime: onnxruntimeVersion() };
    io.out(values.json ? JSON.stringify(versions) : Object.entries(versions).map(([name, version]) => `${name} ${version}`).join('\n'));
    return 0;
  },
};
