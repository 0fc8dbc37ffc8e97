import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src-main/services';
import type { CallResponse } from '../../src-shared/contract';
import { joinAsStudent, joinAsTeacher, openClassroomSocket, ownerWithStudies, valueOf } from '../helpers/classroom';
import { pydicomUnavailable, runPydicom } from '../helpers/pydicom';
import { repoRoot } from '../helpers/cli-process';
import { sharedDataPath } from '../helpers/shared-data';
import { makeTempDir } from '../helpers/temp-dir';

// Students only ever see de-identified data: every file a student can fetch from a classroom
// is read back with pydicom and checked against its original by the Basic Profile's table.
const unavailable = pydicomUnavailable();
if (unavailable) console.warn(`teaching-served-bytes: skipped, because ${unavailable}`);

const temp = makeTempDir();
let owner: Services | undefined;
const seriesRoot = sharedDataPath('dicom', 'series');

beforeAll(async () => {
  if (unavailable) return;
  owner = await ownerWithStudies(temp.dir, [path.join(seriesRoot, 'ct-head-ge-tilted'), path.join(seriesRoot, 'mr-brain-t1-mprage-siemens')]);
}, 300_000);

afterAll(async () => {
  await owner?.close();
  temp.cleanup();
});

describe.skipIf(unavailable !== undefined)('files served to students', () => {
  it('carry no attribute the Basic Profile removes, nor any original value it replaces', async () => {
    const services = owner!;
    const studyUids = services.studies.list({}).map((study) => study.studyInstanceUid);
    expect(studyUids).toHaveLength(2);
    const links = await services.teaching.start({ studyInstanceUids: studyUids, options: [], allowStudentAi: false, durationMinutes: 60 });
    const origin = new URL(links.studentUrl).origin;
    // One case unknown, so its files take the students' redacted path too.
    const teacher = await openClassroomSocket(origin, await joinAsTeacher(links.teacherUrl));
    valueOf(await teacher.call('teaching.updateCase', { caseId: 'case-2', unknown: true }));
    const cookie = await joinAsStudent(links.studentUrl, 'Reader');
    const student = await openClassroomSocket(origin, cookie);

    // Everything a student can reach, found the way the app finds it.
    const served = path.join(temp.dir, 'served');
    fs.mkdirSync(served);
    let fetched = 0;
    for (const study of valueOf(await student.call<CallResponse<'studies.list'>>('studies.list', {})).studies) {
      for (const series of valueOf(await student.call<CallResponse<'studies.series'>>('studies.series', { studyInstanceUid: study.studyInstanceUid })).series) {
        const { instances } = valueOf(await student.call<CallResponse<'studies.instances'>>('studies.instances', { seriesInstanceUid: series.seriesInstanceUid }));
        for (const instance of instances) {
          const response = await fetch(`${origin}/files/instances/${instance.sopInstanceUid}`, { headers: { cookie } });
          expect(response.status).toBe(200);
          fs.writeFileSync(path.join(served, `${instance.sopInstanceUid}.dcm`), Buffer.from(await response.arrayBuffer()));
          fetched += 1;
        }
      }
    }
    // 28 CT slices and 176 MR slices; the MR folder's non-image files are not instances.
    expect(fetched).toBe(204);
    const report = runPydicom<{ served: number; paired: number; checkedAttributes: number; problems: string[] }>(
      fs.readFileSync(path.join(repoRoot, 'tests', 'helpers', 'served_bytes_check.py'), 'utf8'),
      [path.join(repoRoot, 'src-main', 'deid', 'table-e1-1.json'), seriesRoot, served],
    );
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ served: 204, paired: 204 });
    expect(report.checkedAttributes).toBeGreaterThan(204 * 10);
    await services.teaching.end(links.sessionId);
  }, 300_000);
});
