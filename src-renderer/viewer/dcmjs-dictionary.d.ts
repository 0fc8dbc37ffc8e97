/** dcmjs ships its DICOM dictionary as plain data under this sub-path, without types. */
declare module 'dcmjs/dictionary' {
  const dictionary: Record<string, { tag?: string; vr?: string; name?: string; vm?: string } | undefined>;
  export default dictionary;
}
