/**
 * The folder options the desktop app takes on its command line, as the CLI spells them:
 * `--cache DIR` and `--models DIR` (repeatable), each also as `--name=DIR`. Electron's
 * argv carries Chromium's own switches too, so anything else is passed over, not refused.
 */
export interface HostDirArgs {
  cacheDir?: string;
  modelDirs: string[];
}

export function hostDirArgs(argv: readonly string[]): HostDirArgs {
  const values: Record<'cache' | 'models', string[]> = { cache: [], models: [] };
  for (let index = 0; index < argv.length; index += 1) {
    const match = /^--(cache|models)(?:=(.*))?$/.exec(argv[index]!);
    if (!match) continue;
    const name = match[1] as 'cache' | 'models';
    let value = match[2];
    if (value === undefined) {
      const next = argv[index + 1];
      // A switch right after is the next option, not this one's folder.
      if (next === undefined || next.startsWith('--')) continue;
      value = next;
      index += 1;
    }
    if (value.length > 0) values[name].push(value);
  }
  return { ...(values.cache.length > 0 ? { cacheDir: values.cache.at(-1)! } : {}), modelDirs: values.models };
}
