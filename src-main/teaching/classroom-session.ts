import { randomUUID } from 'node:crypto';
import { ServiceError, type EventName, type EventPayload, type StoredMeasurement, type TeacherView, type TeachingCase } from '../../src-shared/contract';
import { QuizBook } from './quiz-book';

export interface CaseRecord {
  readonly caseId: string;
  readonly studyInstanceUid: string;
  title: string;
  notes: string;
  unknown: boolean;
  revealed: boolean;
}

export interface ParticipantRecord {
  readonly participantId: string;
  readonly displayName: string;
  readonly joinedAt: number;
  /** Open sockets; the roster shows a student as connected while one is. */
  sockets: number;
}

/** A case's study as the session store holds it: which series and instances belong to it. */
export interface CaseStudy {
  readonly studyInstanceUid: string;
  readonly series: ReadonlyArray<{ readonly seriesInstanceUid: string; readonly sopInstanceUids: readonly string[] }>;
}

export interface ClassroomSessionInit {
  readonly sessionId: string;
  readonly endsAt: number;
  readonly allowStudentAi: boolean;
  readonly options: readonly string[];
  readonly studies: readonly CaseStudy[];
  /** The session store's event bus: the classroom host forwards each event to the roles it names. */
  readonly emit: <Name extends EventName>(name: Name, payload: EventPayload<Name>) => void;
}

/** Most students a session takes; beyond it the name form says the class is full. */
export const maxParticipants = 500;

/**
 * The live state of one teaching session, kept in the classroom host's memory: cases and
 * what students may see of them, who joined, the teacher's view, quizzes, and each
 * student's own measurements (never written to any store).
 */
export class ClassroomSession {
  readonly sessionId: string;
  readonly startedAt = Date.now();
  readonly endsAt: number;
  readonly allowStudentAi: boolean;
  readonly options: readonly string[];
  readonly cases: readonly CaseRecord[];
  readonly quizzes = new QuizBook();
  ended = false;
  private readonly participants = new Map<string, ParticipantRecord>();
  private readonly studyOfSeriesUid = new Map<string, string>();
  private readonly studyOfInstanceUid = new Map<string, string>();
  private readonly studentMeasurements = new Map<string, Map<string, StoredMeasurement[]>>();
  private view: TeacherView | null = null;
  private following = false;
  readonly emit: ClassroomSessionInit['emit'];

  constructor(init: ClassroomSessionInit) {
    this.sessionId = init.sessionId;
    this.endsAt = init.endsAt;
    this.allowStudentAi = init.allowStudentAi;
    this.options = init.options;
    this.emit = init.emit;
    this.cases = init.studies.map((study, index) => ({ caseId: `case-${index + 1}`, studyInstanceUid: study.studyInstanceUid, title: `Case ${index + 1}`, notes: '', unknown: false, revealed: false }));
    for (const study of init.studies) {
      for (const series of study.series) {
        this.studyOfSeriesUid.set(series.seriesInstanceUid, study.studyInstanceUid);
        for (const uid of series.sopInstanceUids) this.studyOfInstanceUid.set(uid, study.studyInstanceUid);
      }
    }
  }

  caseById(caseId: string): CaseRecord {
    const found = this.cases.find((item) => item.caseId === caseId);
    if (!found) throw new ServiceError('not-found', `There is no case ${caseId} in this session.`);
    return found;
  }

  studyOfSeries(seriesInstanceUid: string): string | undefined {
    return this.studyOfSeriesUid.get(seriesInstanceUid);
  }

  studyOfInstance(sopInstanceUid: string): string | undefined {
    return this.studyOfInstanceUid.get(sopInstanceUid);
  }

  /** Whether a study's descriptions, report and notes are hidden from students: an unknown case not yet revealed. */
  hiddenFromStudents(studyInstanceUid: string | undefined): boolean {
    if (studyInstanceUid === undefined) return false;
    const found = this.cases.find((item) => item.studyInstanceUid === studyInstanceUid);
    return found !== undefined && found.unknown && !found.revealed;
  }

