/** Raised for anything the user should fix: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Shown by `radstation <command> --help`. */
  readonly usage: string;
  /** Resolves to the process exit code. Long-running commands resolve when they stop. */
  run(args: string[], io: CliIo): Promise<number>;
}
