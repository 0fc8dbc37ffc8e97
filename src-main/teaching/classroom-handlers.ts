import { ServiceError } from '../../src-shared/contract';
import type { CallContext, CallHandlers } from '../dispatch';
import { redactReport, redactSegmentation, redactViewerObject, redactSeriesSummary, redactStudySummary, redactTagTree, redactViewerStudy } from './case-redaction';
import type { ClassroomSession } from './classroom-session';
import { resultsCsv } from './results-csv';
import { sharedStoreReads } from './store-reads';

export interface ClassroomControl {
  /** Revokes a removed student's token and closes their sockets. */
  removeParticipant(participantId: string): void;
  /** Ends the session: every token dies, every socket closes, the store's services stop. */
  end(): void;
}

const isStudent = (context: CallContext): boolean => context.role === 'student';

/** The AI calls a student may make only when the teacher allows it (previews and answers; nothing is saved). */
const studentAiCalls: ReadonlySet<string> = new Set(['inference.listModels', 'inference.preview', 'inference.warmUp', 'qa.ask']);
const aiNotAllowed = 'The teacher has not allowed AI tools for students in this session.';

/** The classroom's refusal of a call before it is even validated, so a student learns nothing from the reply's shape. */
export function classroomRefusal(session: ClassroomSession, callName: string, role: string): string | undefined {
  return role === 'student' && !session.allowStudentAi && studentAiCalls.has(callName) ? aiNotAllowed : undefined;
}

function participantOf(context: CallContext): string {
  if (context.participantId === undefined) throw new ServiceError('forbidden', 'This call needs a student who joined the session.');
  return context.participantId;
}

function notInClassroom(): never {
  throw new ServiceError('unavailable', 'This call is made on the workstation, not in a classroom.');
}

/**
 * The calls a classroom answers. They run over the session store's own services, so nothing
 * outside that store exists for them; on top of the dispatcher's role check, a student's
 * calls follow the classroom's rules: unknown cases hide their descriptions and report,
 * measurements are the student's own and kept in memory, AI only when the teacher allows.
 */
