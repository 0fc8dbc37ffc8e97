import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeDicomdir, type DicomdirResult } from './dicomdir-writer';
import { deidentifyFiles, type DeidentifyReport, type DeidentifyRequest } from './deidentify-job';
import { writeZip } from './zip-writer';

export interface DeidentifyExportRequest extends Omit<DeidentifyRequest, 'layout'> {
  /** "folder": outDir is a folder; "zip": outDir is the zip file to write. */
  format: 'folder' | 'zip';
  /** Name files as removable media do and write a DICOMDIR at the root beside them. */
  dicomdir: boolean;
}

export interface DeidentifyExportReport extends DeidentifyReport {
  dicomdir?: DicomdirResult;
  zip?: { entries: number; bytes: number };
}

/** Media layouts number their files from 1, so they must not land on an earlier file-set. */
function checkMediaTarget(outDir: string): void {
  for (const taken of ['DICOMDIR', 'DICOM']) {
    if (fs.existsSync(path.join(outDir, taken))) throw new Error(`${outDir} already holds a ${taken}; choose an empty folder for --dicomdir`);
  }
}

/**
 * De-identifies into a folder or a zip archive, with a DICOMDIR when asked. A zip is built in
 * a staging folder inside the cache and written whole (under a temporary name until complete);
 * the staging folder goes whatever happens.
 */
export async function deidentifyExport(request: DeidentifyExportRequest, onProgress?: (done: number, total: number) => void): Promise<DeidentifyExportReport> {
  const layout = request.dicomdir ? 'media' : 'uids';
  if (request.format === 'folder') {
    if (request.dicomdir) checkMediaTarget(request.outDir);
    const report: DeidentifyExportReport = await deidentifyFiles({ ...request, layout }, onProgress);
    if (request.dicomdir && report.written > 0) report.dicomdir = writeDicomdir(report.outDir, report.outputs);
    return report;
  }
  const zipFile = path.resolve(request.outDir);
  if (fs.existsSync(zipFile) && !fs.statSync(zipFile).isFile()) throw new Error(`${zipFile} is not a file`);
  fs.mkdirSync(path.dirname(zipFile), { recursive: true });
  const staging = path.join(request.cacheDir, 'deid-staging', randomUUID());
  try {
    const report: DeidentifyExportReport = await deidentifyFiles({ ...request, outDir: staging, layout }, onProgress);
    const entries = [...report.outputs];
    if (request.dicomdir && report.written > 0) {
      report.dicomdir = writeDicomdir(staging, report.outputs);
      entries.unshift('DICOMDIR');
    }
    report.zip = writeZip(zipFile, staging, entries);
    report.outDir = zipFile;
    return report;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
