import { Enums as CoreEnums, utilities, type StackViewport, type Types } from '@cornerstonejs/core';
import { addMetadataModuleOverride } from './loader/metadata-module-override';

/**
 * The file's VOI LUT Sequence (0028,3010) shown as the file asks. Cornerstone's WebGL stack
 * viewport ignores the LUT the DICOM image loader attaches to the image (only its CPU fallback
 * applies it), so the LUT is handed to the viewport as a grey colour map over exactly the LUT's
 * input range (first value mapped … first + entries − 1); vtk clamps below and above, as PS3.3
 * C.11.2.1.1 asks (first and last entries). Like pydicom's apply_voi_lut, the LUT is preferred to
 * a window in the same file. A window the reader then sets (a drag or a preset) replaces it with a
 * plain linear ramp, and the next image with a LUT shows its LUT again unless the reader set one.
 */

interface ImageVoiLut {
  firstValueMapped: number;
  numBitsPerEntry: number;
  lut: ArrayLike<number>;
}

export interface FileVoiLut {
  lower: number;
  upper: number;
  /** What the overlay says instead of a window. */
  label: 'VOI LUT';
}

/** LUT Data (0028,3006) as the naturalised header gives it: numbers (US) or raw bytes (OW); the outputs are unsigned. */
function lutEntries(data: unknown, count: number): number[] | undefined {
  const first = Array.isArray(data) ? data[0] : data;
  if (first instanceof ArrayBuffer || ArrayBuffer.isView(first)) {
    const bytes = first instanceof ArrayBuffer ? new Uint8Array(first) : new Uint8Array(first.buffer, first.byteOffset, first.byteLength);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const available = Math.floor(bytes.byteLength / 2);
    return Array.from({ length: Math.min(count, available) }, (_, i) => view.getUint16(i * 2, true));
  }
  if (Array.isArray(data) && data.every((value) => typeof value === 'number')) return (data as number[]).slice(0, count);
  return undefined;
}

/** A naturalised sequence's items: an array, or (Cornerstone's store, for one item) the item itself. */
function sequenceItems(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object');
  return value !== null && typeof value === 'object' ? [value as Record<string, unknown>] : [];
}

/**
 * The VOI LUT Sequence for the loader's image: Cornerstone's metadata store builds voiLutModule
 * from the window attributes only, so createImage never sees the sequence. Read from the
 * naturalised header per PS3.3 C.11.2.1.1: LUT Descriptor = entries (0 means 65536), first
 * input value mapped (signed when the pixels are), bits per entry.
 */
export function registerFileVoiLutProvider(): void {
  addMetadataModuleOverride(
    'voiLutModule',
    (natural) => sequenceItems(natural['VOILUTSequence']).length > 0,
    (natural, base) => {
      const signed = natural['PixelRepresentation'] === 1;

      const luts = sequenceItems(natural['VOILUTSequence']).flatMap((item) => {
        const [rawCount = NaN, rawFirst = NaN, bits = 16] = (item['LUTDescriptor'] as number[] | undefined) ?? [];
        const count = rawCount === 0 ? 65536 : rawCount;
        const firstValueMapped = signed && rawFirst > 32767 ? rawFirst - 65536 : rawFirst;
        const lut = lutEntries(item['LUTData'], count);
        if (!Number.isFinite(count) || !Number.isFinite(firstValueMapped) || !lut || lut.length < 2) return [];
        return [{ id: '1', firstValueMapped, numBitsPerEntry: bits, lut }];
      });
      return luts.length > 0 ? { ...base, voiLUTSequence: luts } : undefined;
    },
  );
}

const colormapPrefix = 'radstation-file-voi-lut';
/** vtk samples the colour map into a table; more points than this add nothing visible. */
const maxPoints = 4096;

function imageVoiLut(image: Types.IImage | undefined): ImageVoiLut | undefined {
  const candidate = (image as { voiLUT?: Partial<ImageVoiLut> } | undefined)?.voiLUT;
  if (!candidate?.lut || candidate.lut.length < 2 || !Number.isFinite(candidate.firstValueMapped)) return undefined;
  return { firstValueMapped: candidate.firstValueMapped ?? 0, numBitsPerEntry: candidate.numBitsPerEntry ?? 16, lut: candidate.lut };
}

/** Output grey of each entry, 0…1: entries are read against the LUT Descriptor's bit depth, or the depth the data really uses when it exceeds it. */
function greyScale(lut: ImageVoiLut): number {
  let largest = 0;
  for (let i = 0; i < lut.lut.length; i++) largest = Math.max(largest, lut.lut[i] ?? 0);
  const declared = 2 ** Math.min(Math.max(lut.numBitsPerEntry, 1), 16) - 1;
  return largest > declared ? 2 ** Math.ceil(Math.log2(largest + 1)) - 1 : declared;
}

