/**
 * Finds the files a DICOMDIR references. Rather than walking the directory records by
 * their offsets (which the "no offset", "reordered" and "no patient" variants break), it
 * scans for every Referenced File ID (0004,1500) in either byte order and either VR form.
 * A DICOMDIR holds no pixel data, so a false match would also need a plausible VR and a
 * path-like value; each candidate is checked for both.
 */
const fileIdPattern = /^[A-Za-z0-9_]{1,16}(\\[A-Za-z0-9_]{1,16})*$/;

function valueAt(bytes: Uint8Array, start: number, length: number): string | undefined {
  if (length <= 0 || length > 1024 || start + length > bytes.length) return undefined;
  const value = Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('latin1').replace(/[\0 ]+$/, '');
  return fileIdPattern.test(value) ? value : undefined;
}

export function referencedFileIds(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const found: string[] = [];
  for (let i = 0; i + 8 <= bytes.length; i += 2) {
    const little = bytes[i] === 0x04 && bytes[i + 1] === 0x00 && bytes[i + 2] === 0x00 && bytes[i + 3] === 0x15;
    const big = bytes[i] === 0x00 && bytes[i + 1] === 0x04 && bytes[i + 2] === 0x15 && bytes[i + 3] === 0x00;
    if (!little && !big) continue;
    const explicit = bytes[i + 4] === 0x43 && bytes[i + 5] === 0x53; // "CS"
    const value = explicit ? valueAt(bytes, i + 8, view.getUint16(i + 6, little)) : valueAt(bytes, i + 8, view.getUint32(i + 4, little));
    if (value !== undefined) found.push(value);
  }
  return found;
}
