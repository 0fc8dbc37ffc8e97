// Joined into contract/index.ts; implemented by src-main/teaching/.
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { anyRole, classroom, ownerOnly, ownerOrTeacher, studentOnly, teacherOnly } from './roles';
import { dicomUidSchema } from '../domain/studies';
import { deidentifyOptionNames } from './deidentify';
import { storedMeasurementSchema } from './viewer';

/**
 * A teaching session: studies de-identified into a store of their own, served by a
 * classroom host that knows nothing else. The owner starts it from the workstation; the
 * teacher runs it through the teacher link; students join with the session code.
 */

const displayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .refine((value) => !/[\u0000-\u001f\u007f<>]/.test(value), 'must not contain control characters or angle brackets');

export const teachingStartRequestSchema = z.object({
  studyInstanceUids: z.array(dicomUidSchema).min(1).max(50),
  /** PS3.15 options on top of the Basic Profile (none by default). */
  options: z.array(z.enum(deidentifyOptionNames)).default([]),
  /** Whether students may run AI previews (previews only; nothing is ever saved). */
  allowStudentAi: z.boolean().default(false),
  /** When the session ends by itself, in minutes from now (default: 3 hours). */
  durationMinutes: z.number().int().min(1).max(24 * 60).default(180),
  /** Address the classroom host listens on; loopback unless the owner chooses the LAN. */
  host: z.string().max(100).optional(),
  port: z.number().int().min(0).max(65535).optional(),
});

/** What a session is showing as one case. Titles and notes are the teacher's, never DICOM. */
export const teachingCaseSchema = z.object({
  caseId: z.string(),
  /** The de-identified study's UID in the session store. */
  studyInstanceUid: dicomUidSchema,
  /** "Case 1" while unknown to a student; the teacher's title otherwise. */
  title: z.string(),
  /** Hidden from students (empty) while the case is unknown. */
  notes: z.string(),
  unknown: z.boolean(),
  /** For a student: whether the teacher has revealed it. The teacher always sees everything. */
  revealed: z.boolean(),
});
export type TeachingCase = z.infer<typeof teachingCaseSchema>;

export const teachingSessionSchema = z.object({
  sessionId: z.string(),
  startedAt: z.number(),
  endsAt: z.number(),
  allowStudentAi: z.boolean(),
  options: z.array(z.string()),
  cases: z.array(teachingCaseSchema),
});

/** Returned to the owner only: the teacher link must never reach a student's screen. */
export const teachingLinksSchema = z.object({
  sessionId: z.string(),
  /** Opens the classroom as the teacher (a one-time join link, like the web host's). */
  teacherUrl: z.string(),
  /** What students open (shown on screen and as the text of a QR code). */
  studentUrl: z.string(),
  /** The short code inside studentUrl, for students typing it by hand. */
  sessionCode: z.string(),
  endsAt: z.number(),
});

export const participantSchema = z.object({
  participantId: z.string(),
  displayName: z.string(),
  joinedAt: z.number(),
  connected: z.boolean(),
});

/** Where the teacher is looking. Students following apply it as sent. */
export const teacherViewSchema = z.object({
  /** Increases with each publication, so a client drops a late, older one. */
  sequence: z.number().int().nonnegative(),
  /** The teacher's clock when published, for the latency benchmark. */
  sentAt: z.number(),
  caseId: z.string(),
  studyInstanceUid: dicomUidSchema,
  seriesInstanceUid: dicomUidSchema,
  imageIndex: z.number().int().nonnegative(),
  voi: z.object({ windowCenter: z.number(), windowWidth: z.number().positive() }).nullable(),
  /** Cornerstone camera: parallel scale relative to fit (1 = fit) and pan in world mm. */
  zoom: z.number().positive().nullable(),
  pan: z.tuple([z.number(), z.number()]).nullable(),
  /** The teacher's annotations on this series, as the viewer stores measurements. */
  annotations: z.array(storedMeasurementSchema).max(500),
});
export type TeacherView = z.infer<typeof teacherViewSchema>;

