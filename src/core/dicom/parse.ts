/**
 * One DICOM file -> what series assembly needs: identity (series, description), pixel format,
 * the plane of every frame (classic: one; enhanced multi-frame: one per frame from the functional
 * groups) and access to each frame's stored bytes. Parsing is dicom-parser's; nothing is decoded here.
 */
// dicom-parser is a UMD bundle: under Node's ESM loader only its default export (module.exports) exists.
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { inflateSync } from 'fflate';
import { IMPLICIT_LITTLE_ENDIAN, transferSyntax, type TransferSyntax } from './syntax';
import type { Vec3 } from './geometry';

export interface FramePlane {
  /** ImagePositionPatient: LPS mm of the centre of the first transmitted pixel. */
  position: Vec3;
  /** Direction (LPS) in which the column index increases. */
  rowCosine: Vec3;
  /** Direction (LPS) in which the row index increases. */
  columnCosine: Vec3;
  /** PixelSpacing as stored: [between rows, between columns] (mm). */
  pixelSpacing: [number, number];
  slope: number;
  intercept: number;
}

export interface PixelFormat {
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  samplesPerPixel: number;
  photometric: string;
}

export interface DicomImage {
  file: string;
  sopClassUid: string;
  seriesUid: string;
  seriesNumber: number | null;
  seriesDescription: string;
  protocolName: string;
  modality: string;
  imageType: string[];
  /** "2D" or "3D" (MRAcquisitionType) when given. */
  acquisitionType: string;
  repetitionTime: number | null;
  echoTime: number | null;
  inversionTime: number | null;
  echoNumber: number | null;
  instanceNumber: number | null;
  patientName: string;
  patientId: string;
  syntax: TransferSyntax;
  format: PixelFormat;
  /** One per frame (enhanced multi-frame files have many). */
  planes: FramePlane[];
  /** The stored bytes of frame f: native samples, or one compressed codestream. */
  frameBytes(f: number): Uint8Array;
}

export type ParsedFile =
  | { kind: 'image'; image: DicomImage }
  /** DICOMDIR, structured reports, presentation states, screenshots without a position: skipped quietly. */
  | { kind: 'skipped'; file: string; why: 'dicomdir' | 'no-pixels' | 'no-geometry' }
  | { kind: 'not-dicom'; file: string }
  /** A DICOM file that cannot be used: one sentence why. */
  | { kind: 'broken'; file: string; message: string };

const DICOMDIR_CLASS = '1.2.840.10008.1.3.10';

/** Part 10 files carry "DICM" at byte 128; bare data sets (no preamble) start with a group 0002 or 0008 tag. */
export function looksLikeDicom(bytes: Uint8Array): boolean {
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) return true;
  return bytes.length >= 8 && (bytes[0] === 0x08 || bytes[0] === 0x02) && bytes[1] === 0x00 && bytes[3] === 0x00;
}

function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(bytes.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position));
  full.set(inflated, position);
  return full;
}

function parserMessage(e: unknown): string {
  const inner = (e as { exception?: unknown })?.exception ?? e;
  return inner instanceof Error ? inner.message : String(inner);
}

export function parseDicomFile(file: string, bytes: Uint8Array): ParsedFile {
  if (!looksLikeDicom(bytes)) return { kind: 'not-dicom', file };
  let ds: DataSet;
  try {
    const part10 = bytes.length >= 132 && bytes[128] === 0x44;
    ds = dicomParser.parseDicom(bytes, { inflater, ...(part10 ? {} : { TransferSyntaxUID: IMPLICIT_LITTLE_ENDIAN }) });
  } catch (e) {
    const why = parserMessage(e);
    const truncated = /overrun|overread|past end|end of buffer/i.test(why);
    return {
      kind: 'broken',
      file,
      message: truncated
        ? `${file} is truncated (its data ends before the elements it declares); copy or export it again.`
        : `${file} is not readable DICOM (${why.replace(/^dicomParser[.:\w]*:\s*/, '')}); export it again.`,
    };
  }
  try {
    return describeDataSet(file, ds);
  } catch (e) {
    // dicom-parser reads values lazily: an element whose length runs past the file throws here.
    return { kind: 'broken', file, message: `${file} is damaged (${parserMessage(e).replace(/^dicomParser[.:\w]*:\s*/, '')}); copy or export it again.` };
  }
}

