import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import type { Page } from '@playwright/test';
import { sharedDataPath } from '../helpers/shared-data';
import { importLinked, studyUidOf } from './cli-import';
import { emptyCache } from './empty-cache';
import { expect, test, type RunningHost } from './fixtures';
import { dragOnImage, joinAsStudent, parseCsv, rawCall, rawFetch, shownView, waitForImage, wheelOnImage } from './teaching-page';

/**
 * A class, as a teacher runs it: the owner ticks the head CT in the study browser and starts
 * a teaching session; the teacher opens the classroom; two students join from the student
 * link in browsers of their own, typing names. Follow-me, the student role's limits (in the
 * UI and by hand on the socket and over HTTP), an unknown case revealed, a quiz from
 * question to CSV, and the end of the session that kills the student links.
 * Everything is real: the CLI's web host, its classroom host, SQLite, de-identification and Chromium.
 */

const ctDir = sharedDataPath('dicom', 'series', 'ct-head-ge-tilted');

/** The SOP Instance UID of one original file, read with dicom-parser (not the app). */
function originalSopUid(): string {
  const file = fs.readdirSync(ctDir).map((name) => path.join(ctDir, name)).find((name) => fs.statSync(name).isFile());
  if (!file) throw new Error(`no file in ${ctDir}`);
  const bytes = fs.readFileSync(file);
  return dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { untilTag: 'x00080018' }).string('x00080018') ?? '';
}

const sameView = async (a: Page, b: Page) => {
  const [left, right] = await Promise.all([shownView(a), shownView(b)]);
  if (!left || !right) return false;
  const voiClose = left.voi && right.voi ? Math.abs(left.voi[0] - right.voi[0]) < 0.5 && Math.abs(left.voi[1] - right.voi[1]) < 0.5 : left.voi === right.voi;
  return left.seriesUid === right.seriesUid && left.imageIndex === right.imageIndex && voiClose;
};

/** The owner ticks the head CT, starts a session with the defaults and opens the classroom as teacher. */
async function startSessionAndOpenClassroom(page: Page, webHost: RunningHost): Promise<{ studentUrl: string; teacher: Page }> {
  importLinked(webHost, [ctDir]);
  await page.goto(webHost.url);
  await page.getByRole('checkbox', { name: /Select study of .* for teaching/ }).check();
  await page.getByRole('button', { name: /^Teach…/ }).click();
  await page.getByRole('dialog', { name: 'Start a teaching session' }).getByRole('button', { name: 'Start session' }).click();
  const studentUrl = (await page.getByTestId('student-url').textContent({ timeout: 120_000 })) ?? '';
  const [teacher] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: 'Open classroom as teacher' }).click()]);
  await expect(teacher.getByTestId('classroom')).toHaveAttribute('data-role', 'teacher', { timeout: 30_000 });
  return { studentUrl, teacher };
}

