/**
 * File answers taken in turns, so that socket calls never wait behind them.
 *
 * A host's one event loop reads every socket that is ready in one pass (its poll phase).
 * When a class loads a series, that pass holds a hundred or more /files requests; answered
 * there and then, a teacher's call that arrived in the same pass waits until every one of
 * them has been looked up and written. Queued here instead, the files are answered in the
 * loop's check phase, `perTurn` at a time, first come first served, and every socket message
 * that arrives meanwhile is handled in the next pass, ahead of the files still queued.
 */
export class FileTurns {
  private readonly jobs: Array<() => void> = [];
  private scheduled = false;

  constructor(
    private readonly perTurn: number,
    /** Told about a job that threw; the job itself must answer its client. */
    private readonly onFailure: (error: unknown) => void,
  ) {
    if (!Number.isInteger(perTurn) || perTurn < 1) throw new RangeError('perTurn must be a positive integer.');
  }

  /** Jobs waiting for their turn. */
  get waiting(): number {
    return this.jobs.length;
  }

  push(job: () => void): void {
    this.jobs.push(job);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.takeTurn);
    }
  }

  private readonly takeTurn = (): void => {
    for (let count = 0; count < this.perTurn && this.jobs.length > 0; count += 1) {
      const job = this.jobs.shift()!;
      try {
        job();
      } catch (error) {
        this.onFailure(error);
      }
    }
    if (this.jobs.length > 0) setImmediate(this.takeTurn);
    else this.scheduled = false;
  };
}
