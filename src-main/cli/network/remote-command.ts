import path from 'node:path';
import { networkSettingsSchema, remoteNodeSchema, type NetworkSettings, type RemoteNode } from '../../../src-shared/domain/network';
import { resolveDirs } from '../../platform/paths';
import { addNode, loadNetworkSettings, removeNode, saveNetworkSettings } from '../../network/network-settings';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { cacheOption, parseCommandArgs } from '../common-options';

const usage = `radstation remote add NAME (--dimse AET@HOST:PORT | --dicomweb URL) [--tls [--tls-ca FILE]] [--user U --password-file F | --token-file F] [--cache DIR]
radstation remote list [--json] [--cache DIR]
radstation remote remove NAME [--cache DIR]
radstation remote set [--aet AET] [--port N] [--bind ADDRESS] [--listener on|off] [--accept-any-caller yes|no] [--cache DIR]

Remote DICOM nodes (PACS, modalities, other workstations), kept in the cache folder's network.json.
  --dimse AET@HOST:PORT   a DIMSE peer: its AE title, host and port
  --dicomweb URL          a DICOMweb service's base URL (QIDO, WADO and STOW under it)
  --tls                   DIMSE over TLS (DICOMweb takes it from the URL's https); the peer's
                          certificate is verified against the system's trusted CAs, or
  --tls-ca FILE           against the CAs in this PEM file (a clinic's own CA), read at each use
  --user U --password-file F   HTTP basic authentication; the password stays in F
  --token-file F          HTTP bearer token, read from F at each use
  set: Radstation's own AE title, storage port and listen address (127.0.0.1 unless you give a
  LAN address or 0.0.0.0), whether the app and 'radstation serve' start the listener, and
  whether any caller may push`;

/** AET@HOST:PORT, where an AE title may itself hold an @ (the last one splits). */
export function parseDimseAddress(value: string): { aet: string; host: string; port: number } {
  const at = value.lastIndexOf('@');
  const colon = value.lastIndexOf(':');
  if (at <= 0 || colon < at + 2 || colon === value.length - 1) throw new UsageError(`remote add: --dimse must look like AET@HOST:PORT, not "${value}".`);
  return { aet: value.slice(0, at), host: value.slice(at + 1, colon).replace(/^\[|\]$/g, ''), port: Number(value.slice(colon + 1)) };
}

function describe(node: RemoteNode): string {
  if (node.kind === 'dimse') return `${node.name}  DIMSE  ${node.aet}@${node.host}:${node.port}${node.tls ? `  TLS${node.tlsCaFile ? ` (CA ${node.tlsCaFile})` : ''}` : ''}`;
  return `${node.name}  DICOMweb  ${node.url}${node.auth ? `  ${node.auth.type} auth` : ''}`;
}

function printSettings(settings: NetworkSettings, io: CliIo): void {
  io.out(
    `Local AE title ${settings.localAet}, storage port ${settings.localPort} on ${settings.listenAddress}, listener ${settings.listenerEnabled ? 'on' : 'off'}${settings.acceptAnyCaller ? ', accepts any caller' : ', accepts configured DIMSE nodes only'}`,
  );
  if (settings.nodes.length === 0) io.out('No remote nodes.');
  for (const node of settings.nodes) io.out(describe(node));
}