test.describe('teaching session', () => {
  test.afterEach(async ({ webHost }) => emptyCache(webHost));

  test('start from the study browser, follow, roles, unknown case, quiz, end', async ({ page, webHost, browser }) => {
    test.setTimeout(600_000);
    importLinked(webHost, [ctDir]);
    const originalStudy = studyUidOf(path.join(ctDir, fs.readdirSync(ctDir)[0] ?? ''));

    // The owner ticks the study and starts a session.
    await page.goto(webHost.url);
    await page.getByRole('checkbox', { name: /Select study of .* for teaching/ }).check();
    await page.getByRole('button', { name: /^Teach…/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Start a teaching session' });
    await dialog.getByRole('button', { name: 'Start session' }).click();
    const card = page.getByTestId('teaching-session');
    // De-identifying takes a while; a refusal shows in the dialog and fails the test at once with its words.
    await expect(card.or(dialog.getByRole('alert'))).toBeVisible({ timeout: 120_000 });
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    const studentUrl = (await card.getByTestId('student-url').textContent()) ?? '';
    const code = (await card.getByTestId('session-code').textContent()) ?? '';
    expect(studentUrl).toContain(code);
    expect(studentUrl).toMatch(/^http:\/\/[^/]+\/s\/[A-Z0-9]+$/);

    // A reload finds the session again.
    await page.reload();
    await expect(page.getByTestId('student-url')).toHaveText(studentUrl);

    // The teacher opens the classroom from the owner's screen (its link is never printed there).
    await expect(card).not.toContainText('/join');
    const [teacher] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: 'Open classroom as teacher' }).click()]);
    await expect(teacher.getByTestId('classroom')).toHaveAttribute('data-role', 'teacher', { timeout: 30_000 });
    await waitForImage(teacher);

    // Two students join in browsers of their own; the teacher's roster shows them.
    const ada = await joinAsStudent(browser, studentUrl, 'Ada');
    const ben = await joinAsStudent(browser, studentUrl, '=Ben');
    await expect(teacher.getByTestId('roster-entry')).toHaveCount(2);
    await expect(teacher.getByRole('region', { name: 'Roster' })).toContainText('Ada');
    for (const student of [ada.page, ben.page]) await waitForImage(student);

    // Follow-me: the teacher scrolls and windows; both students' viewports show the same slice and window.
    await teacher.getByRole('button', { name: /^Follow me/ }).click();
    await expect(teacher.getByRole('button', { name: 'Follow me on' })).toBeVisible();
    for (const student of [ada.page, ben.page]) await expect(student.getByTestId('following')).toBeVisible();
    await wheelOnImage(teacher, 6);
    await dragOnImage(teacher, [0.4, 0.4], [0.6, 0.55]);
    const teacherView = await shownView(teacher);
    expect(teacherView?.imageIndex).toBeGreaterThan(0);
    for (const student of [ada.page, ben.page]) await expect.poll(() => sameView(teacher, student), { timeout: 20_000 }).toBe(true);

    // Ada steps out by scrolling herself; Ben keeps following; "Back to teacher" brings Ada back.
    await wheelOnImage(ada.page, 3);
    await expect(ada.page.getByRole('button', { name: 'Back to teacher' })).toBeVisible();
    await wheelOnImage(teacher, 2);
    await expect.poll(() => sameView(teacher, ben.page), { timeout: 20_000 }).toBe(true);
    expect(await sameView(teacher, ada.page)).toBe(false);
    await ada.page.getByRole('button', { name: 'Back to teacher' }).click();
    await expect.poll(() => sameView(teacher, ada.page), { timeout: 20_000 }).toBe(true);

    // What the student role forbids: no such controls on screen…
    for (const label of [/^Import/, /^Delete study/, /^De-identify/, /^Save as series/, /^Teach…/, /^End session/, /^Remove/, /^Reveal/]) {
      await expect(ada.page.getByRole('button', { name: label })).toHaveCount(0);
    }
    await expect(ada.page.getByRole('textbox', { name: /findings|impression/i })).toHaveCount(0);
    // …and by hand, on the socket and over HTTP, the host refuses.
    for (const [name, payload] of [
      ['studies.delete', { studyInstanceUid: originalStudy }],
      ['imports.start', { paths: ['/etc'] }],
      ['reports.save', { studyInstanceUid: originalStudy, baseRevision: 0, findings: 'x' }],
      ['teaching.roster', {}],
      ['teaching.publishView', {}],
      ['teaching.exportResults', {}],
      ['teaching.status', {}],
    ] as const) {
      expect(await rawCall(ada.page, name, payload), name).toMatchObject({ ok: false, code: 'forbidden' });
    }
    expect(await rawFetch(ada.page, '/upload', { method: 'POST', body: 'DICM' })).toBeGreaterThanOrEqual(400);
    expect(await rawFetch(ada.page, `/files/instances/${encodeURIComponent(originalSopUid())}`)).toBeGreaterThanOrEqual(400);

    // An unknown case: students see "Case 1" until the teacher reveals it.
    const teacherCase = teacher.getByTestId('case-item').first();
    await teacherCase.getByRole('button', { name: 'Edit' }).click();
    const editor = teacher.getByRole('form', { name: /^Edit / });
    await editor.getByLabel('Title').fill('Tilted head CT');
    await editor.getByLabel('Notes').fill('Look at the gantry tilt.');
    await editor.getByLabel(/Unknown case/).check();
    await editor.getByRole('button', { name: 'Save' }).click();
    await expect(teacherCase).toContainText('Tilted head CT');
    const adaCase = ada.page.getByTestId('case-item').first();
    await expect(adaCase).toContainText('Case 1');
    await expect(adaCase).not.toContainText('Tilted head CT');
    await expect(adaCase).not.toContainText('gantry');
    await teacherCase.getByRole('button', { name: 'Reveal' }).click();
    await expect(adaCase).toContainText('Tilted head CT');
    await expect(adaCase).toContainText('gantry');
    await expect(teacherCase).toContainText('revealed');
    await expect(teacherCase.getByRole('button', { name: 'Reveal' })).toHaveCount(0);

    // A quiz: asked, answered by both, tallied live, revealed, exported.
    const form = teacher.getByRole('form', { name: 'New question' });
    await form.getByLabel('Question').fill('Which way is the gantry tilted?');
    await form.getByLabel(/Choices/).fill('Forward\nBackward');
    await form.getByLabel('Correct choice').selectOption({ label: 'Backward' });
    await form.getByRole('button', { name: 'Ask' }).click();
    const adaQuiz = ada.page.getByTestId('student-quiz').filter({ hasText: 'gantry tilted' });
    const benQuiz = ben.page.getByTestId('student-quiz').filter({ hasText: 'gantry tilted' });
    await adaQuiz.getByRole('button', { name: 'Backward' }).click();
    await benQuiz.getByRole('button', { name: 'Forward' }).click();
    const teacherQuiz = teacher.getByTestId('teacher-quiz').filter({ hasText: 'gantry tilted' });
    await expect(teacherQuiz.getByTestId('tally')).toContainText('2 of 2 answered');
    await expect(teacherQuiz.getByTestId('choice-count')).toHaveText(['1', '1']);
    // A student never sees the answer (nor others' answers) before the reveal.
    await expect(adaQuiz.getByTestId('quiz-answer')).toHaveCount(0);
    await teacherQuiz.getByRole('button', { name: 'Reveal answer' }).click();
    await expect(adaQuiz.getByTestId('my-answer')).toContainText(/Backward — correct/);
    await expect(benQuiz.getByTestId('my-answer')).toContainText(/Forward — not correct/);
    await expect(teacherQuiz.getByTestId('tally')).toContainText('1 right');

    const [download] = await Promise.all([teacher.waitForEvent('download'), teacher.getByRole('button', { name: 'Export results (CSV)' }).click()]);
    const csv = fs.readFileSync((await download.path()) ?? '', 'utf8');
    const [header = [], ...rows] = parseCsv(csv);
    expect(header.join(' ')).toMatch(/name/i);
    const correctColumn = header.findIndex((title) => /correct/i.test(title));
    expect(correctColumn).toBeGreaterThanOrEqual(0);
    const adaRow = rows.find((row) => row.includes('Ada')) ?? [];
    const benRow = rows.find((row) => row.some((value) => value.includes('=Ben'))) ?? [];
    expect(adaRow).toContain('Backward');
    expect(benRow).toContain('Forward');
    expect(adaRow[correctColumn]).not.toBe(benRow[correctColumn]);
    // CSV injection: no cell (the name "=Ben" included) may start as a spreadsheet formula.
    for (const row of rows) for (const value of row) expect(value).not.toMatch(/^[=+\-@]/);

    // The end: students are told at once, and their links are dead.
    teacher.once('dialog', (prompt) => void prompt.accept());
    await teacher.getByRole('button', { name: 'End session' }).click();
    for (const student of [ada.page, ben.page]) await expect(student.getByTestId('classroom-gone')).toContainText('ended', { timeout: 20_000 });
    const again = await ben.page.goto(studentUrl);
    expect(again?.status()).toBe(410);
    expect(await rawCall(ada.page, 'teaching.cases', {})).toMatchObject({ ok: false });
    await page.reload();
    await expect(page.getByTestId('teaching-session')).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Teach…/ })).toBeVisible();

    await ada.context.close();
    await ben.context.close();
  });

  test("a student's own measurements are kept by the session across a reload; the teacher's are not saved as hers", async ({ page, webHost, browser }) => {
    test.setTimeout(300_000);
    const { studentUrl, teacher } = await startSessionAndOpenClassroom(page, webHost);
    await waitForImage(teacher);
    const dee = await joinAsStudent(browser, studentUrl, 'Dee');
    await waitForImage(dee.page);
    const measurementsOf = (viewerPage: Page) => viewerPage.evaluate(() => (window.radstationViewer?.measurements() ?? []).map((item) => item.annotationUid));
    const kept = async () => {
      const studies = (await rawCall(dee.page, 'studies.list', {})).value as { studies: { studyInstanceUid: string }[] };
      const list = await rawCall(dee.page, 'viewer.measurements.list', { studyInstanceUid: studies.studies[0]?.studyInstanceUid });
      return ((list.value as { measurements?: { annotationUid: string }[] } | undefined)?.measurements ?? []).map((item) => item.annotationUid);
    };

    // The teacher measures and shares the view: Dee sees the teacher's length.
    await teacher.getByRole('button', { name: 'Length', exact: true }).click();
    await dragOnImage(teacher, [0.3, 0.3], [0.5, 0.35]);
    await expect.poll(() => measurementsOf(teacher)).toHaveLength(1);
    await teacher.getByRole('button', { name: /^Follow me/ }).click();
    await expect.poll(() => measurementsOf(dee.page), { timeout: 20_000 }).toHaveLength(1);
    const [teachersLength] = await measurementsOf(teacher);

    // Dee draws her own length: the session keeps hers, never the teacher's.
    await dee.page.getByRole('button', { name: 'Length', exact: true }).click();
    await dragOnImage(dee.page, [0.4, 0.6], [0.6, 0.7]);
    await expect.poll(() => measurementsOf(dee.page)).toHaveLength(2);
    const deesLength = (await measurementsOf(dee.page)).find((uid) => uid !== teachersLength);
    await expect.poll(kept, { timeout: 20_000 }).toEqual([deesLength]);

    // A reload brings her length back from the session.
    await dee.page.reload();
    await waitForImage(dee.page);
    await expect.poll(() => measurementsOf(dee.page), { timeout: 20_000 }).toContain(deesLength);
    expect(await kept()).toEqual([deesLength]);

    await page.getByRole('button', { name: 'End session' }).click();
    await expect(page.getByRole('button', { name: /^Teach…/ })).toBeVisible();
    await dee.context.close();
  });

  test('a removed student is told so and cannot come back in', async ({ page, webHost, browser }) => {
    test.setTimeout(300_000);
    const { studentUrl, teacher } = await startSessionAndOpenClassroom(page, webHost);
    const cy = await joinAsStudent(browser, studentUrl, 'Cy');
    await teacher.getByRole('button', { name: 'Remove Cy' }).click();
    await expect(cy.page.getByTestId('classroom-gone')).toBeVisible({ timeout: 20_000 });
    expect(await rawCall(cy.page, 'teaching.cases', {})).toMatchObject({ ok: false });
    await expect(teacher.getByTestId('roster-entry')).toHaveCount(0);
    await page.getByRole('button', { name: 'End session' }).click();
    await expect(page.getByRole('button', { name: /^Teach…/ })).toBeVisible();
    await cy.context.close();
  });
});
