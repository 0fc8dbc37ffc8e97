/**
 * DICOM YYYYMMDD → YYYY-MM-DD for display, and the legacy ACR-NEMA form YYYY.MM.DD (still written by
 * old scanners and CD burners) too; anything else is shown as stored.
 */
export function formatDicomDate(dicomDate: string): string {
  const match = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(dicomDate.trim());
  return match ? `${match[1]}-${match[2]}-${match[3]}` : dicomDate;
}

/** An <input type="date"> value (YYYY-MM-DD) → the YYYYMMDD the query takes; empty → undefined. */
export function toDicomDate(inputValue: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(inputValue) ? inputValue.replace(/-/g, '') : undefined;
}

/** Person names are stored with DICOM's ^ separators. */
export function formatPersonName(name: string): string {
  return name.replace(/\^+/g, ' ').trim();
}

/** A count with thousands separators (100,000), the same whatever the browser's locale, like the rest of the UI's English. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
