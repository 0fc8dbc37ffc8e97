import { resolveDirs } from '../../platform/paths';
import { findNode, loadNetworkSettings } from '../../network/network-settings';
import { send } from '../../network/send';
import { UsageError, type CliCommand } from '../command';
import { cacheOption, parseCommandArgs } from '../common-options';

export const sendCommand: CliCommand = {
  name: 'send',
  summary: 'Send a cached study or series to a remote node (C-STORE or STOW-RS)',
  usage: `radstation send NAME (--study UID | --series UID) [--json] [--cache DIR]

Sends derived AI series and report SRs like any other series. Progress (k/N) goes to
stderr; Ctrl+C cancels. Exits 1 unless every instance was stored.
  --json   print only the report, with each instance's status, as one JSON document`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('send', args, { ...cacheOption, study: { type: 'string' }, series: { type: 'string' }, json: { type: 'boolean' } }, true);
    if (values.help) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("send: give one node name. See 'radstation send --help'.");
    if ((values.study === undefined) === (values.series === undefined)) throw new UsageError('send: give exactly one of --study UID and --series UID.');
    const { cacheDir } = resolveDirs({ cacheDir: values.cache });
    const settings = loadNetworkSettings(cacheDir);
    const node = findNode(settings, positionals[0]!);
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.once('SIGINT', cancel);
    try {
      const report = await send(
        { cacheDir, settings, signal: controller.signal, onProgress: (done, total) => io.err(`${done}/${total}`) },
        { node, ...(values.study ? { studyInstanceUid: values.study } : {}), ...(values.series ? { seriesInstanceUid: values.series } : {}) },
      );
      if (values.json) io.out(JSON.stringify(report));
      else {
        const stored = report.instances.filter((instance) => instance.ok).length;
        io.out(`${report.status}: ${stored} of ${report.instances.length} instances stored on ${report.node} (${report.seconds.toFixed(1)} s)`);
        for (const instance of report.instances) if (!instance.ok) io.out(`not stored: ${instance.sopInstanceUid}: ${instance.status}`);
      }
      return report.status === 'completed' ? 0 : 1;
    } finally {
      process.off('SIGINT', cancel);
    }
  },
};
