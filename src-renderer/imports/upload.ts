import { zipPickedFiles, type PickedFile } from './upload-zip';

/** What the user picked, as one upload: a single file as it is, several files or a folder as one zip. */
export async function uploadPicked(files: readonly PickedFile[]): Promise<string> {
  const [only] = files;
  if (!only) throw new Error('No file was picked.');
  if (files.length === 1) return uploadToHost(only.file, only.name.split('/').pop() ?? only.name);
  const folder = only.name.includes('/') ? only.name.split('/')[0] : undefined;
  return uploadToHost(await zipPickedFiles(files), `${folder ?? `${files.length} files`}.zip`);
}

/** A file input's selection, each file named by its path inside a picked folder. */
export function pickedFiles(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [], (file) => ({ name: file.webkitRelativePath || file.name, file }));
}

/**
 * Sends one file (a DICOM file or a zip) from the browser's computer to the web host,
 * which stages it, imports it by copy and answers with the import's ID; progress and
 * the report then arrive as for any import. Same-origin, so the host's token cookie
 * goes along; the file name travels URI-encoded because headers must be Latin-1.
 */
export async function uploadToHost(file: Blob, name: string): Promise<string> {
  const response = await fetch('/upload', {
    method: 'POST',
    headers: {
      'content-type': /\.zip$/i.test(name) ? 'application/zip' : 'application/octet-stream',
      'x-radstation-filename': encodeURIComponent(name),
    },
    body: file,
  });
  const body = (await response.json().catch(() => ({}))) as { importId?: unknown; error?: unknown };
  if (!response.ok || typeof body.importId !== 'string') {
    throw new Error(typeof body.error === 'string' ? body.error : `The host refused the upload (HTTP ${response.status}).`);
  }
  return body.importId;
}
