// dcmjs ships no type declarations; this declares only the part Radstation uses.
declare module 'dcmjs' {
  interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
    version: string;
  }
  const dcmjs: {
    data: {
      DicomMetaDictionary: {
        /** Keyed by "(GGGG,EEEE)" in upper-case hex. */
        dictionary: Record<string, DictionaryEntry | undefined>;
      };
    };
  };
  export default dcmjs;
}
