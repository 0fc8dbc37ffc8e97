import type Database from 'better-sqlite3';
import { studyQuerySchema, type StudyQuery, type StudySummary } from '../../../src-shared/domain/studies';

interface StudyHeaderRow {
  study_instance_uid: string;
  patient_name: string;
  patient_id: string;
  birth_date: string;
  sex: string;
  study_date: string;
  study_time: string;
  accession_number: string;
  study_description: string;
  referring_physician_name: string;
  imported_at: string;
  deidentified_at: string | null;
}

interface StudyRow extends StudyHeaderRow {
  modalities: string | null;
  series_count: number;
  instance_count: number;
}

/** What identifies a study and its patient: the part of a study summary that is stored, not counted. */
export type StudyHeader = Omit<StudySummary, 'modalities' | 'seriesCount' | 'instanceCount'>;

// One column list and one mapping for the browser's list and for a single study, so they never disagree.
const studyHeaderColumns = `st.study_instance_uid, p.patient_name, p.patient_id, p.birth_date, p.sex,
              st.study_date, st.study_time, st.accession_number, st.study_description,
              st.referring_physician_name, st.imported_at, st.deidentified_at`;

function toStudyHeader(row: StudyHeaderRow): StudyHeader {
  return {
    studyInstanceUid: row.study_instance_uid,
    patientName: row.patient_name,
    patientId: row.patient_id,
    patientBirthDate: row.birth_date,
    patientSex: row.sex,
    studyDate: row.study_date,
    studyTime: row.study_time,
    accessionNumber: row.accession_number,
    studyDescription: row.study_description,
    referringPhysicianName: row.referring_physician_name,
    importedAt: row.imported_at,
    deidentified: row.deidentified_at !== null,
  };
}

/** One study's header, or undefined when the cache does not know the UID. */
export function studyHeader(db: Database.Database, studyInstanceUid: string): StudyHeader | undefined {
  const row = db
    .prepare(`SELECT ${studyHeaderColumns} FROM studies st JOIN patients p ON p.id = st.patient_ref WHERE st.study_instance_uid = ?`)
    .get(studyInstanceUid) as StudyHeaderRow | undefined;
  return row ? toStudyHeader(row) : undefined;
}

const sortColumns: Record<NonNullable<StudyQuery['sortBy']>, string> = {
  studyDate: 'st.study_date || st.study_time',
  patientName: 'p.patient_name',
  patientId: 'p.patient_id',
  modalities: 'modalities',
  studyDescription: 'st.study_description',
  importedAt: 'st.imported_at',
};

