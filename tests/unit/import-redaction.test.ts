import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactForBrowsers } from '../../src-main/host/import-redaction';

const cacheDir = path.resolve('/home/teacher/.config/Radstation');
const uploadsDir = path.join(cacheDir, 'uploads');
const staged = path.join(uploadsDir, '6f1c0e7a-0000-4000-8000-000000000000');

describe('import events as browsers receive them', () => {
  it('names files relative to the upload, and never the host folders', () => {
    const finished = {
      importId: 'i-1',
      status: 'completed',
      report: {
        files: 3,
        failed: [
          { path: `${staged}/cases.zip!/junk/not-dicom.dcm`, reason: 'not a DICOM file' },
          { path: path.join(staged, 'x.dcm'), reason: `ENOENT: no such file or directory, open '${path.join(staged, 'x.dcm')}'` },
          { path: '/media/teacher/secret/other.dcm', reason: `could not copy into ${cacheDir}/store` },
        ],
        conflicts: [{ path: `${staged}/cases.zip!/a.dcm`, sopInstanceUid: '1.2', reason: 'kept the cached one' }],
      },
    };
    const seen = redactForBrowsers('imports.finished', finished, cacheDir, uploadsDir);
    expect(seen).toEqual({
      importId: 'i-1',
      status: 'completed',
      report: {
        files: 3,
        failed: [
          { path: 'cases.zip!/junk/not-dicom.dcm', reason: 'not a DICOM file' },
          { path: 'x.dcm', reason: "ENOENT: no such file or directory, open 'x.dcm'" },
          { path: 'other.dcm', reason: 'could not copy into cache/store' },
        ],
        conflicts: [{ path: 'cases.zip!/a.dcm', sopInstanceUid: '1.2', reason: 'kept the cached one' }],
      },
    });
    expect(JSON.stringify(seen)).not.toContain('/home/teacher');
    expect(redactForBrowsers('imports.progress', { importId: 'i-1', filesDone: 1, filesTotal: 2, currentPath: path.join(staged, 'MR.dcm') }, cacheDir, uploadsDir)).toEqual({
      importId: 'i-1',
      filesDone: 1,
      filesTotal: 2,
      currentPath: 'MR.dcm',
    });
  });

  it('passes other events through untouched', () => {
    const payload = { studyInstanceUids: ['1.2.3'] };
    expect(redactForBrowsers('studies.changed', payload, cacheDir, uploadsDir)).toBe(payload);
  });
});
