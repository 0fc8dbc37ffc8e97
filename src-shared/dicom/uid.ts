/**
 * A new DICOM UID under the 2.25 root, the decimal form of a random UUID (PS3.5 B.2): globally
 * unique without a registered root, at most 44 characters, so a suffix such as `.123` still fits
 * in the 64 a UI value may hold. `crypto.randomUUID` exists in Node and in browsers alike.
 */
export function newUid(): string {
  return `2.25.${BigInt(`0x${crypto.randomUUID().replace(/-/g, '')}`).toString()}`;
}
