import type Database from 'better-sqlite3';
import { ServiceError } from '../../src-shared/contract/errors';
import { reportEntrySchema, type ReportDraft, type ReportEntry } from '../../src-shared/domain/reports';
import { templateForModalities } from './templates';

interface DraftRow {
  study_instance_uid: string;
  template_id: string;
  findings: string;
  impression: string;
  entries_json: string;
  revision: number;
  updated_at: string;
}

function toDraft(row: DraftRow): ReportDraft {
  const entries = reportEntrySchema.array().parse(JSON.parse(row.entries_json));
  return {
    studyInstanceUid: row.study_instance_uid,
    templateId: row.template_id,
    findings: row.findings,
    impression: row.impression,
    entries,
    revision: row.revision,
    updatedAt: row.updated_at,
  };
}

function studyModalities(db: Database.Database, studyInstanceUid: string): string[] | undefined {
  const study = db.prepare('SELECT 1 FROM studies WHERE study_instance_uid = ?').get(studyInstanceUid);
  if (!study) return undefined;
  const rows = db.prepare('SELECT DISTINCT modality FROM series WHERE study_instance_uid = ?').all(studyInstanceUid) as { modality: string }[];
  return rows.map((row) => row.modality);
}

/** Report drafts in the cache database: read, start from a template, and save with a revision check. */
export class ReportStore {
  constructor(private readonly db: Database.Database) {}

  get(studyInstanceUid: string): ReportDraft {
    const row = this.db.prepare('SELECT * FROM report_drafts WHERE study_instance_uid = ?').get(studyInstanceUid) as DraftRow | undefined;
    if (row) return toDraft(row);
    const modalities = studyModalities(this.db, studyInstanceUid);
    if (!modalities) throw new ServiceError('not-found', 'The cache has no study with that UID.');
    const template = templateForModalities(modalities);
    // Revision 0 is never stored: the first save creates the row at revision 1.
    return { studyInstanceUid, templateId: template.id, findings: template.findings, impression: template.impression, entries: [], revision: 0, updatedAt: '' };
  }

  /**
   * Saves only if the caller edited the latest revision. Two windows on one draft must
   * not silently overwrite each other; the loser is told and keeps its text to merge.
   */
  save(update: { studyInstanceUid: string; baseRevision: number; findings: string; impression: string; entries: ReportEntry[] }): ReportDraft {
    return this.db.transaction(() => {
      const current = this.get(update.studyInstanceUid);
      if (current.revision !== update.baseRevision) {
        throw new ServiceError('conflict', `The report was changed elsewhere (revision ${current.revision}, this edit was based on ${update.baseRevision}). Reload it and re-apply your edit.`);
      }
      const next: ReportDraft = {
        ...current,
        findings: update.findings,
        impression: update.impression,
        entries: update.entries,
        revision: current.revision + 1,
        updatedAt: new Date().toISOString(),
      };
      this.db
        .prepare(
          `INSERT INTO report_drafts (study_instance_uid, template_id, findings, impression, entries_json, revision, updated_at)
           VALUES (@studyInstanceUid, @templateId, @findings, @impression, @entriesJson, @revision, @updatedAt)
           ON CONFLICT (study_instance_uid) DO UPDATE SET findings = excluded.findings, impression = excluded.impression,
             entries_json = excluded.entries_json, revision = excluded.revision, updated_at = excluded.updated_at`,
        )
        .run({ ...next, entriesJson: JSON.stringify(next.entries) });
      return next;
    })();
  }
}
