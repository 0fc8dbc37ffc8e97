import { parseArgs, type ParseArgsConfig } from 'node:util';
import { providerChoices, type ProviderChoice } from '../../src-shared/contract/inference';
import { UsageError } from './command';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with its errors turned into one-line usage errors. */
export function parseCommandArgs<const O extends Options>(commandName: string, args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${commandName}: ${message}. See 'radstation ${commandName} --help'.`);
  }
}

export const cacheOption = { cache: { type: 'string' } } as const;
export const modelsOption = { models: { type: 'string', multiple: true } } as const;

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${value}".`);
  return port;
}

/** --provider: one of the execution-provider choices; undefined when not given (the caller's default applies). */
export function parseProviderOption(value: string | undefined): ProviderChoice | undefined {
  if (value === undefined) return undefined;
  if (!(providerChoices as readonly string[]).includes(value)) throw new UsageError(`--provider must be one of ${providerChoices.join(', ')}, not "${value}".`);
  return value as ProviderChoice;
}