const targetRegionSchema = z.object({
  sopInstanceUid: dicomUidSchema,
  /** A circle in image pixel coordinates (column, row). */
  x: z.number(),
  y: z.number(),
  radius: z.number().positive(),
});

export const quizQuestionSchema = z.object({
  quizId: z.string(),
  caseId: z.string(),
  text: z.string(),
  kind: z.enum(['free-text', 'multiple-choice', 'click']),
  /** Multiple choice only. */
  choices: z.array(z.string()),
  open: z.boolean(),
  revealed: z.boolean(),
  /** Null to students until revealed: a choice index, free text, or the target region. */
  answer: z.union([z.number().int(), z.string(), targetRegionSchema]).nullable(),
});

export const quizAnswerValueSchema = z.union([
  z.object({ kind: z.literal('free-text'), text: z.string().trim().min(1).max(500) }),
  z.object({ kind: z.literal('multiple-choice'), choice: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('click'), sopInstanceUid: dicomUidSchema, x: z.number(), y: z.number() }),
]);

export const quizTallySchema = z.object({
  quizId: z.string(),
  answered: z.number().int().nonnegative(),
  participants: z.number().int().nonnegative(),
  /** Multiple choice: how many chose each; other kinds: empty. */
  counts: z.array(z.number().int().nonnegative()),
  /** Once revealed (or for free text the teacher marks), how many were right. */
  correct: z.number().int().nonnegative().nullable(),
});

const sessionId = z.object({ sessionId: z.string().min(1).max(100) });
const caseRef = z.object({ caseId: z.string().min(1).max(100) });
const quizRef = z.object({ quizId: z.string().min(1).max(100) });
const ok = z.object({ ok: z.literal(true) });