/**
 * Names a LUT by its content (descriptor and an FNV-1a hash of its entries): the slices of a
 * series usually share one LUT, which is then registered once, not once per image.
 */
function lutKey(lut: ImageVoiLut): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < lut.lut.length; i++) hash = Math.imul(hash ^ (lut.lut[i] ?? 0), 0x01000193) >>> 0;
  return `${lut.firstValueMapped}:${lut.lut.length}:${lut.numBitsPerEntry}:${hash.toString(16)}`;
}

/** A registered colour map (name) that follows the LUT, in the LUT's own input values. */
function colormapFor(lut: ImageVoiLut): string {
  const name = `${colormapPrefix}:${lutKey(lut)}`;
  if (utilities.colormap.getColormap(name)) return name;
  const count = lut.lut.length;
  const full = greyScale(lut);
  const step = Math.max(1, Math.ceil(count / maxPoints));
  const points: number[] = [];
  for (let i = 0; i < count; i += step) points.push(lut.firstValueMapped + i, ...grey((lut.lut[i] ?? 0) / full));
  if ((count - 1) % step !== 0) points.push(lut.firstValueMapped + count - 1, ...grey((lut.lut[count - 1] ?? 0) / full));
  utilities.colormap.registerColormap({ Name: name, name, ColorSpace: 'RGB', RGBPoints: points } as never);
  return name;
}

function grey(level: number): [number, number, number] {
  const clamped = Math.min(1, Math.max(0, level));
  return [clamped, clamped, clamped];
}

/**
 * StackViewport's own setVOI (typed private): unlike setProperties it does not mark the range as
 * the reader's, so the next image may show its LUT again; and it can recreate a linear ramp.
 */
function setVoi(viewport: StackViewport, range: { lower: number; upper: number }, options: { suppressEvents?: boolean; forceRecreateLUTFunction?: boolean }): void {
  (viewport as unknown as { setVOI(range: { lower: number; upper: number }, options: object): void }).setVOI(range, options);
}

/** The LUT a viewport shows now, per viewport ID. */
const shown = new Map<string, FileVoiLut>();

/** The file's LUT in the viewport, when it is what the viewport shows. */
export function fileVoiLutShown(viewportId: string): FileVoiLut | undefined {
  return shown.get(viewportId);
}

/** Shows the image's LUT, unless the reader has set a window. */
export function showFileVoiLut(viewport: StackViewport): void {
  const image = viewport.getCornerstoneImage() as Types.IImage | undefined;
  const lut = imageVoiLut(image);
  // A window the reader set stays until the reader resets the view.
  if (!lut || !image || (viewport as unknown as { voiUpdatedWithSetProperties?: boolean }).voiUpdatedWithSetProperties) return;
  const range = { lower: lut.firstValueMapped, upper: lut.firstValueMapped + lut.lut.length - 1 };
  shown.set(viewport.id, { ...range, label: 'VOI LUT' });
  setVoi(viewport, range, { suppressEvents: true });
  viewport.setProperties({ colormap: { name: colormapFor(lut) } });
  viewport.render();
}

/** When the reader changes the window, the LUT gives way to a plain linear ramp over the new range. */
function giveWay(viewport: StackViewport): void {
  const current = shown.get(viewport.id);
  const range = viewport.getProperties().voiRange;
  if (!current || !range || (range.lower === current.lower && range.upper === current.upper)) return;
  shown.delete(viewport.id);
  setVoi(viewport, range, { forceRecreateLUTFunction: true });
  viewport.render();
}

/** Watches a stack viewport's element; returns what stops watching. */
export function watchFileVoiLut(element: HTMLDivElement, viewport: () => StackViewport | undefined): () => void {
  const onImage = () => {
    const target = viewport();
    if (target) showFileVoiLut(target);
  };
  const onVoi = () => {
    const target = viewport();
    if (target) giveWay(target);
  };
  element.addEventListener(CoreEnums.Events.STACK_NEW_IMAGE, onImage);
  element.addEventListener(CoreEnums.Events.VOI_MODIFIED, onVoi);
  return () => {
    element.removeEventListener(CoreEnums.Events.STACK_NEW_IMAGE, onImage);
    element.removeEventListener(CoreEnums.Events.VOI_MODIFIED, onVoi);
    const id = viewport()?.id;
    if (id) shown.delete(id);
  };
}