/** Turns free text into an FTS5 prefix query, quoting each word so user input is never FTS syntax. */
export function toFtsQuery(text: string): string | undefined {
  const words = text
    // The contract refuses control characters; callers that skip it (the CLI) lose them here, since a NUL ends SQLite's string.
    .split(/[\s^,\u0000-\u001f\u007f]+/)
    .map((word) => word.replace(/"/g, ''))
    .filter((word) => word.length > 0);
  if (words.length === 0) return undefined;
  return words.map((word) => `"${word}"*`).join(' ');
}

/** The WHERE clause and its parameters for a query's filters: one builder, so the page and its total never disagree. */
function studyFilter(q: ReturnType<typeof studyQuerySchema.parse>): { where: string; params: Record<string, string> } {
  const conditions: string[] = [];
  const params: Record<string, string> = {};
  const fts = q.text ? toFtsQuery(q.text) : undefined;
  if (fts) {
    conditions.push('st.study_instance_uid IN (SELECT study_instance_uid FROM study_search WHERE study_search MATCH @fts)');
    params.fts = fts;
  }
  if (q.modality) {
    conditions.push('EXISTS (SELECT 1 FROM series m WHERE m.study_instance_uid = st.study_instance_uid AND m.modality = @modality)');
    params.modality = q.modality.toUpperCase();
  }
  if (q.from) {
    conditions.push("st.study_date <> '' AND st.study_date >= @from");
    params.from = q.from;
  }
  if (q.to) {
    conditions.push("st.study_date <> '' AND st.study_date <= @to");
    params.to = q.to;
  }
  if (q.deidentified !== undefined) conditions.push(q.deidentified ? 'st.deidentified_at IS NOT NULL' : 'st.deidentified_at IS NULL');
  return { where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/**
 * Every term runs the same way, the UID breaking ties, so SQLite can read a page straight off an
 * index (migration 8) instead of sorting every match. Undated studies go last whichever way dates
 * are sorted (they are not "oldest"): first by `study_date = ''` ascending, or by `study_date <> ''`
 * descending, the terms of each direction's index.
 */
function orderByClause(sortBy: NonNullable<StudyQuery['sortBy']>, sortDirection: 'asc' | 'desc'): string {
  const direction = sortDirection === 'asc' ? 'ASC' : 'DESC';
  const undatedLast = sortBy !== 'studyDate' ? '' : direction === 'ASC' ? "st.study_date = '' ASC, " : "st.study_date <> '' DESC, ";
  return `ORDER BY ${undatedLast}${sortColumns[sortBy]} ${direction}, st.study_instance_uid ${direction}`;
}

const modalitiesOfStudy = '(SELECT group_concat(DISTINCT s.modality) FROM series s WHERE s.study_instance_uid = st.study_instance_uid)';

/**
 * Sorted by name, the page is read off the patients' name index, each patient's studies found by
 * patient_ref (migration 8). Without statistics SQLite would rather sort every study by name.
 */
const byNameJoin = 'patients p CROSS JOIN studies st ON st.patient_ref = p.id';

/** A statement and its named parameters, for the queries below and for reading their query plans in tests. */
export interface StudyStatement {
  sql: string;
  params: Record<string, string | number>;
}

/**
 * The first `limit` studies that match, in the requested order. The page's UIDs are chosen first
 * and only their series and images are counted: counting them for every match before the sort
 * cut the list made a large cache's list slow. CROSS JOIN fixes SQLite's join order, page first:
 * left to choose, it may scan every study and look each one up in the page.
 */
export function listStudiesSql(query: StudyQuery): StudyStatement {
  const q = studyQuerySchema.parse(query);
  const { where, params } = studyFilter(q);
  const orderBy = orderByClause(q.sortBy, q.sortDirection);
  // Only a sort by modalities needs them before the cut.
  const pageModalities = q.sortBy === 'modalities' ? `, ${modalitiesOfStudy} AS modalities` : '';
  const sql = `SELECT ${studyHeaderColumns},
              ${modalitiesOfStudy} AS modalities,
              (SELECT count(*) FROM series s WHERE s.study_instance_uid = st.study_instance_uid) AS series_count,
              (SELECT count(*) FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid
                WHERE s.study_instance_uid = st.study_instance_uid) AS instance_count
         FROM (SELECT st.study_instance_uid AS uid${pageModalities}
                 FROM ${q.sortBy === 'patientName' ? byNameJoin : 'studies st JOIN patients p ON p.id = st.patient_ref'}
                 ${where}
                 ${orderBy}
                 LIMIT @limit) page
         CROSS JOIN studies st ON st.study_instance_uid = page.uid
         CROSS JOIN patients p ON p.id = st.patient_ref
        ${orderBy}`;
  return { sql, params: { ...params, limit: q.limit } };
}

export function listStudies(db: Database.Database, query: StudyQuery): StudySummary[] {
  const { sql, params } = listStudiesSql(query);
  const rows = db.prepare(sql).all(params) as StudyRow[];
  return rows.map((row) => ({
    ...toStudyHeader(row),
    modalities: (row.modalities ?? '').split(',').filter((m) => m.length > 0).sort(),
    seriesCount: row.series_count,
    instanceCount: row.instance_count,
  }));
}

/** Counts the studies that match the query's filters, whatever its limit. */
export function countStudySql(query: StudyQuery): StudyStatement {
  const { where, params } = studyFilter(studyQuerySchema.parse(query));
  // Every study has its patient (patient_ref is NOT NULL, a foreign key), so the count needs no join.
  return { sql: `SELECT count(*) AS total FROM studies st ${where}`, params };
}

/** How many studies match the query's filters: the total a cut list is a page of. */
export function countStudies(db: Database.Database, query: StudyQuery): number {
  const { sql, params } = countStudySql(query);
  return (db.prepare(sql).get(params) as { total: number }).total;
}

/** The stored file of one instance, or undefined when the cache does not know the UID. */
export function instanceFilePath(db: Database.Database, sopInstanceUid: string): string | undefined {
  const row = db.prepare('SELECT file_path FROM instances WHERE sop_instance_uid = ?').get(sopInstanceUid) as { file_path: string } | undefined;
  return row?.file_path;
}
