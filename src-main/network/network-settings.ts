import fs from 'node:fs';
import path from 'node:path';
import { networkSettingsSchema, type NetworkSettings, type RemoteNode } from '../../src-shared/domain/network';

/** Kept beside the cache's database, so a cache folder carries its own network setup. */
export const networkSettingsFileName = 'network.json';

export function networkSettingsPath(cacheDir: string): string {
  return path.join(cacheDir, networkSettingsFileName);
}

/** The settings, with defaults when the file does not exist yet; a damaged file is an error, never silently replaced. */
export function loadNetworkSettings(cacheDir: string): NetworkSettings {
  const file = networkSettingsPath(cacheDir);
  if (!fs.existsSync(file)) return networkSettingsSchema.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix or remove it.`);
  }
  const parsed = networkSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not valid: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown problem'}; fix or remove it.`);
  }
  return parsed.data;
}

/** Written to a temporary name and renamed, so a crash never leaves half a settings file. */
export function saveNetworkSettings(cacheDir: string, settings: NetworkSettings): void {
  const valid = networkSettingsSchema.parse(settings);
  fs.mkdirSync(cacheDir, { recursive: true });
  const file = networkSettingsPath(cacheDir);
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify(valid, null, 2)}\n`);
  fs.renameSync(partial, file);
}

export function findNode(settings: NetworkSettings, name: string): RemoteNode {
  const node = settings.nodes.find((candidate) => candidate.name === name);
  if (!node) {
    const known = settings.nodes.map((candidate) => candidate.name);
    throw new Error(`no remote node named "${name}"${known.length > 0 ? ` (configured: ${known.join(', ')})` : "; add one with 'radstation remote add'"}.`);
  }
  return node;
}

export function addNode(cacheDir: string, node: RemoteNode): NetworkSettings {
  const settings = loadNetworkSettings(cacheDir);
  if (settings.nodes.some((candidate) => candidate.name === node.name)) {
    throw new Error(`a remote node named "${node.name}" already exists; remove it first to change it.`);
  }
  const next = { ...settings, nodes: [...settings.nodes, node] };
  saveNetworkSettings(cacheDir, next);
  return next;
}

export function removeNode(cacheDir: string, name: string): NetworkSettings {
  const settings = loadNetworkSettings(cacheDir);
  findNode(settings, name);
  const next = { ...settings, nodes: settings.nodes.filter((candidate) => candidate.name !== name) };
  saveNetworkSettings(cacheDir, next);
  return next;
}

/** Calling AE titles the SCP accepts: every configured DIMSE node's, unless the settings open it to any. */
export function isKnownCaller(settings: NetworkSettings, callingAet: string): boolean {
  if (settings.acceptAnyCaller) return true;
  const title = callingAet.trim();
  return settings.nodes.some((node) => node.kind === 'dimse' && node.aet.trim() === title);
}
