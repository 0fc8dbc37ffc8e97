import { UsageError, type CliCommand, type CliIo } from './command';
import { deidentifyCommand } from './deidentify-command';
import { importCommand } from './import-command';
import { inferCommand } from './infer-command';
import { modelsCommand } from './models-command';
import { askCommand } from './ask-command';
import { qaCommand } from './qa-command';
import { serveCommand } from './serve-command';
import { studiesCommand } from './studies-command';
import { teachCommand } from './teach-command';
import { versionCommand } from './version-command';
import { remoteCommand } from './network/remote-command';
import { echoCommand } from './network/echo-command';
import { findCommand } from './network/find-command';
import { listenCommand } from './network/listen-command';
import { retrieveCommand } from './network/retrieve-command';
import { sendCommand } from './network/send-command';

/** Every subcommand, in the order `--help` lists them. Later features add theirs here. */
export const commands: readonly CliCommand[] = [importCommand, studiesCommand, deidentifyCommand, serveCommand, teachCommand, modelsCommand, inferCommand, qaCommand, askCommand, remoteCommand, echoCommand, findCommand, retrieveCommand, sendCommand, listenCommand, versionCommand];

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: radstation <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "Run 'radstation <command> --help' for a command's options.",
  ].join('\n');
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/**
 * Runs one subcommand. Errors become a single line on stderr and a non-zero exit,
 * because clinic IT staff script this and read its exit code.
 */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') return versionCommand.run([], io);
  const command = commands.find((candidate) => candidate.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}". Run 'radstation --help' for the list.`);
    return await command.run(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(`radstation: ${message.split('\n')[0]}`);
    return error instanceof UsageError ? 2 : 1;
  }
}