export function classroomHandlers(base: CallHandlers, session: ClassroomSession, control: ClassroomControl): CallHandlers {
  const ensureAiAllowed = (context: CallContext, sopInstanceUid?: string): void => {
    if (!isStudent(context)) return;
    if (!session.allowStudentAi) throw new ServiceError('forbidden', aiNotAllowed);
    if (sopInstanceUid !== undefined && session.hiddenFromStudents(session.studyOfInstance(sopInstanceUid))) {
      throw new ServiceError('forbidden', 'AI tools open on this case once the teacher reveals it.');
    }
  };
  const ensureCaseStudy = (studyInstanceUid: string): void => {
    if (!session.cases.some((item) => item.studyInstanceUid === studyInstanceUid)) throw new ServiceError('not-found', `This session has no study with UID ${studyInstanceUid}.`);
  };
  const emitTally = (quizId: string): void => session.emit('teaching.tally', session.quizzes.tally(quizId, session.participantCount()));
  const shared = sharedStoreReads(base);

  return {
    ...base,
    'studies.instances': shared['studies.instances'],
    'studies.list': async (request, context) => {
      if (!isStudent(context)) return base['studies.list'](request, context);
      // A text search would match hidden descriptions: list everything, redact, then search what a student may see.
      const { text, ...rest } = request;
      const { studies, total } = await base['studies.list'](rest, context);
      const visible = studies.map((study) => (session.hiddenFromStudents(study.studyInstanceUid) ? redactStudySummary(study) : study));
      const needle = text?.trim().toLowerCase();
      if (!needle) return { studies: visible, total };
      const matches = visible.filter((study) => [study.patientName, study.patientId, study.accessionNumber, study.studyDescription].some((field) => field.toLowerCase().includes(needle)));
      // A session's store holds only its few cases, far under any page limit, so the matches listed are all of them.
      return { studies: matches, total: matches.length };
    },
    'studies.series': async (request, context) => {
      const reply = await base['studies.series'](request, context);
      if (!isStudent(context) || !session.hiddenFromStudents(request.studyInstanceUid)) return reply;
      return { series: reply.series.map(redactSeriesSummary) };
    },
    'studies.tags': async (request, context) => {
      const reply = await base['studies.tags'](request, context);
      if (!isStudent(context) || !session.hiddenFromStudents(session.studyOfInstance(request.sopInstanceUid))) return reply;
      return { ...reply, tags: redactTagTree(reply.tags) };
    },
    'viewer.study': async (request, context) => {
      const reply = await shared['viewer.study'](request, context);
      return isStudent(context) && session.hiddenFromStudents(request.studyInstanceUid) ? redactViewerStudy(reply) : reply;
    },
    'viewer.object': async (request, context) => {
      const reply = await base['viewer.object'](request, context);
      return isStudent(context) && session.hiddenFromStudents(session.studyOfInstance(request.sopInstanceUid)) ? redactViewerObject(reply) : reply;
    },
    'viewer.segmentation': async (request, context) => {
      const reply = await base['viewer.segmentation'](request, context);
      return isStudent(context) && session.hiddenFromStudents(session.studyOfInstance(request.sopInstanceUid)) ? redactSegmentation(reply) : reply;
    },
    'reports.get': async (request, context) => {
      const reply = await base['reports.get'](request, context);
      return isStudent(context) && session.hiddenFromStudents(request.studyInstanceUid) ? redactReport(reply) : reply;
    },
    'viewer.measurements.list': (request, context) => {
      if (!isStudent(context)) return base['viewer.measurements.list'](request, context);
      ensureCaseStudy(request.studyInstanceUid);
      return { measurements: session.studentMeasurementsOf(participantOf(context), request.studyInstanceUid) };
    },
    'viewer.measurements.save': (request, context) => {
      if (!isStudent(context)) return base['viewer.measurements.save'](request, context);
      ensureCaseStudy(request.studyInstanceUid);
      return { saved: session.saveStudentMeasurements(participantOf(context), request.studyInstanceUid, request.measurements) };
    },
    'inference.listModels': (request, context) => {
      ensureAiAllowed(context);
      return base['inference.listModels'](request, context);
    },
    'inference.warmUp': (request, context) => {
      ensureAiAllowed(context);
      return base['inference.warmUp'](request, context);
    },
    'inference.preview': (request, context) => {
      ensureAiAllowed(context, request.sopInstanceUid);
      return base['inference.preview'](request, context);
    },
    'qa.ask': (request, context) => {
      ensureAiAllowed(context, request.sopInstanceUid);
      return base['qa.ask'](request, context);
    },
    'teaching.start': notInClassroom,
    'teaching.status': notInClassroom,
    'teaching.end': (request) => {
      if (request.sessionId !== session.sessionId) throw new ServiceError('not-found', 'That is not the session this classroom runs.');
      // After this reply is on its way: ending closes the teacher's socket too.
      setImmediate(() => control.end());
      return { ok: true as const };
    },
    'teaching.whoami': (_request, context) => ({
      role: context.role,
      displayName: isStudent(context) ? (session.participant(context.participantId)?.displayName ?? null) : 'Teacher',
      session: session.sessionView(isStudent(context)),
    }),
    'teaching.cases': (_request, context) => ({ cases: session.cases.map((record) => session.caseView(record, isStudent(context))) }),
    'teaching.teacherView': () => session.teacherView(),
    'teaching.roster': () => ({ participants: session.roster() }),
    'teaching.removeParticipant': (request) => {
      session.remove(request.participantId);
      control.removeParticipant(request.participantId);
      return { ok: true as const };
    },
    'teaching.setFollow': (request) => {
      session.setFollow(request.following);
      return { ok: true as const };
    },
    'teaching.publishView': (request) => {
      session.publishView(request);
      return { ok: true as const };
    },
    'teaching.updateCase': (request) => ({ case: session.caseView(session.updateCase(request.caseId, request), false) }),
    'teaching.revealCase': (request) => {
      session.revealCase(request.caseId);
      return { ok: true as const };
    },
    'teaching.createQuiz': (request) => {
      const record = session.caseById(request.caseId);
      const quiz = session.quizzes.create(request, (uid) => session.studyOfInstance(uid) === record.studyInstanceUid);
      session.emit('teaching.quizzesChanged', {});
      emitTally(quiz.quizId);
      return { quiz: session.quizzes.view(quiz, false) };
    },
    'teaching.closeQuiz': (request) => {
      session.quizzes.close(request.quizId);
      session.emit('teaching.quizzesChanged', {});
      return { ok: true as const };
    },
    'teaching.revealQuiz': (request) => {
      session.quizzes.reveal(request.quizId);
      session.emit('teaching.quizzesChanged', {});
      emitTally(request.quizId);
      return { ok: true as const };
    },
    'teaching.quizTally': (request) => session.quizzes.tally(request.quizId, session.participantCount()),
    'teaching.exportResults': () => {
      const numbers = new Map(session.quizzes.all().map((quiz, index) => [quiz.quizId, index + 1]));
      const rows = session.quizzes.everyAnswer().map(({ quiz, record }) => ({
        quiz,
        record,
        quizNumber: numbers.get(quiz.quizId) ?? 0,
        displayName: session.participant(record.participantId)?.displayName ?? '(removed)',
      }));
      return { fileName: `teaching-results-${new Date().toISOString().slice(0, 10)}.csv`, csv: resultsCsv(rows) };
    },
    'teaching.quizzes': (_request, context) => ({ quizzes: session.quizzes.all().map((quiz) => session.quizzes.view(quiz, isStudent(context))) }),
    'teaching.answerQuiz': (request, context) => {
      const accepted = session.quizzes.answer(request.quizId, participantOf(context), request.answer);
      if (accepted) emitTally(request.quizId);
      return { accepted };
    },
    'teaching.myAnswers': (_request, context) => ({ answers: session.quizzes.answersOf(participantOf(context)) }),
  };
}
