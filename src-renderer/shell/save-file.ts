/** Has the browser save what a URL points to under a name: a download, never a page of the app. */
export function saveUrlAs(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  // In the document while clicked: some browsers ignore a click on a detached link.
  document.body.append(link);
  link.click();
  link.remove();
}

/** Has the browser save bytes made in the page; the object URL is released once the download holds its copy. */
export function saveBlobAs(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  saveUrlAs(url, fileName);
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
