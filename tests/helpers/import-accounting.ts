import { expect } from 'vitest';
import type { ImportReport } from '../../src-shared/domain/imports';

/** Every file an import looked at lands in exactly one of the report's categories. */
export function expectEveryFileAccounted(report: ImportReport, where = 'import report'): void {
  const categorised = report.instances + report.duplicates + report.conflicts.length + report.failed.length + report.dicomdirs;
  expect(categorised, `${where}: files ${report.files} vs instances ${report.instances} + duplicates ${report.duplicates} + conflicts ${report.conflicts.length} + failed ${report.failed.length} + dicomdirs ${report.dicomdirs}`).toBe(report.files);
}
