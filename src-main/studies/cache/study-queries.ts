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
    // Punctuation alone (%, *, -) holds no word to find: ignored, as quotes are, rather than matching nothing.
    .filter((word) => /[\p{L}\p{N}]/u.test(word));
  if (words.length === 0) return undefined;
  return words.map((word) => `"${word}"*`).join(' ');
}

/**
 * How a page is found. 'order': read studies in the sort's index order and keep those that match,
 * stopping at the limit: quick when there are more matches than the page holds, since a page is
 * found early. 'matches': read only the matching studies (from the search index, a modality's
 * series) and sort them: quick when all of them fit on the page, where reading in order would
 * pass over the whole cache to find them.
 */
export type PageDrive = 'order' | 'matches';

/**
 * The WHERE clause and its parameters for a query's filters: one builder, so the page and its
 * total never disagree. Text and modality are "is one of" terms. Written with a unary +, SQLite
 * cannot drive the query from them: under the 'order' drive, so it keeps the sort's index; and
 * whenever dates are given, so the date index drives (without statistics SQLite would rather
 * start from every study of a modality than from one year's studies).
 */
function studyFilter(q: ReturnType<typeof studyQuerySchema.parse>, drive: PageDrive): { where: string; params: Record<string, string> } {
  const conditions: string[] = [];
  const params: Record<string, string> = {};
  const keepOrder = drive === 'order' || q.from || q.to ? '+' : '';
  const fts = q.text ? toFtsQuery(q.text) : undefined;
  if (fts) {
    // By the search row's key (migration 9): reading the UID back out of FTS5 cost more than the search.
    conditions.push(`${keepOrder}st.search_rowid IN (SELECT rowid FROM study_search WHERE study_search MATCH @fts)`);
    params.fts = fts;
  }
  if (q.modality) {
    // The modality's studies are read once off series(modality, study_instance_uid), not looked up study by study.
    conditions.push(`${keepOrder}st.study_instance_uid IN (SELECT study_instance_uid FROM series WHERE modality = @modality)`);
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
 * index (migrations 8 and 9) instead of sorting every match. Undated studies go last whichever way
 * dates are sorted (they are not "oldest"): first by `study_date = ''` ascending, or by
 * `study_date <> ''` descending, the terms of each direction's index.
 */
function orderByClause(sortBy: NonNullable<StudyQuery['sortBy']>, sortDirection: 'asc' | 'desc'): string {
  const direction = sortDirection === 'asc' ? 'ASC' : 'DESC';
  const undatedLast = sortBy !== 'studyDate' ? '' : direction === 'ASC' ? "st.study_date = '' ASC, " : "st.study_date <> '' DESC, ";
  return `ORDER BY ${undatedLast}${sortColumns[sortBy]} ${direction}, st.study_instance_uid ${direction}`;
}

const modalitiesOfStudy = '(SELECT group_concat(DISTINCT s.modality) FROM series s WHERE s.study_instance_uid = st.study_instance_uid)';

/**
 * Sorted by patient, the page is read off the patients' index (by name: migration 8; by ID: the
 * patients' own unique key), each patient's studies found by patient_ref. Without statistics
 * SQLite would rather sort every study. Other sorts need no patient to choose the page.
 */
function pageSource(sortBy: NonNullable<StudyQuery['sortBy']>): string {
  return sortBy === 'patientName' || sortBy === 'patientId' ? 'patients p CROSS JOIN studies st ON st.patient_ref = p.id' : 'studies st';
}

/** A statement and its named parameters, for the queries below and for reading their query plans in tests. */
export interface StudyStatement {
  sql: string;
  params: Record<string, string | number>;
}

/**
 * The first `limit` studies that match, in the requested order. The page's studies are chosen
 * first and only their series and images are counted: counting them for every match before the
 * sort cut the list made a large cache's list slow. CROSS JOIN fixes SQLite's join order, page
 * first: left to choose, it may scan every study and look each one up in the page.
 */
export function listStudiesSql(query: StudyQuery, drive: PageDrive = 'order'): StudyStatement {
  const q = studyQuerySchema.parse(query);
  const { where, params } = studyFilter(q, drive);
  const orderBy = orderByClause(q.sortBy, q.sortDirection);
  // Only a sort by modalities needs them before the cut.
  const pageModalities = q.sortBy === 'modalities' ? `, ${modalitiesOfStudy} AS modalities` : '';
  const sql = `SELECT ${studyHeaderColumns},
              ${modalitiesOfStudy} AS modalities,
              (SELECT count(*) FROM series s WHERE s.study_instance_uid = st.study_instance_uid) AS series_count,
              (SELECT count(*) FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid
                WHERE s.study_instance_uid = st.study_instance_uid) AS instance_count
         FROM (SELECT st.rowid AS study_row${pageModalities}
                 FROM ${pageSource(q.sortBy)}
                 ${where}
                 ${orderBy}
                 LIMIT @limit) page
         CROSS JOIN studies st ON st.rowid = page.study_row
         CROSS JOIN patients p ON p.id = st.patient_ref
        ${orderBy}`;
  return { sql, params: { ...params, limit: q.limit } };
}

/** Sorts that an index serves, so that reading in order can stop at the limit. */
const indexedSorts: ReadonlySet<NonNullable<StudyQuery['sortBy']>> = new Set(['studyDate', 'patientName', 'patientId', 'studyDescription', 'importedAt']);

/** The drive for a query whose matches are counted: see PageDrive. */
export function pageDrive(query: StudyQuery, total: number): PageDrive {
  const q = studyQuerySchema.parse(query);
  return indexedSorts.has(q.sortBy) && total > q.limit ? 'order' : 'matches';
}

/** The first `limit` matches; `total` (countStudies) chooses how they are found, counted here when not given. */
export function listStudies(db: Database.Database, query: StudyQuery, total: number = countStudies(db, query)): StudySummary[] {
  const { sql, params } = listStudiesSql(query, pageDrive(query, total));
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
  const q = studyQuerySchema.parse(query);
  const fts = q.text ? toFtsQuery(q.text) : undefined;
  const onlyText = fts !== undefined && !q.modality && !q.from && !q.to && q.deidentified === undefined;
  // Each study has exactly one search row (the import writes it with the study, deletion removes both),
  // so text alone is counted in the search index, which FTS5 does without reading a match's row.
  if (onlyText) return { sql: 'SELECT count(*) AS total FROM study_search WHERE study_search MATCH @fts', params: { fts } };
  const { where, params } = studyFilter(q, 'matches');
  // Every study has its patient (patient_ref is NOT NULL, a foreign key), so the count needs no join.
  return { sql: `SELECT count(*) AS total FROM studies st ${where}`, params };
}

/** How many studies match the query's filters: the total a cut list is a page of. */
export function countStudies(db: Database.Database, query: StudyQuery): number {
  const { sql, params } = countStudySql(query);
  return (db.prepare(sql).get(params) as { total: number }).total;
}

/** The list cut at the query's limit and how many match in all, read in one transaction so they agree. */
export function studyPage(db: Database.Database, query: StudyQuery): { studies: StudySummary[]; total: number } {
  return db.transaction(() => {
    const total = countStudies(db, query);
    return { studies: listStudies(db, query, total), total };
  })();
}

/** The stored file of one instance, or undefined when the cache does not know the UID. */
export function instanceFilePath(db: Database.Database, sopInstanceUid: string): string | undefined {
  const row = db.prepare('SELECT file_path FROM instances WHERE sop_instance_uid = ?').get(sopInstanceUid) as { file_path: string } | undefined;
  return row?.file_path;
}
