import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ServiceError } from '../../src-shared/contract/errors';
import type { MetadataAnswer, ReportDraft, ReportEntry } from '../../src-shared/domain/reports';
import { writePart10File } from '../dicom/part10';
import { readDicomFile } from '../dicom/read-file';
import type { ImportService } from '../studies/import/import-service';
import { answerFromMetadata, type MetadataContext } from './metadata-questions';
import { isDeidentifiedInCache } from '../deid/deidentified-studies';
import { entryText, patientLine, readReportStudy, studyLine } from './report-document';
import { ReportStore } from './report-store';
import { writePdf, type PdfBlock } from './pdf-writer';
import { buildBasicTextSr } from './sr-writer';

export interface ReportService {
  get(studyInstanceUid: string): ReportDraft;
  save(update: { studyInstanceUid: string; baseRevision: number; findings: string; impression: string; entries: ReportEntry[] }): ReportDraft;
  exportPdf(studyInstanceUid: string): { fileName: string; pdf: Buffer };
  exportSr(studyInstanceUid: string): Promise<{ seriesInstanceUid: string; sopInstanceUid: string }>;
  answerFromMetadata(sopInstanceUid: string, question: string): MetadataAnswer;
  /** A cached instance's file and what the header questions read about it (its header, series and prior studies). */
  instanceContext(sopInstanceUid: string): { filePath: string; context: MetadataContext };
}

interface InstanceContextRow {
  file_path: string;
  series_instance_uid: string;
  study_instance_uid: string;
  study_date: string;
  patient_id: string;
}

export function createReportService(db: Database.Database, imports: ImportService): ReportService {
  const store = new ReportStore(db);

  const pdfBlocks = (draft: ReportDraft): PdfBlock[] => {
    const study = readReportStudy(db, draft.studyInstanceUid);
    const blocks: PdfBlock[] = [
      { style: 'title', text: 'Radiology report — DRAFT, not verified' },
      { style: 'body', text: patientLine(study) },
      { style: 'body', text: studyLine(study) },
      { style: 'heading', text: 'Findings' },
      { style: 'body', text: draft.findings.trim() || '(none)' },
    ];
    if (draft.entries.length > 0) {
      blocks.push({ style: 'heading', text: 'Answers added from Report Q&A' });
      for (const entry of draft.entries) blocks.push({ style: 'body', text: entryText(entry) }, { style: 'small', text: '' });
    }
    blocks.push({ style: 'heading', text: 'Impression' }, { style: 'body', text: draft.impression.trim() || '(none)' });
    blocks.push({ style: 'small', text: `Draft revision ${draft.revision}${draft.updatedAt ? `, saved ${draft.updatedAt}` : ''}. Statements marked AI-generated are not for diagnosis.` });
    return blocks;
  };

  const service: ReportService = {
    get: (studyInstanceUid) => store.get(studyInstanceUid),
    save: (update) => store.save(update),

    exportPdf(studyInstanceUid) {
      const draft = store.get(studyInstanceUid);
      const study = readReportStudy(db, studyInstanceUid);
      // A de-identified study's file is never named after its patient ID, not even its pseudonym.
      const deidentified = isDeidentifiedInCache(db, studyInstanceUid);
      const safeName = (deidentified ? `deidentified-${studyInstanceUid}` : study.patientId || 'report').replace(/[^A-Za-z0-9._-]+/g, '_');
      return { fileName: `${safeName}-${study.studyDate || 'undated'}-report-draft.pdf`, pdf: writePdf(pdfBlocks(draft), 'Radiology report draft') };
    },

    async exportSr(studyInstanceUid) {
      const draft = store.get(studyInstanceUid);
      if (draft.revision === 0) throw new ServiceError('invalid-request', 'The report is empty: write or add something before saving it as a DICOM SR.');
      const dataset = buildBasicTextSr(draft, readReportStudy(db, studyInstanceUid));
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'radstation-sr-'));
      try {
        const file = path.join(folder, 'report.dcm');
        await writePart10File(dataset, file);
        // The SR goes through the same import path as any file, so the cache, the
        // store and the study browser treat it like every other instance.
        const { importId } = imports.start({ paths: [file], mode: 'copy' });
        const finished = await imports.whenFinished(importId);
        if (!finished || finished.status !== 'completed' || finished.report.instances !== 1) {
          const reason = finished?.report.failed[0]?.reason ?? finished?.message ?? 'the import did not complete';
          throw new ServiceError('internal', `The SR was written but could not be saved into the study: ${reason}.`);
        }
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
      return { seriesInstanceUid: String(dataset.SeriesInstanceUID), sopInstanceUid: String(dataset.SOPInstanceUID) };
    },

    instanceContext(sopInstanceUid) {
      const row = db
        .prepare(
          `SELECT i.file_path, i.series_instance_uid, s.study_instance_uid, st.study_date, p.patient_id
             FROM instances i JOIN series s ON s.series_instance_uid = i.series_instance_uid
             JOIN studies st ON st.study_instance_uid = s.study_instance_uid JOIN patients p ON p.id = st.patient_ref
            WHERE i.sop_instance_uid = ?`,
        )
        .get(sopInstanceUid) as InstanceContextRow | undefined;
      if (!row) throw new ServiceError('not-found', 'The cache has no instance with that UID.');
      if (!fs.existsSync(row.file_path)) throw new ServiceError('not-found', "The instance's file is missing, so its header cannot be read.");
      const header = readDicomFile(new Uint8Array(fs.readFileSync(row.file_path))).dataSet;
      const { count } = db.prepare('SELECT count(*) AS count FROM instances WHERE series_instance_uid = ?').get(row.series_instance_uid) as { count: number };
      const otherStudies = db
        .prepare(
          `SELECT st.study_date AS studyDate, st.study_description AS description,
                  (SELECT group_concat(DISTINCT s.modality) FROM series s WHERE s.study_instance_uid = st.study_instance_uid) AS modalities
             FROM studies st JOIN patients p ON p.id = st.patient_ref
            WHERE p.patient_id = ? AND p.patient_id <> '' AND st.study_instance_uid <> ?
            ORDER BY st.study_date DESC`,
        )
        .all(row.patient_id, row.study_instance_uid) as { studyDate: string; description: string; modalities: string | null }[];
      const context: MetadataContext = {
        header,
        seriesInstanceCount: count,
        studyDate: row.study_date,
        otherStudies: otherStudies.map((study) => ({ ...study, modalities: study.modalities ?? '' })),
      };
      return { filePath: row.file_path, context };
    },

    answerFromMetadata(sopInstanceUid, question) {
      return answerFromMetadata(question, service.instanceContext(sopInstanceUid).context);
    },
  };
  return service;
}
