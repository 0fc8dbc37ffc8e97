/**
 * Sends one file (a DICOM file or a zip) from the browser's computer to the web host,
 * which stages it, imports it by copy and answers with the import's ID; progress and
 * the report then arrive as for any import. Same-origin, so the host's token cookie
 * goes along; the file name travels URI-encoded because headers must be Latin-1.
 */
export async function uploadToHost(file: File): Promise<string> {
  const response = await fetch('/upload', {
    method: 'POST',
    headers: {
      'content-type': /\.zip$/i.test(file.name) ? 'application/zip' : 'application/octet-stream',
      'x-radstation-filename': encodeURIComponent(file.name),
    },
    body: file,
  });
  const body = (await response.json().catch(() => ({}))) as { importId?: unknown; error?: unknown };
  if (!response.ok || typeof body.importId !== 'string') {
    throw new Error(typeof body.error === 'string' ? body.error : `The host refused the upload (HTTP ${response.status}).`);
  }
  return body.importId;
}