function describeDataSet(file: string, ds: DataSet): ParsedFile {
  const mediaClass = ds.string('x00020002') ?? '';
  const sopClassUid = ds.string('x00080016') ?? mediaClass;
  if (mediaClass === DICOMDIR_CLASS || ds.elements.x00041220) return { kind: 'skipped', file, why: 'dicomdir' };
  const pixels = ds.elements.x7fe00010;
  if (!pixels) return { kind: 'skipped', file, why: 'no-pixels' };

  const syntax = transferSyntax(ds.string('x00020010') ?? IMPLICIT_LITTLE_ENDIAN);
  const format: PixelFormat = {
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    bitsAllocated: ds.uint16('x00280100') ?? 0,
    bitsStored: ds.uint16('x00280101') ?? ds.uint16('x00280100') ?? 0,
    signed: ds.uint16('x00280103') === 1,
    samplesPerPixel: ds.uint16('x00280002') ?? 1,
    photometric: (ds.string('x00280004') ?? 'MONOCHROME2').trim(),
  };
  if (!(format.rows > 0 && format.columns > 0)) {
    return { kind: 'broken', file, message: `${file} gives no image size (Rows/Columns); export it again.` };
  }
  const frames = Math.max(1, ds.intString('x00280008') ?? 1);
  const planes = framePlanes(ds, frames);
  if (!planes) return { kind: 'skipped', file, why: 'no-geometry' };

  const frameBytes = pixelAccess(ds, pixels, format, frames, syntax);
  if (typeof frameBytes === 'string') return { kind: 'broken', file, message: `${file} ${frameBytes}` };

  const str = (tag: string) => (ds.string(tag) ?? '').trim();
  const num = (tag: string) => {
    const v = ds.floatString(tag);
    return v !== undefined && Number.isFinite(v) ? v : null;
  };
  return {
    kind: 'image',
    image: {
      file,
      sopClassUid,
      seriesUid: str('x0020000e'),
      seriesNumber: ds.intString('x00200011') ?? null,
      seriesDescription: str('x0008103e'),
      protocolName: str('x00181030'),
      modality: str('x00080060'),
      imageType: (ds.string('x00080008') ?? '').split('\\').map((s) => s.trim().toUpperCase()),
      acquisitionType: str('x00180023').toUpperCase(),
      repetitionTime: num('x00180080'),
      echoTime: num('x00180081'),
      inversionTime: num('x00180082'),
      echoNumber: ds.intString('x00180086') ?? null,
      instanceNumber: ds.intString('x00200013') ?? null,
      patientName: str('x00100010').replace(/\^+/g, ' ').trim(),
      patientId: str('x00100020'),
      syntax,
      format,
      planes,
      frameBytes,
    },
  };
}

function floats(ds: DataSet | undefined, tag: string, n: number): number[] | null {
  if (!ds?.elements[tag]) return null;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = ds.floatString(tag, i);
    if (v === undefined || !Number.isFinite(v)) return null;
    out.push(v);
  }
  return out;
}

function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

/**
 * The plane of each frame. Classic images carry it at the top level; enhanced multi-frame images
 * in the per-frame functional groups (5200,9230), falling back to the shared ones (5200,9229).
 */
function framePlanes(ds: DataSet, frames: number): FramePlane[] | null {
  const perFrame = ds.elements.x52009230?.items;
  const shared = firstItem(ds, 'x52009229');
  const planes: FramePlane[] = [];
  for (let f = 0; f < frames; f++) {
    const own = perFrame?.[f]?.dataSet;
    const group = (tag: string) => firstItem(own, tag) ?? firstItem(shared, tag);
    const position = floats(group('x00209113'), 'x00200032', 3) ?? (f === 0 || !perFrame ? floats(ds, 'x00200032', 3) : null);
    const orientation = floats(group('x00209116'), 'x00200037', 6) ?? floats(ds, 'x00200037', 6);
    const spacing = floats(group('x00289110'), 'x00280030', 2) ?? floats(ds, 'x00280030', 2);
    if (!position || !orientation || !spacing) return null;
    if (frames > 1 && !perFrame) return null; // a multi-frame file without per-frame positions (e.g. a cine loop)
    const transform = group('x00289145');
    planes.push({
      position: position as Vec3,
      rowCosine: orientation.slice(0, 3) as Vec3,
      columnCosine: orientation.slice(3, 6) as Vec3,
      pixelSpacing: spacing as [number, number],
      slope: transform?.floatString('x00281053') ?? ds.floatString('x00281053') ?? 1,
      intercept: transform?.floatString('x00281052') ?? ds.floatString('x00281052') ?? 0,
    });
  }
  return planes;
}

/** Frame access, or the rest of a sentence saying why the pixel data cannot be used. */
function pixelAccess(ds: DataSet, pixels: Element, format: PixelFormat, frames: number, syntax: TransferSyntax): ((f: number) => Uint8Array) | string {
  const bytes = ds.byteArray as Uint8Array;
  if (!pixels.encapsulatedPixelData) {
    const frameLength = (format.rows * format.columns * format.samplesPerPixel * format.bitsAllocated) / 8;
    const available = Math.min(pixels.length, bytes.length - pixels.dataOffset);
    if (!Number.isInteger(frameLength) || frameLength <= 0) return `has ${format.bitsAllocated}-bit pixels, which cannot be read as a scan.`;
    if (available < frameLength * frames) {
      return `is truncated: its pixel data has ${Math.max(0, available)} of ${frameLength * frames} bytes; copy or export it again.`;
    }
    return (f) => bytes.subarray(pixels.dataOffset + f * frameLength, pixels.dataOffset + (f + 1) * frameLength);
  }
  const fragments = pixels.fragments ?? [];
  if (fragments.some((fr) => pixels.dataOffset + fr.offset + fr.length > bytes.length) || fragments.length === 0) {
    return 'is truncated: its compressed pixel data ends early; copy or export it again.';
  }
  // A syntax we cannot decode still yields the image: its series is listed, with the reason (series.ts).
  return (f) => {
    if (!syntax.encoding) throw new Error(`${syntax.name} is not decoded here`);
    if (frames === 1) return copyOf(readEncapsulated(ds, pixels, 0, fragments.length));
    if (pixels.basicOffsetTable?.length) return copyOf(dicomParserFrame(ds, pixels, f));
    if (fragments.length === frames) return copyOf(readEncapsulated(ds, pixels, f, 1));
    throw new Error('multi-frame compressed pixel data without an offset table');
  };
}

function readEncapsulated(ds: DataSet, el: Element, start: number, count: number): Uint8Array {
  return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, start, count) as Uint8Array;
}

function dicomParserFrame(ds: DataSet, el: Element, f: number): Uint8Array {
  return dicomParser.readEncapsulatedImageFrame(ds, el, f) as Uint8Array;
}

/** Decoders may keep or transfer what they get; a copy never aliases the whole file. */
function copyOf(a: Uint8Array): Uint8Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}