  caseView(record: CaseRecord, forStudent: boolean): TeachingCase {
    const hidden = forStudent && record.unknown && !record.revealed;
    const number = this.cases.indexOf(record) + 1;
    return {
      caseId: record.caseId,
      studyInstanceUid: record.studyInstanceUid,
      title: hidden ? `Case ${number}` : record.title,
      notes: hidden ? '' : record.notes,
      unknown: record.unknown,
      // Students: whether they may see it; the teacher: whether it has been revealed (for the Reveal button).
      revealed: forStudent ? record.revealed || !record.unknown : record.revealed,
    };
  }

  sessionView(forStudent: boolean) {
    return {
      sessionId: this.sessionId,
      startedAt: this.startedAt,
      endsAt: this.endsAt,
      allowStudentAi: this.allowStudentAi,
      options: [...this.options],
      cases: this.cases.map((record) => this.caseView(record, forStudent)),
    };
  }

  updateCase(caseId: string, change: { title?: string | undefined; notes?: string | undefined; unknown?: boolean | undefined }): CaseRecord {
    const record = this.caseById(caseId);
    if (change.title !== undefined) record.title = change.title.trim() || record.title;
    if (change.notes !== undefined) record.notes = change.notes;
    if (change.unknown !== undefined) {
      record.unknown = change.unknown;
      // Marking a case unknown again hides it again, as a teacher preparing the next group expects.
      if (change.unknown) record.revealed = false;
    }
    this.emit('teaching.casesChanged', {});
    return record;
  }

  revealCase(caseId: string): void {
    this.caseById(caseId).revealed = true;
    this.emit('teaching.casesChanged', {});
  }

  join(displayName: string): ParticipantRecord {
    if (this.participants.size >= maxParticipants) throw new ServiceError('conflict', `This session is full (${maxParticipants} students).`);
    const participant: ParticipantRecord = { participantId: randomUUID(), displayName, joinedAt: Date.now(), sockets: 0 };
    this.participants.set(participant.participantId, participant);
    this.emitRoster();
    return participant;
  }

  participant(participantId: string | undefined): ParticipantRecord | undefined {
    return participantId === undefined ? undefined : this.participants.get(participantId);
  }

  /** Removes a student with their answers and measurements; the host revokes their token and closes their sockets. */
  remove(participantId: string): void {
    if (!this.participants.delete(participantId)) throw new ServiceError('not-found', 'There is no such participant in this session.');
    this.quizzes.forget(participantId);
    this.studentMeasurements.delete(participantId);
    this.emitRoster();
  }

  socketChanged(participantId: string, open: boolean): void {
    const participant = this.participants.get(participantId);
    if (!participant) return;
    participant.sockets = Math.max(0, participant.sockets + (open ? 1 : -1));
    this.emitRoster();
  }

  roster() {
    return [...this.participants.values()].map(({ participantId, displayName, joinedAt, sockets }) => ({ participantId, displayName, joinedAt, connected: sockets > 0 }));
  }

  participantCount(): number {
    return this.participants.size;
  }

  private emitRoster(): void {
    this.emit('teaching.roster', { participants: this.roster() });
  }

  /** Keeps the newest view (by sequence) and pushes it to every classroom socket at once. */
  publishView(view: TeacherView): void {
    if (!this.cases.some((item) => item.caseId === view.caseId && item.studyInstanceUid === view.studyInstanceUid)) {
      throw new ServiceError('invalid-request', 'The view names a case or study that is not in this session.');
    }
    if (this.view !== null && view.sequence <= this.view.sequence) return;
    this.view = view;
    this.emit('teaching.view', view);
  }

  setFollow(following: boolean): void {
    this.following = following;
    this.emit('teaching.follow', { following });
  }

  teacherView(): { following: boolean; view: TeacherView | null } {
    return { following: this.following, view: this.view };
  }

  studentMeasurementsOf(participantId: string, studyInstanceUid: string): StoredMeasurement[] {
    return this.studentMeasurements.get(participantId)?.get(studyInstanceUid) ?? [];
  }

  saveStudentMeasurements(participantId: string, studyInstanceUid: string, measurements: StoredMeasurement[]): number {
    let byStudy = this.studentMeasurements.get(participantId);
    if (!byStudy) this.studentMeasurements.set(participantId, (byStudy = new Map()));
    byStudy.set(studyInstanceUid, measurements);
    return measurements.length;
  }
}
