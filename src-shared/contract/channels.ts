/**
 * Constants with no dependencies, so the sandboxed preload can bundle them without
 * pulling in the schema library.
 */

/** Electron IPC channel names, shared by the preload and the main process. */
export const ipcChannels = {
  call: 'radstation:call',
  event: 'radstation:event',
} as const;

/** URL prefixes under which both hosts serve files the cache knows about. */
export const fileRoutes = {
  /** `/files/instances/<SOP Instance UID>`: the stored DICOM file of one instance. */
  instance: '/files/instances/',
  /** `/files/deidentified/<export id>.zip`: a de-identified study's zip archive (studies.deidentify with output "zip"). */
  deidentifiedExport: '/files/deidentified/',
} as const;