export const teachingCalls = {
  // The owner, on the workstation.
  'teaching.start': defineCall({
    roles: ownerOnly,
    summary: 'De-identify studies into a new session store and start a classroom host for them',
    request: teachingStartRequestSchema,
    response: teachingLinksSchema,
  }),
  'teaching.status': defineCall({
    roles: ownerOnly,
    summary: 'The running session and its links, or null',
    request: z.object({}),
    response: z.object({ session: teachingLinksSchema.nullable() }),
  }),
  'teaching.end': defineCall({
    roles: ownerOrTeacher,
    summary: 'End the session: every student link dies and the classroom host stops',
    request: sessionId,
    response: ok,
  }),
  // Anyone connected to a classroom (and the owner, who sees role "owner").
  'teaching.whoami': defineCall({
    roles: anyRole,
    summary: 'Who this client is: its role, display name and session (null outside a classroom)',
    request: z.object({}),
    response: z.object({
      role: z.enum(['owner', 'teacher', 'student']),
      displayName: z.string().nullable(),
      session: teachingSessionSchema.nullable(),
    }),
  }),
  'teaching.cases': defineCall({
    roles: classroom,
    summary: "The session's cases; unknown ones without title or notes for students until revealed",
    request: z.object({}),
    response: z.object({ cases: z.array(teachingCaseSchema) }),
  }),
  'teaching.teacherView': defineCall({
    roles: classroom,
    summary: "The teacher's latest published view and whether follow-me is on (for 'back to teacher')",
    request: z.object({}),
    response: z.object({ following: z.boolean(), view: teacherViewSchema.nullable() }),
  }),
  // The teacher.
  'teaching.roster': defineCall({
    roles: teacherOnly,
    summary: 'Who has joined',
    request: z.object({}),
    response: z.object({ participants: z.array(participantSchema) }),
  }),
  'teaching.removeParticipant': defineCall({
    roles: teacherOnly,
    summary: "Remove a student: their link and socket die at once",
    request: z.object({ participantId: z.string().min(1).max(100) }),
    response: ok,
  }),
  'teaching.setFollow': defineCall({
    roles: teacherOnly,
    summary: 'Turn follow-me on or off',
    request: z.object({ following: z.boolean() }),
    response: ok,
  }),
  'teaching.publishView': defineCall({
    roles: teacherOnly,
    summary: "Publish the teacher's view; pushed to students at once",
    request: teacherViewSchema,
    response: ok,
  }),
  'teaching.updateCase': defineCall({
    roles: teacherOnly,
    summary: "Set a case's title, notes and whether it is shown as unknown",
    request: caseRef.extend({ title: z.string().max(200).optional(), notes: z.string().max(20_000).optional(), unknown: z.boolean().optional() }),
    response: z.object({ case: teachingCaseSchema }),
  }),
  'teaching.revealCase': defineCall({
    roles: teacherOnly,
    summary: 'Reveal an unknown case to the students',
    request: caseRef,
    response: ok,
  }),
  'teaching.createQuiz': defineCall({
    roles: teacherOnly,
    summary: 'Attach a question to a case and open it to students',
    request: caseRef.extend({
      text: z.string().trim().min(1).max(2000),
      kind: z.enum(['free-text', 'multiple-choice', 'click']),
      choices: z.array(z.string().trim().min(1).max(500)).max(10).default([]),
      answer: z.union([z.number().int().nonnegative(), z.string().max(500), targetRegionSchema]),
    }),
    response: z.object({ quiz: quizQuestionSchema }),
  }),
  'teaching.closeQuiz': defineCall({ roles: teacherOnly, summary: 'Stop taking answers', request: quizRef, response: ok }),
  'teaching.revealQuiz': defineCall({ roles: teacherOnly, summary: 'Reveal the answer to students', request: quizRef, response: ok }),
  'teaching.quizTally': defineCall({ roles: teacherOnly, summary: "A quiz's tally", request: quizRef, response: quizTallySchema }),
  'teaching.exportResults': defineCall({
    roles: teacherOnly,
    summary: 'Every answer as CSV: display name, quiz, answer, correct or not, time',
    request: z.object({}),
    response: z.object({ fileName: z.string(), csv: z.string() }),
  }),
  // Students (the teacher may list quizzes too).
  'teaching.quizzes': defineCall({
    roles: classroom,
    summary: "The session's quizzes; answers hidden from students until revealed",
    request: z.object({}),
    response: z.object({ quizzes: z.array(quizQuestionSchema) }),
  }),
  'teaching.answerQuiz': defineCall({
    roles: studentOnly,
    summary: "Answer an open quiz (a later answer replaces this student's earlier one)",
    request: quizRef.extend({ answer: quizAnswerValueSchema }),
    response: z.object({ accepted: z.boolean() }),
  }),
  'teaching.myAnswers': defineCall({
    roles: studentOnly,
    summary: "This student's own answers, with correctness once revealed",
    request: z.object({}),
    response: z.object({ answers: z.array(z.object({ quizId: z.string(), answer: quizAnswerValueSchema, correct: z.boolean().nullable() })) }),
  }),
} as const;

export const teachingEvents = {
  'teaching.view': defineEvent({ roles: classroom, summary: "The teacher's view changed", payload: teacherViewSchema }),
  'teaching.follow': defineEvent({ roles: classroom, summary: 'Follow-me turned on or off', payload: z.object({ following: z.boolean() }) }),
  'teaching.casesChanged': defineEvent({ roles: classroom, summary: 'A case was revealed or edited; fetch teaching.cases again', payload: z.object({}) }),
  'teaching.quizzesChanged': defineEvent({ roles: classroom, summary: 'A quiz opened, closed or was revealed; fetch teaching.quizzes again', payload: z.object({}) }),
  'teaching.tally': defineEvent({ roles: teacherOnly, summary: "A quiz's tally changed", payload: quizTallySchema }),
  'teaching.roster': defineEvent({ roles: teacherOnly, summary: 'Someone joined, left or was removed', payload: z.object({ participants: z.array(participantSchema) }) }),
  'teaching.ended': defineEvent({ roles: anyRole, summary: 'The session ended', payload: sessionId }),
} as const;

export { displayNameSchema };
