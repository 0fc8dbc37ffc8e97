import { resolveDirs } from '../../platform/paths';
import { findNode, loadNetworkSettings } from '../../network/network-settings';
import { echoNode } from '../../network/remote-queries';
import { UsageError, type CliCommand } from '../command';
import { cacheOption, parseCommandArgs } from '../common-options';

export const echoCommand: CliCommand = {
  name: 'echo',
  summary: 'Verify a remote node (C-ECHO, or a QIDO request for DICOMweb)',
  usage: `radstation echo NAME [--timeout SECONDS] [--json] [--cache DIR]

Exits 0 when the node answers; otherwise prints what failed (refused, unknown-ae,
rejected, timeout, tls, http, auth) and exits 1.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('echo', args, { ...cacheOption, json: { type: 'boolean' }, timeout: { type: 'string' } }, true);
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("echo: give one node name. See 'radstation echo --help'.");
    const seconds = values.timeout === undefined ? 10 : Number(values.timeout);
    if (!(seconds > 0)) throw new UsageError(`echo: --timeout must be a positive number of seconds, not "${values.timeout}".`);
    const { cacheDir } = resolveDirs({ cacheDir: values.cache });
    const settings = loadNetworkSettings(cacheDir);
    const result = await echoNode(settings, findNode(settings, positionals[0]!), seconds * 1000);
    if (values.json) io.out(JSON.stringify(result));
    else if (result.ok) io.out(`${result.node}: ${result.message} (${result.milliseconds} ms)`);
    else io.err(`radstation: ${result.node}: ${result.failure}: ${result.message}`);
    return result.ok ? 0 : 1;
  },
};
