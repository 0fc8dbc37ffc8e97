import dicomParser, { type DataSet, type ParseDicomOptions } from 'dicom-parser';

/**
 * The deepest sequence nesting any reader in the app accepts. Real DICOM stays far under it
 * (RT plans and structured reports, the deepest in practice, reach about a dozen levels),
 * while a crafted file of a few kilobytes can nest thousands of levels, and every recursive
 * step after parsing (describing tags, serialising a reply, validating it) would then
 * exhaust the stack. Deeper files are refused where they are read, with this reason.
 */
export const maxSequenceDepth = 32;

export const nestingTooDeepReason = `sequences nested deeper than ${maxSequenceDepth} levels (real DICOM stays far under that); refused so it cannot exhaust the reader's stack`;

/** The deepest sequence level in a parsed data set (0 for none), walked with an explicit stack so that measuring cannot overflow either. */
export function sequenceDepth(dataSet: DataSet): number {
  let deepest = 0;
  const pending: Array<{ dataSet: DataSet; depth: number }> = [{ dataSet, depth: 0 }];
  while (pending.length > 0) {
    const { dataSet: current, depth } = pending.pop()!;
    deepest = Math.max(deepest, depth);
    for (const key in current.elements) {
      for (const item of current.elements[key]!.items ?? []) if (item.dataSet) pending.push({ dataSet: item.dataSet, depth: depth + 1 });
    }
  }
  return deepest;
}

/** True for a stack overflow, however the parser wrapped it (dicom-parser throws { exception, dataSet }). */
function isStackOverflow(error: unknown): boolean {
  const inner = typeof error === 'object' && error !== null && 'exception' in error ? (error as { exception: unknown }).exception : error;
  return inner instanceof RangeError && /call stack/i.test(inner.message);
}

/** A file refused for its nesting; its message is the reason shown to the user. */
export class NestingTooDeepError extends Error {
  constructor() {
    super(nestingTooDeepReason);
    this.name = 'NestingTooDeepError';
  }
}

/**
 * dicom-parser's parseDicom with nesting bounded: a file deeper than maxSequenceDepth throws
 * NestingTooDeepError, whether the parser got through it or ran out of stack on the way.
 * Every other parse error is rethrown as the parser threw it.
 */
export function parseDicomBounded(bytes: Uint8Array, options?: ParseDicomOptions): DataSet {
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, options);
  } catch (error) {
    if (isStackOverflow(error)) throw new NestingTooDeepError();
    throw error;
  }
  if (sequenceDepth(dataSet) > maxSequenceDepth) throw new NestingTooDeepError();
  return dataSet;
}
