import { createRequire } from 'node:module';
import { PixelDecodeError } from './frame-layout';

/** What the Cornerstone codec builds (Emscripten + embind) share: fill the input, decode, read the output. */
interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  getDecodedBuffer(): Uint8Array;
  /** JPEG-LS only: 0 means the components come one plane after another. */
  getInterleaveMode?(): number;
  delete(): void;
}

type WasmModule = Record<string, unknown> & { getExceptionMessage?: (pointer: number) => string };
type WasmFactory = (options: { print: (line: string) => void; printErr: (line: string) => void }) => Promise<WasmModule>;

export type WasmCodecName = 'jpeg-ls' | 'jpeg-2000' | 'htj2k' | 'jpeg-8bit';

/** Which package entry (a CommonJS file that finds its .wasm beside itself) and which embind class. */
const codecs: Record<WasmCodecName, { entry: string; decoderClass: string }> = {
  'jpeg-ls': { entry: '@cornerstonejs/codec-charls/decodewasmjs', decoderClass: 'JpegLSDecoder' },
  'jpeg-2000': { entry: '@cornerstonejs/codec-openjpeg/decodewasmjs', decoderClass: 'J2KDecoder' },
  htj2k: { entry: '@cornerstonejs/codec-openjph/wasmjs', decoderClass: 'HTJ2KDecoder' },
  'jpeg-8bit': { entry: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', decoderClass: 'JPEGDecoder' },
};

const requireFromHere = createRequire(import.meta.url);
const loaded = new Map<WasmCodecName, Promise<WasmModule>>();
/** The codecs' own messages: kept (never printed, since stdout may carry the CLI's JSON) to explain a failure. */
let codecMessages: string[] = [];

function load(name: WasmCodecName): Promise<WasmModule> {
  let module = loaded.get(name);
  if (!module) {
    const factory = requireFromHere(codecs[name].entry) as WasmFactory;
    const keep = (line: string): void => {
      codecMessages.push(line);
      if (codecMessages.length > 20) codecMessages.shift();
    };
    module = factory({ print: keep, printErr: keep });
    // A failed start must not poison later attempts.
    module.catch(() => loaded.delete(name));
    loaded.set(name, module);
  }
  return module;
}

export interface WasmDecoded {
  width: number;
  height: number;
  components: number;
  bitsPerSample: number;
  /** True when the codec answered one colour plane after another. */
  planar: boolean;
  values: Uint8Array | Uint16Array;
}

function describeFailure(module: WasmModule, error: unknown): string {
  const said = codecMessages.filter((line) => !/^\[INFO\]/.test(line)).join('; ');
  if (typeof error === 'number' && module.getExceptionMessage) return module.getExceptionMessage(error);
  if (error instanceof Error) return error.message;
  // Some builds throw a bare C++ exception pointer, which says nothing by itself.
  return said || 'the stream is probably truncated or corrupt';
}

/** Decodes one compressed frame with a Cornerstone wasm codec; a codec failure becomes a PixelDecodeError. */
export async function decodeWithWasm(name: WasmCodecName, encoded: Uint8Array): Promise<WasmDecoded> {
  const module = await load(name);
  const DecoderClass = module[codecs[name].decoderClass] as (new () => WasmDecoder) | undefined;
  if (!DecoderClass) throw new PixelDecodeError(`the ${name} codec has no ${codecs[name].decoderClass}`);
  const decoder = new DecoderClass();
  codecMessages = [];
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (!(info.width > 0 && info.height > 0 && info.componentCount > 0)) {
      const said = codecMessages.filter((line) => !/^\[INFO\]/.test(line)).join('; ');
      throw new PixelDecodeError(`the ${name} codec found no image in the frame (${said || 'the stream is probably truncated or corrupt'})`);
    }
    if (info.bitsPerSample > 16) throw new PixelDecodeError(`the ${name} stream has ${info.bitsPerSample}-bit samples, more than 16`);
    const output = decoder.getDecodedBuffer();
    // Copy out of the wasm heap: the view dies with the decoder.
    const bytes = output.slice();
    const values = info.bitsPerSample > 8 ? new Uint16Array(bytes.buffer, 0, bytes.byteLength >> 1) : bytes;
    const planar = info.componentCount > 1 && decoder.getInterleaveMode?.() === 0;
    return { width: info.width, height: info.height, components: info.componentCount, bitsPerSample: info.bitsPerSample, planar, values };
  } catch (error) {
    if (error instanceof PixelDecodeError) throw error;
    // An aborted Emscripten runtime cannot be trusted again; the next frame loads a fresh one.
    loaded.delete(name);
    throw new PixelDecodeError(`the ${name} codec could not decode the frame (${describeFailure(module, error)})`);
  } finally {
    try {
      decoder.delete();
    } catch {
      // The runtime may already be gone after an abort; nothing is left to free.
    }
  }
}
