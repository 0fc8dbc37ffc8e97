import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src-shared/domain/imports';
import { runImport } from '../../src-main/studies/import/run-import';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

const temp = makeTempDir();
const folder = path.join(temp.dir, 'special');
let socketServer: net.Server | undefined;

/** An import that must end by itself: a FIFO opened for reading would block it forever. */
function withinSeconds<T>(promise: Promise<T>, seconds: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${seconds} s: the import hangs`)), seconds * 1000).unref())]);
}

const reasonFor = (report: ImportReport, file: string) => report.failed.find((failure) => failure.path === file)?.reason;

beforeAll(async () => {
  fs.mkdirSync(folder);
  fs.copyFileSync(sharedDataPath('dicom', 'conformance', 'pydicom', 'CT_small.dcm'), path.join(folder, 'good.dcm'));
  execFileSync('mkfifo', [path.join(folder, 'pipe.dcm'), path.join(folder, 'pipe.zip'), path.join(temp.dir, 'given-pipe')]);
  socketServer = net.createServer();
  await new Promise<void>((resolve) => socketServer!.listen(path.join(folder, 'socket.dcm'), resolve));
  fs.symlinkSync('loop-b', path.join(folder, 'loop-a'));
  fs.symlinkSync('loop-a', path.join(folder, 'loop-b'));
  fs.symlinkSync('nowhere.dcm', path.join(folder, 'dangling.dcm'));
  fs.symlinkSync('/dev/null', path.join(folder, 'null-link'));
  fs.symlinkSync('.', path.join(folder, 'self-folder'));
});

afterAll(async () => {
  await new Promise<void>((resolve) => (socketServer ? socketServer.close(() => resolve()) : resolve()));
  temp.cleanup();
});

describe('special files given to import', () => {
  it('reports FIFOs, sockets, devices, link loops and dangling links by kind, without opening them', async () => {
    const givenPipe = path.join(temp.dir, 'given-pipe');
    const finished = await withinSeconds(runImport({ importId: 'special', cacheDir: path.join(temp.dir, 'cache'), paths: [folder, givenPipe, '/dev/null'], mode: 'copy' }), 30);
    const { report } = finished;
    expect(finished.status).toBe('completed');
    expect(report.instances).toBe(1);
    expect(reasonFor(report, path.join(folder, 'pipe.dcm'))).toMatch(/not a regular file: a FIFO/);
    expect(reasonFor(report, path.join(folder, 'pipe.zip'))).toMatch(/not a regular file: a FIFO/);
    expect(reasonFor(report, givenPipe)).toMatch(/not a regular file: a FIFO/);
    expect(reasonFor(report, path.join(folder, 'socket.dcm'))).toMatch(/not a regular file: a socket/);
    expect(reasonFor(report, '/dev/null')).toMatch(/not a regular file: a character device/);
    expect(reasonFor(report, path.join(folder, 'null-link'))).toMatch(/not a regular file: a character device/);
    expect(reasonFor(report, path.join(folder, 'loop-a'))).toMatch(/symbolic link loop/);
    expect(reasonFor(report, path.join(folder, 'loop-b'))).toMatch(/symbolic link loop/);
    expect(reasonFor(report, path.join(folder, 'dangling.dcm'))).toMatch(/dangling symbolic link/);
    // Every file looked at is in exactly one category.
    expect(report.files).toBe(report.instances + report.duplicates + report.conflicts.length + report.failed.length + report.dicomdirs);
  });

  it('can still be cancelled while special files are in the batch', async () => {
    const cancellation = { cancelled: false };
    const finished = await withinSeconds(
      runImport({
        importId: 'special-cancel',
        cacheDir: path.join(temp.dir, 'cache-cancel'),
        paths: [path.join(folder, 'pipe.dcm'), path.join(folder, 'socket.dcm'), folder, sharedDataPath('dicom', 'series', 'ct-head-ge-tilted')],
        mode: 'copy',
        cancellation,
        delayPerFileMs: 20,
        onProgress: (progress) => {
          if (progress.filesDone >= 3) cancellation.cancelled = true;
        },
      }),
      30,
    );
    expect(finished.status).toBe('cancelled');
    expect(finished.report.instances).toBeLessThan(29);
  });
});
