import type Database from 'better-sqlite3';
import type { StorageMode } from '../../../src-shared/domain/imports';
import type { InstanceRecord } from './extract-instance';

export interface StoredFile {
  readonly filePath: string;
  readonly storageMode: StorageMode;
  readonly size: number;
  readonly sha256: string;
}

export interface PendingConflict {
  readonly sopInstanceUid: string;
  readonly sourcePath: string;
  readonly keptPath: string;
  readonly size: number;
  readonly sha256: string;
  readonly cachedSha256: string;
}

export interface CommitResult {
  readonly instances: number;
  readonly studyInstanceUids: string[];
  readonly seriesInstanceUids: string[];
}

/**
 * Collects parsed instances and writes them in one transaction per batch, so the cache
 * is always at a batch boundary: a process killed mid-batch loses only that batch's
 * rows (its files are already in the store and are reused or cleaned later).
 */
export class CacheWriter {
  private readonly pending: Array<{ record: InstanceRecord; file: StoredFile }> = [];
  private readonly pendingConflicts: PendingConflict[] = [];
  /** UIDs queued in this batch, so a second copy in the same batch is recognised. */
  private readonly pendingSha = new Map<string, string>();
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      cachedSha: db.prepare('SELECT sha256 FROM instances WHERE sop_instance_uid = ?'),
      pathReferenced: db.prepare('SELECT 1 FROM instances WHERE file_path = ? UNION ALL SELECT 1 FROM import_conflicts WHERE kept_path = ? LIMIT 1'),
      upsertPatient: db.prepare(
        `INSERT INTO patients (patient_id, patient_name, birth_date, sex) VALUES (@patientId, @patientName, @birthDate, @sex)
         ON CONFLICT (patient_id, patient_name, birth_date) DO UPDATE SET sex = CASE WHEN patients.sex = '' THEN excluded.sex ELSE patients.sex END
         RETURNING id`,
      ),
      insertStudy: db.prepare(
        `INSERT INTO studies (study_instance_uid, patient_ref, study_date, study_time, accession_number, study_id, study_description, referring_physician_name, imported_at)
         VALUES (@studyInstanceUid, @patientRef, @studyDate, @studyTime, @accessionNumber, @studyId, @studyDescription, @referringPhysicianName, @importedAt)
         ON CONFLICT (study_instance_uid) DO NOTHING`,
      ),
      insertSeries: db.prepare(
        `INSERT INTO series (series_instance_uid, study_instance_uid, modality, series_number, series_description, body_part_examined, series_date, series_time, is_derived)
         VALUES (@seriesInstanceUid, @studyInstanceUid, @modality, @seriesNumber, @seriesDescription, @bodyPartExamined, @seriesDate, @seriesTime, @isDerived)
         ON CONFLICT (series_instance_uid) DO NOTHING`,
      ),
      insertInstance: db.prepare(
        `INSERT INTO instances (sop_instance_uid, series_instance_uid, sop_class_uid, instance_number, rows, columns, number_of_frames,
           bits_allocated, bits_stored, pixel_representation, samples_per_pixel, photometric_interpretation, transfer_syntax_uid,
           image_orientation_patient, image_position_patient, pixel_spacing, slice_thickness, spacing_between_slices, slice_location,
           window_center, window_width, rescale_slope, rescale_intercept, file_path, storage_mode, file_size, sha256, imported_at)
         VALUES (@sopInstanceUid, @seriesInstanceUid, @sopClassUid, @instanceNumber, @rows, @columns, @numberOfFrames,
           @bitsAllocated, @bitsStored, @pixelRepresentation, @samplesPerPixel, @photometricInterpretation, @transferSyntaxUid,
           @imageOrientationPatient, @imagePositionPatient, @pixelSpacing, @sliceThickness, @spacingBetweenSlices, @sliceLocation,
           @windowCenter, @windowWidth, @rescaleSlope, @rescaleIntercept, @filePath, @storageMode, @fileSize, @sha256, @importedAt)
         ON CONFLICT (sop_instance_uid) DO NOTHING`,
      ),
      insertConflict: db.prepare(
        `INSERT INTO import_conflicts (sop_instance_uid, source_path, kept_path, file_size, sha256, cached_sha256, detected_at)
         VALUES (@sopInstanceUid, @sourcePath, @keptPath, @size, @sha256, @cachedSha256, @detectedAt)
         ON CONFLICT (sop_instance_uid, sha256) DO UPDATE SET source_path = excluded.source_path, detected_at = excluded.detected_at`,
      ),
      // A study's search row is found by the key the study holds (migration 9), never by scanning the search table for its UID.
      clearSearch: db.prepare('DELETE FROM study_search WHERE rowid = (SELECT search_rowid FROM studies WHERE study_instance_uid = ?)'),
      fillSearch: db.prepare(
        `INSERT INTO study_search (study_instance_uid, patient_name, patient_id, accession_number, study_description, series_descriptions, referring_physician_name)
         SELECT st.study_instance_uid, p.patient_name, p.patient_id, st.accession_number, st.study_description,
                coalesce((SELECT group_concat(s.series_description, ' ') FROM series s WHERE s.study_instance_uid = st.study_instance_uid), ''),
                st.referring_physician_name
           FROM studies st JOIN patients p ON p.id = st.patient_ref WHERE st.study_instance_uid = ?`,
      ),
      keySearch: db.prepare('UPDATE studies SET search_rowid = ? WHERE study_instance_uid = ?'),
    };
  }

  /** The checksum already cached (or queued) for this UID, if any. */
  knownSha256(sopInstanceUid: string): string | undefined {
    const queued = this.pendingSha.get(sopInstanceUid);
    if (queued !== undefined) return queued;
    const row = this.statements.cachedSha.get(sopInstanceUid) as { sha256: string } | undefined;
    return row?.sha256;
  }

  /** Claims a UID for content whose file is still being stored, so a later copy is seen as a duplicate or conflict. */
  reserve(sopInstanceUid: string, sha256: string): void {
    this.pendingSha.set(sopInstanceUid, sha256);
  }

  add(record: InstanceRecord, file: StoredFile): void {
    this.pending.push({ record, file });
    this.pendingSha.set(record.instance.sopInstanceUid, file.sha256);
  }

  /** True when a committed or queued row points at this file. */
  references(filePath: string): boolean {
    if (this.pending.some(({ file }) => file.filePath === filePath)) return true;
    return this.statements.pathReferenced.get(filePath, filePath) !== undefined;
  }

  addConflict(conflict: PendingConflict): void {
    this.pendingConflicts.push(conflict);
  }

  get pendingCount(): number {
    return this.pending.length + this.pendingConflicts.length;
  }

  /** Writes everything queued in one transaction and refreshes the search rows of the studies it touched. */
  commit(): CommitResult {
    if (this.pendingCount === 0) return { instances: 0, studyInstanceUids: [], seriesInstanceUids: [] };
    const now = new Date().toISOString();
    const s = this.statements;
    const result = this.db.transaction((): CommitResult => {
      const studies = new Set<string>();
      const series = new Set<string>();
      let instances = 0;
      for (const { record, file } of this.pending) {
        const patient = s.upsertPatient.get(record.patient) as { id: number };
        s.insertStudy.run({ ...record.study, patientRef: patient.id, importedAt: now });
        s.insertSeries.run({ ...record.series, studyInstanceUid: record.study.studyInstanceUid, isDerived: record.series.isDerived ? 1 : 0 });
        const inserted = s.insertInstance.run({
          ...record.instance,
          seriesInstanceUid: record.series.seriesInstanceUid,
          filePath: file.filePath,
          storageMode: file.storageMode,
          fileSize: file.size,
          sha256: file.sha256,
          importedAt: now,
        });
        if (inserted.changes > 0) {
          instances += 1;
          studies.add(record.study.studyInstanceUid);
          series.add(record.series.seriesInstanceUid);
        }
      }
      for (const conflict of this.pendingConflicts) s.insertConflict.run({ ...conflict, detectedAt: now });
      for (const uid of studies) {
        s.clearSearch.run(uid);
        const filled = s.fillSearch.run(uid);
        if (filled.changes > 0) s.keySearch.run(filled.lastInsertRowid, uid);
      }
      return { instances, studyInstanceUids: [...studies], seriesInstanceUids: [...series] };
    })();
    this.pendingConflicts.length = 0;
    for (const { record } of this.pending) this.pendingSha.delete(record.instance.sopInstanceUid);
    this.pending.length = 0;
    return result;
  }
}
