/**
 * A synthetic one-file-per-slice MR series for the DICOM benchmarks (never committed, made at bench
 * time): a smooth head-like phantom, 16-bit signed, written as minimal Part 10 files in explicit VR
 * little endian, or with the pixel data compressed as JPEG-LS or JPEG 2000 (lossless) by the
 * encoders that ship in the same codec packages the reader decodes with.
 */
import type { ScanFile } from '../src/core/input';

export type SynthEncoding = 'explicit-le' | 'jpeg-ls' | 'jpeg-2000' | 'jpeg-lossless';

const SYNTAX: Record<SynthEncoding, string> = {
  'explicit-le': '1.2.840.10008.1.2.1',
  'jpeg-ls': '1.2.840.10008.1.2.4.80',
  'jpeg-2000': '1.2.840.10008.1.2.4.90',
  'jpeg-lossless': '1.2.840.10008.1.2.1', // written uncompressed, then transcoded by gdcmconv
};

/**
 * No JavaScript JPEG lossless encoder exists among well-kept packages, so that variant is made by
 * Debian's gdcmconv (libgdcm-tools) when it is installed; null when it is not.
 */
export async function transcodeJpegLossless(files: ScanFile[]): Promise<ScanFile[] | null> {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  if (spawnSync('gdcmconv', ['--version']).error) return null;
  const dir = mkdtempSync(join(tmpdir(), 'rv-jpegll-'));
  try {
    return files.map((f) => {
      writeFileSync(join(dir, 'in.dcm'), f.bytes);
      const r = spawnSync('gdcmconv', ['--jpeg', join(dir, 'in.dcm'), join(dir, 'out.dcm')]);
      if (r.status !== 0) throw new Error(`gdcmconv failed: ${r.stderr}`);
      return { name: f.name, bytes: new Uint8Array(readFileSync(join(dir, 'out.dcm'))) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

class Writer {
  private chunks: Uint8Array[] = [];
  length = 0;
  raw(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  u16(...v: number[]): void {
    const b = new Uint8Array(2 * v.length);
    const d = new DataView(b.buffer);
    v.forEach((x, i) => d.setUint16(2 * i, x, true));
    this.raw(b);
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    this.raw(b);
  }
  /** Explicit VR element; strings padded to even length (UI with NUL, others with a space). */
  el(group: number, elem: number, vr: string, value: string | Uint8Array): void {
    let bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    if (bytes.length % 2) {
      const padded = new Uint8Array(bytes.length + 1);
      padded.set(bytes);
      padded[bytes.length] = vr === 'UI' || vr === 'OB' ? 0 : 0x20;
      bytes = padded;
    }
    this.u16(group, elem);
    this.raw(new TextEncoder().encode(vr));
    if (['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr)) {
      this.u16(0);
      this.u32(bytes.length);
    } else this.u16(bytes.length);
    this.raw(bytes);
  }
  us(group: number, elem: number, v: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    this.el(group, elem, 'US', b);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Phantom value at slice k, row r, column c: an ellipsoid "head" with a darker inner shell and ripples. */
function phantomSlice(k: number, slices: number, rows: number, cols: number): Int16Array {
  const out = new Int16Array(rows * cols);
  const z = (k - slices / 2) / (slices / 2.2);
  for (let r = 0; r < rows; r++) {
    const y = (r - rows / 2) / (rows / 2.4);
    for (let c = 0; c < cols; c++) {
      const x = (c - cols / 2) / (cols / 2.6);
      const d = Math.sqrt(x * x + y * y + z * z);
      const v = d < 1 ? 900 + 500 * Math.cos(8 * d) + 120 * Math.sin(13 * x) * Math.cos(11 * y) : 0;
      out[r * cols + c] = Math.round(v) - 200;
    }
  }
  return out;
}

type Encoder = { getDecodedBuffer(info: object): Uint8Array; encode(): void; getEncodedBuffer(): Uint8Array; delete(): void };

async function encoderFor(encoding: SynthEncoding): Promise<(() => Encoder) | null> {
  if (encoding === 'jpeg-ls') {
    const m = await import('@cornerstonejs/codec-charls');
    const lib = (await m.default({ print: () => undefined, printErr: () => undefined })) as { JpegLSEncoder: new () => Encoder };
    return () => new lib.JpegLSEncoder();
  }
  if (encoding === 'jpeg-2000') {
    const m = await import('@cornerstonejs/codec-openjpeg');
    const lib = (await m.default({ print: () => undefined, printErr: () => undefined })) as { J2KEncoder: new () => Encoder };
    return () => new lib.J2KEncoder();
  }
  return null;
}

/** `tiltDegrees`: each slice shifted along the column direction as a tilted CT gantry does. */
export async function syntheticSeries(options: {
  slices: number;
  rows: number;
  cols: number;
  encoding?: SynthEncoding;
  tiltDegrees?: number;
}): Promise<ScanFile[]> {
  const { slices, rows, cols } = options;
  const shear = Math.tan(((options.tiltDegrees ?? 0) * Math.PI) / 180);
  const encoding = options.encoding ?? 'explicit-le';
  const encoder = await encoderFor(encoding);
  const syntax = SYNTAX[encoding];
  const series = `2.25.${Date.now()}1`;
  const files: ScanFile[] = [];
  for (let k = 0; k < slices; k++) {
    const pixels = new Uint8Array(phantomSlice(k, slices, rows, cols).buffer);
    let pixelData: Uint8Array = pixels;
    if (encoder) {
      const enc = encoder();
      enc.getDecodedBuffer({ width: cols, height: rows, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false }).set(pixels);
      enc.encode();
      pixelData = enc.getEncodedBuffer().slice();
      enc.delete();
    }
    const instance = `${series}.${k + 1}`;
    const meta = new Writer();
    meta.el(0x0002, 0x0001, 'OB', new Uint8Array([0, 1]));
    meta.el(0x0002, 0x0002, 'UI', '1.2.840.10008.5.1.4.1.1.4');
    meta.el(0x0002, 0x0003, 'UI', instance);
    meta.el(0x0002, 0x0010, 'UI', syntax);
    meta.el(0x0002, 0x0012, 'UI', '2.25.1');
    const w = new Writer();
    w.raw(new Uint8Array(128));
    w.raw(new TextEncoder().encode('DICM'));
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, meta.length, true);
    w.el(0x0002, 0x0000, 'UL', length);
    w.raw(meta.bytes());
    w.el(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.4');
    w.el(0x0008, 0x0018, 'UI', instance);
    w.el(0x0008, 0x0060, 'CS', 'MR');
    w.el(0x0008, 0x103e, 'LO', 'T1 MPRAGE bench');
    w.el(0x0010, 0x0010, 'PN', 'BENCH^PHANTOM');
    w.el(0x0010, 0x0020, 'LO', 'BENCH-0');
    w.el(0x0018, 0x0050, 'DS', '1');
    w.el(0x0020, 0x000e, 'UI', series);
    w.el(0x0020, 0x0011, 'IS', '2');
    w.el(0x0020, 0x0013, 'IS', String(k + 1));
    const z = k - slices / 2;
    w.el(0x0020, 0x0032, 'DS', `-120\\${(-120 + z * shear).toFixed(4)}\\${z.toFixed(1)}`);
    w.el(0x0020, 0x0037, 'DS', '1\\0\\0\\0\\1\\0');
    w.us(0x0028, 0x0002, 1);
    w.el(0x0028, 0x0004, 'CS', 'MONOCHROME2');
    w.us(0x0028, 0x0010, rows);
    w.us(0x0028, 0x0011, cols);
    w.el(0x0028, 0x0030, 'DS', '0.9375\\0.9375');
    w.us(0x0028, 0x0100, 16);
    w.us(0x0028, 0x0101, 16);
    w.us(0x0028, 0x0102, 15);
    w.us(0x0028, 0x0103, 1);
    if (!encoder) w.el(0x7fe0, 0x0010, 'OW', pixelData);
    else {
      // Encapsulated: undefined length, an empty offset table, one fragment, the sequence delimiter.
      w.u16(0x7fe0, 0x0010);
      w.raw(new TextEncoder().encode('OB'));
      w.u16(0);
      w.u32(0xffffffff);
      w.u16(0xfffe, 0xe000);
      w.u32(0);
      const even = pixelData.length % 2 ? new Uint8Array([...pixelData, 0]) : pixelData;
      w.u16(0xfffe, 0xe000);
      w.u32(even.length);
      w.raw(even);
      w.u16(0xfffe, 0xe0dd);
      w.u32(0);
    }
    files.push({ name: `IM${String((k * 7919) % 100003).padStart(6, '0')}`, bytes: w.bytes() });
  }
  return encoding === 'jpeg-lossless' ? ((await transcodeJpegLossless(files)) ?? []) : files;
}
