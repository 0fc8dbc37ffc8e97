import fs from 'node:fs';
import path from 'node:path';
import type { ImportFinished, ImportReport } from '../../src-shared/domain/imports';
import type { ImportService } from '../studies/import/import-service';

/** Where received instances wait for their import: inside the cache folder, so a restart finds them. */
export function stagingDir(cacheDir: string): string {
  return path.join(cacheDir, 'incoming');
}

export interface ReceivedTotals {
  files: number;
  instances: number;
  duplicates: number;
  conflicts: number;
  failed: ImportReport['failed'];
}

/**
 * Imports instances received over the network through the same import service as files, in
 * batches: each staged file is imported by copy, then removed. Batching matters because each
 * import starts a worker; a study pushed slice by slice becomes a few imports, not hundreds.
 */
export class ReceivedImporter {
  private queued: string[] = [];
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  readonly totals: ReceivedTotals = { files: 0, instances: 0, duplicates: 0, conflicts: 0, failed: [] };

  constructor(
    private readonly imports: ImportService,
    private readonly options: { batchSize?: number; idleMs?: number; onImported?: (finished: ImportFinished) => void } = {},
  ) {}

  /** Staged files left by a process that stopped before importing them are imported now; partial ones are dropped. */
  recoverLeftovers(dir: string): number {
    if (!fs.existsSync(dir)) return 0;
    let count = 0;
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (name.endsWith('.partial')) fs.rmSync(file, { force: true });
      else if (name.endsWith('.dcm')) {
        this.add(file);
        count += 1;
      }
    }
    return count;
  }

  add(file: string): void {
    this.queued.push(file);
    if (this.queued.length >= (this.options.batchSize ?? 64)) this.flush();
    else {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.flush(), this.options.idleMs ?? 300);
    }
  }

  /** Resolves once every file added so far is imported (or reported failed). */
  async drain(): Promise<void> {
    this.flush();
    await this.running;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queued.length === 0) return;
    const batch = this.queued;
    this.queued = [];
    this.running = this.running.then(() => this.importBatch(batch));
  }

  private async importBatch(files: string[]): Promise<void> {
    const { importId } = this.imports.start({ paths: files, mode: 'copy' });
    const finished = await this.imports.whenFinished(importId);
    if (finished) {
      const { report } = finished;
      this.totals.files += report.files;
      this.totals.instances += report.instances;
      this.totals.duplicates += report.duplicates;
      this.totals.conflicts += report.conflicts.length;
      this.totals.failed.push(...report.failed);
      if (finished.status !== 'completed') this.totals.failed.push({ path: files[0] ?? '', reason: finished.message ?? `import ${finished.status}` });
      this.options.onImported?.(finished);
    }
    // A failed import keeps its staged files, so a later start imports them again; a completed one owns copies now.
    if (finished?.status === 'completed') for (const file of files) fs.rmSync(file, { force: true });
  }
}
