import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { sharedDataPath } from '../helpers/shared-data';
import { pydicomUnavailable, pythonWithPydicom } from '../helpers/pydicom';
import { makeTempDir } from '../helpers/temp-dir';
import { emptyCache } from './empty-cache';
import { expect, test } from './fixtures';
import { importLinked, studyUidOf } from './cli-import';
import { canvasStats, openStudy } from './viewer-page';

/**
 * The viewer honours the file's VOI LUT Function (PS3.3 C.11.2.1.3): a real head CT slice is
 * written three times by pydicom with window 40/80 as LINEAR, LINEAR_EXACT and SIGMOID, each its
 * own study. The overlay reads the window back in the image's own function (LINEAR_EXACT 40/80
 * spans 0…80, which read as LINEAR would be W 81 L 41), and SIGMOID draws a different picture.
 */
const skip = pydicomUnavailable();
test.skip(skip !== undefined, `needs pydicom: ${skip}`);

const rewrite = `
import sys, pydicom
from pydicom.uid import generate_uid
source, out_dir = sys.argv[1:3]
for name in ['LINEAR', 'LINEAR_EXACT', 'SIGMOID']:
    ds = pydicom.dcmread(source)
    ds.StudyInstanceUID = generate_uid(); ds.SeriesInstanceUID = generate_uid(); ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.WindowCenter = 40; ds.WindowWidth = 80; ds.StudyDescription = 'VOI ' + name
    if name != 'LINEAR': ds.VOILUTFunction = name
    ds.save_as(f'{out_dir}/{name}.dcm')
`;

test.describe.serial('the VOI LUT Function in the viewer', () => {
  const temp = makeTempDir('radstation-voi-e2e-');
  const file = (name: string) => path.join(temp.dir, `${name}.dcm`);

  test.beforeAll(({ webHost }) => {
    execFileSync(pythonWithPydicom, ['-c', rewrite, sharedDataPath('dicom', 'series', 'ct-head-ge-tilted', '01.dcm'), temp.dir]);
    const { instances } = importLinked(webHost, [file('LINEAR'), file('LINEAR_EXACT'), file('SIGMOID')]);
    expect(instances).toBe(3);
  });
  test.afterAll(async ({ webHost }) => {
    await emptyCache(webHost);
    temp.cleanup();
  });

  test('LINEAR_EXACT is shown and reported in its own terms, and SIGMOID draws a different picture from LINEAR', async ({ page, webHost }) => {
    const shown: Record<string, { mean: number; sd: number; fingerprint: number }> = {};
    for (const name of ['LINEAR', 'LINEAR_EXACT', 'SIGMOID']) {
      await openStudy(page, webHost.url, studyUidOf(file(name)));
      await expect(page.getByTestId('overlay-window').first()).toHaveText(/^W 80 L 40\b/);
      await page.waitForTimeout(500);
      shown[name] = await canvasStats(page);
    }
    // A sigmoid keeps grey beyond the linear window's ends, so the same window draws another picture.
    expect(shown.SIGMOID!.fingerprint).not.toBe(shown.LINEAR!.fingerprint);
    expect(Math.abs(shown.SIGMOID!.sd - shown.LINEAR!.sd)).toBeGreaterThan(0.5);
  });
});
