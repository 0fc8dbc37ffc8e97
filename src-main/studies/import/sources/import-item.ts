/** One file to import, wherever it comes from: a path on disk or an entry inside a zip. */
export interface ImportItem {
  /** What the report and progress show: a path, or "archive.zip!/entry/name" for zip entries. */
  readonly displayPath: string;
  /** A real file on disk, which link mode may reference in place; absent for zip entries. */
  readonly diskPath?: string;
  read(): Promise<Buffer>;
  /** Bytes the item will occupy once written (a zip entry's declared inflated size); disk items are measured when needed. */
  readonly sizeHint?: number;
  /**
   * For items with no file on disk (zip entries): streams the content into a new file,
   * within the item's size bounds, so that it never has to be held in memory whole.
   */
  extractTo?(file: string): Promise<void>;
}

export interface ListingFailure {
  readonly path: string;
  readonly reason: string;
}

/** Files larger than this are refused rather than read whole into memory. */
export const maxFileBytes = 2 * 1024 * 1024 * 1024 - 1;
