/** DICOM YYYYMMDD → YYYY-MM-DD for display; anything else is shown as stored. */
export function formatDicomDate(dicomDate: string): string {
  return /^\d{8}$/.test(dicomDate) ? `${dicomDate.slice(0, 4)}-${dicomDate.slice(4, 6)}-${dicomDate.slice(6, 8)}` : dicomDate;
}

/** An <input type="date"> value (YYYY-MM-DD) → the YYYYMMDD the query takes; empty → undefined. */
export function toDicomDate(inputValue: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(inputValue) ? inputValue.replace(/-/g, '') : undefined;
}

/** Person names are stored with DICOM's ^ separators. */
export function formatPersonName(name: string): string {
  return name.replace(/\^+/g, ' ').trim();
}
