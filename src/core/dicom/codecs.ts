/**
 * Pixel decoders per transfer syntax, each giving the frame's stored samples as unsigned bit
 * patterns (Uint8/16/32Array, one per pixel). Compressed codecs are loaded on first use.
 *
 * JPEG-LS and JPEG 2000 come from the cornerstone builds of CharLS and OpenJPEG, which ship both a
 * WebAssembly build and a pure-JavaScript one (wasm2js) of the same C code inside the npm package.
 * The core cannot fetch or read files, so a host that can hand over the .wasm bytes registers them
 * with provideCodecWasm (the web worker and the CLI do; JPEG 2000 is several times faster so);
 * without them the JavaScript build runs. Both decode losslessly to the same samples
 * (test/dicom-reference.test.ts checks the two against each other).
 */
import type { EmscriptenDecoder, EmscriptenDecoderModule } from './codecTypes';
import type { PixelFormat } from './parse';
import { decodeRle } from './rle';
import type { PixelEncoding } from './syntax';

export type RawSamples = Uint8Array | Uint16Array | Uint32Array;

let openjpeg: Promise<EmscriptenDecoderModule<'J2KDecoder'>> | null = null;
let charls: Promise<EmscriptenDecoderModule<'JpegLSDecoder'>> | null = null;

/** Where a host finds the codecs' .wasm files (bytes on demand). */
export interface CodecWasmSources {
  openjpeg?: () => Promise<ArrayBuffer | Uint8Array>;
  charls?: () => Promise<ArrayBuffer | Uint8Array>;
}

let wasmSources: CodecWasmSources = {};

/** Registers the codecs' WebAssembly bytes; codecs already loaded stay as they are. */
export function provideCodecWasm(sources: CodecWasmSources): void {
  wasmSources = { ...wasmSources, ...sources };
}

/** Which build decodes JPEG 2000 / JPEG-LS here, for benchmarks and diagnostics. */
export function codecBuilds(): { openjpeg: 'wasm' | 'js'; charls: 'wasm' | 'js' } {
  return { openjpeg: wasmSources.openjpeg ? 'wasm' : 'js', charls: wasmSources.charls ? 'wasm' : 'js' };
}

async function loadOpenjpeg(): Promise<EmscriptenDecoderModule<'J2KDecoder'>> {
  const source = wasmSources.openjpeg;
  if (!source) return (await import('@cornerstonejs/codec-openjpeg/decode')).default(QUIET);
  const wasmBinary = await source();
  return (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default({ ...QUIET, wasmBinary });
}

async function loadCharls(): Promise<EmscriptenDecoderModule<'JpegLSDecoder'>> {
  const source = wasmSources.charls;
  if (!source) return (await import('@cornerstonejs/codec-charls/decode')).default(QUIET);
  const wasmBinary = await source();
  return (await import('@cornerstonejs/codec-charls/decodewasmjs')).default({ ...QUIET, wasmBinary });
}
let lossless: Promise<typeof import('jpeg-lossless-decoder-js')> | null = null;

/** The codecs log every header they read; nothing of it is for the user. */
const QUIET = { print: () => undefined, printErr: () => undefined };

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reinterprets little-endian sample bytes (copied when unaligned or on a big-endian host). */
function samplesFromBytes(bytes: Uint8Array, bytesPerSample: number, littleEndian: boolean): RawSamples {
  if (bytesPerSample === 1) return bytes;
  const n = Math.floor(bytes.length / bytesPerSample);
  if (littleEndian === HOST_LITTLE_ENDIAN && bytes.byteOffset % bytesPerSample === 0) {
    return bytesPerSample === 2 ? new Uint16Array(bytes.buffer, bytes.byteOffset, n) : new Uint32Array(bytes.buffer, bytes.byteOffset, n);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, n * bytesPerSample);
  if (bytesPerSample === 2) {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, littleEndian);
    return out;
  }
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getUint32(4 * i, littleEndian);
  return out;
}

async function runEmscripten(decoder: EmscriptenDecoder, data: Uint8Array, format: PixelFormat, what: string): Promise<RawSamples> {
  try {
    decoder.getEncodedBuffer(data.length).set(data);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (info.width !== format.columns || info.height !== format.rows) {
      throw new Error(`the ${what} image is ${info.width} x ${info.height}, the header says ${format.columns} x ${format.rows}`);
    }
    const bytesPerSample = info.bitsPerSample > 8 ? 2 : 1;
    return samplesFromBytes(decoder.getDecodedBuffer().slice(), bytesPerSample, true);
  } finally {
    decoder.delete();
  }
}

export async function decodeFrame(encoding: PixelEncoding, data: Uint8Array, format: PixelFormat): Promise<RawSamples> {
  const bytesPerSample = format.bitsAllocated / 8;
  const pixels = format.rows * format.columns;
  switch (encoding) {
    case 'native-le':
    case 'native-be':
      return samplesFromBytes(data, bytesPerSample, encoding === 'native-le');
    case 'rle':
      return samplesFromBytes(decodeRle(data, pixels, bytesPerSample), bytesPerSample, true);
    case 'jpeg-lossless': {
      lossless ??= import('jpeg-lossless-decoder-js');
      const { Decoder } = await lossless;
      const copy = data.slice(); // the decoder reads an ArrayBuffer from offset 0
      return new Decoder().decode(copy.buffer, 0, copy.length, bytesPerSample > 1 ? 2 : 1);
    }
    case 'jpeg-ls': {
      charls ??= loadCharls();
      return runEmscripten(new (await charls).JpegLSDecoder(), data, format, 'JPEG-LS');
    }
    case 'jpeg-2000': {
      openjpeg ??= loadOpenjpeg();
      return runEmscripten(new (await openjpeg).J2KDecoder(), data, format, 'JPEG 2000');
    }
  }
}