export const remoteCommand: CliCommand = {
  name: 'remote',
  summary: 'Add, list or remove remote DICOM nodes (DIMSE or DICOMweb)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'remote',
      args,
      {
        ...cacheOption,
        dimse: { type: 'string' },
        dicomweb: { type: 'string' },
        tls: { type: 'boolean' },
        user: { type: 'string' },
        'password-file': { type: 'string' },
        'token-file': { type: 'string' },
        'tls-ca': { type: 'string' },
        json: { type: 'boolean' },
        aet: { type: 'string' },
        port: { type: 'string' },
        'accept-any-caller': { type: 'string' },
        bind: { type: 'string' },
        listener: { type: 'string' },
      },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    const [action, name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`remote: unexpected argument "${extra[0]}".`);
    const { cacheDir } = resolveDirs({ cacheDir: values.cache });
    if (action === 'list') {
      const settings = loadNetworkSettings(cacheDir);
      if (values.json) io.out(JSON.stringify(settings));
      else printSettings(settings, io);
      return 0;
    }
    if (action === 'remove') {
      if (!name) throw new UsageError('remote remove: give the node name.');
      removeNode(cacheDir, name);
      io.out(`Removed ${name}.`);
      return 0;
    }
    if (action === 'set') {
      if (name) throw new UsageError(`remote set: unexpected argument "${name}".`);
      const current = loadNetworkSettings(cacheDir);
      const any = values['accept-any-caller'];
      if (any !== undefined && any !== 'yes' && any !== 'no') throw new UsageError('remote set: --accept-any-caller is yes or no.');
      const listener = values.listener;
      if (listener !== undefined && listener !== 'on' && listener !== 'off') throw new UsageError('remote set: --listener is on or off.');
      const next = networkSettingsSchema.safeParse({
        ...current,
        ...(values.aet !== undefined ? { localAet: values.aet } : {}),
        ...(values.port !== undefined ? { localPort: Number(values.port) } : {}),
        ...(any !== undefined ? { acceptAnyCaller: any === 'yes' } : {}),
        ...(values.bind !== undefined ? { listenAddress: values.bind } : {}),
        ...(listener !== undefined ? { listenerEnabled: listener === 'on' } : {}),
      });
      if (!next.success) throw new UsageError(`remote set: ${next.error.issues[0]?.path.join('.')}: ${next.error.issues[0]?.message}.`);
      saveNetworkSettings(cacheDir, next.data);
      printSettings(next.data, io);
      return 0;
    }
    if (action !== 'add') throw new UsageError(`remote: the action is add, list, remove or set, not "${action ?? ''}". See 'radstation remote --help'.`);
    if (!name) throw new UsageError('remote add: give the node a name.');
    if ((values.dimse === undefined) === (values.dicomweb === undefined)) throw new UsageError('remote add: give exactly one of --dimse AET@HOST:PORT and --dicomweb URL.');
    if (values.user !== undefined && values['token-file'] !== undefined) throw new UsageError('remote add: choose --user/--password-file or --token-file, not both.');
    if ((values.user === undefined) !== (values['password-file'] === undefined)) throw new UsageError('remote add: --user and --password-file go together.');
    let candidate: unknown;
    if (values.dimse !== undefined) {
      if (values.user !== undefined || values['token-file'] !== undefined) throw new UsageError('remote add: credentials apply to DICOMweb nodes only.');
      if (values['tls-ca'] !== undefined && !values.tls) throw new UsageError('remote add: --tls-ca goes with --tls.');
      const tlsCaFile = values['tls-ca'] === undefined ? undefined : path.resolve(values['tls-ca']);
      candidate = { name, kind: 'dimse', ...parseDimseAddress(values.dimse), tls: values.tls ?? false, ...(tlsCaFile ? { tlsCaFile } : {}) };
    } else {
      if (values.tls || values['tls-ca'] !== undefined) throw new UsageError('remote add: for DICOMweb, TLS comes from an https:// URL; leave out --tls and --tls-ca.');
      const auth =
        values.user !== undefined
          ? { type: 'basic', user: values.user, passwordFile: path.resolve(values['password-file'] ?? '') }
          : values['token-file'] !== undefined
            ? { type: 'bearer', tokenFile: path.resolve(values['token-file']) }
            : undefined;
      candidate = { name, kind: 'dicomweb', url: values.dicomweb, ...(auth ? { auth } : {}) };
    }
    const parsed = remoteNodeSchema.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`remote add: ${issue ? `${issue.path.join('.') || 'node'}: ${issue.message}` : 'invalid node'}.`);
    }
    addNode(cacheDir, parsed.data);
    io.out(`Added ${describe(parsed.data)}`);
    return 0;
  },
};
