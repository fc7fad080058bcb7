/**
 * Series assembly: images grouped by SeriesInstanceUID and, for safety, by orientation, matrix
 * and echo (a 3-plane localizer shares one UID across three orientations); each series gets its
 * geometry checked without decoding a pixel, a one-line summary for the list, and a score that
 * picks the largest 3D T1-like series by default.
 */
import { message, type Message } from '../messages';
import { orientationCode } from '../nifti/orientation';
import { planeName, stackGeometry, type StackGeometry } from './geometry';
import type { DicomImage, FramePlane, PixelFormat } from './parse';

export interface DicomFrame {
  image: DicomImage;
  frame: number;
  plane: FramePlane;
}

export interface DicomSeries {
  summary: DicomSeriesSummary;
  frames: DicomFrame[];
  format: PixelFormat;
  /** Null when the series cannot be read as a volume (summary.problem says why). */
  geometry: StackGeometry | null;
}

export interface DicomSeriesSummary {
  /** Stable within one read: "1", "2", ... in the order of the list. */
  id: string;
  seriesNumber: number | null;
  description: string;
  modality: string;
  /** Number of slices (frames). */
  slices: number;
  rows: number;
  columns: number;
  /** "axial", "sagittal", "coronal" or "oblique ..." */
  plane: string;
  /** Axis code of the voxel grid in RAS terms (e.g. "LPS"); empty when there is no geometry. */
  orientation: string;
  /** mm along column, row, slice (slice: from the positions). */
  voxelSize: [number, number, number] | null;
  transferSyntax: string;
  t1Like: boolean;
  /** Why this series cannot be read (one sentence), or null when it can. */
  problem: string | null;
  /** The same in a few words, in any language (the page's series list), or null. */
  problemReason: Message | null;
}

const key = (im: DicomImage) =>
  [
    im.seriesUid || `no-uid:${im.seriesNumber ?? ''}:${im.seriesDescription}`,
    im.planes[0]!.rowCosine.map((v) => v.toFixed(3)).join(','),
    im.planes[0]!.columnCosine.map((v) => v.toFixed(3)).join(','),
    `${im.format.rows}x${im.format.columns}`,
    im.echoNumber ?? '',
    im.planes.length > 1 ? im.file : '', // an enhanced multi-frame file is a series of its own
  ].join('|');

const T1_WORDS = /t1|mprage|mp-rage|mp2rage|spgr|fspgr|bravo|tfl|tfe|ffe|flash|vibe|ir-?fspgr/i;
const NOT_T1_WORDS = /t2|flair|dwi|dti|diff|adc|trace|swi|pd\b|pdw|bold|fmri|asl|perf|loc|scout|survey|mip|map/i;

/** T1-like by name, or by timing: a short TR and TE (spoiled gradient echo / MPRAGE). */
function looksT1(im: DicomImage): boolean {
  const text = `${im.seriesDescription} ${im.protocolName}`;
  if (NOT_T1_WORDS.test(text)) return false;
  if (T1_WORDS.test(text)) return true;
  return im.repetitionTime !== null && im.echoTime !== null && im.repetitionTime < 3000 && im.echoTime < 10;
}

function seriesLabel(im: DicomImage): string {
  const name = im.seriesDescription || im.protocolName || 'unnamed';
  return `Series ${im.seriesNumber ?? '?'} (${name})`;
}

export function assembleSeries(images: readonly DicomImage[]): DicomSeries[] {
  const groups = new Map<string, DicomImage[]>();
  for (const im of images) {
    const k = key(im);
    const g = groups.get(k);
    if (g) g.push(im);
    else groups.set(k, [im]);
  }
  const list = [...groups.values()].sort((a, b) => (a[0]!.seriesNumber ?? 1e9) - (b[0]!.seriesNumber ?? 1e9) || b.length - a.length);
  return list.map((group, index) => {
    const first = group[0]!;
    const frames: DicomFrame[] = group.flatMap((image) => image.planes.map((plane, frame) => ({ image, frame, plane })));
    const label = seriesLabel(first);
    const format = first.format;
    let problem: string | null = null;
    let problemReason: Message | null = null;
    let geometry: StackGeometry | null = null;
    const unsupported = group.find((im) => !im.syntax.encoding);
    if (format.samplesPerPixel !== 1) {
      problem = `${label} is a colour image (${format.photometric}), not a grey-scale scan; choose an MR series.`;
      problemReason = message('dicom.reason.colour', 'a colour image');
    } else if (![8, 16, 32].includes(format.bitsAllocated)) {
      problem = `${label} has ${format.bitsAllocated}-bit pixels, which cannot be read as a scan.`;
      problemReason = message('dicom.reason.bits', `${format.bitsAllocated}-bit pixels`, { bits: format.bitsAllocated });
    } else if (unsupported) {
      problem = `${label} is stored as ${unsupported.syntax.name}, which this app cannot decode; export it uncompressed or as JPEG lossless, JPEG-LS or JPEG 2000.`;
      problemReason = message('dicom.reason.syntax', `stored as ${unsupported.syntax.name}, which is not decoded here`, { syntax: unsupported.syntax.name });
    }
    const stack = stackGeometry(
      frames.map((f) => f.plane),
      format.columns,
      format.rows,
      label,
    );
    if (stack.ok) geometry = stack.geometry;
    else if (!problem) {
      problem = stack.problem;
      problemReason = stack.reason;
    }
    const summary: DicomSeriesSummary = {
      id: String(index + 1),
      seriesNumber: first.seriesNumber,
      description: first.seriesDescription || first.protocolName,
      modality: first.modality,
      slices: frames.length,
      rows: format.rows,
      columns: format.columns,
      plane: planeName(first.planes[0]!),
      orientation: geometry ? orientationCode(geometry.affine) : '',
      voxelSize: geometry ? geometry.spacing : null,
      transferSyntax: first.syntax.name,
      t1Like: looksT1(first),
      problem,
      problemReason,
    };
    return { summary, frames: geometry ? geometry.order.map((i) => frames[i]!) : frames, format, geometry };
  });
}

/** The default: a readable series, T1-like first, then the most voxels. */
export function defaultSeries(series: readonly DicomSeries[]): DicomSeries | null {
  const readable = series.filter((s) => !s.summary.problem);
  const voxels = (s: DicomSeries) => s.summary.slices * s.summary.rows * s.summary.columns;
  readable.sort((a, b) => Number(b.summary.t1Like) - Number(a.summary.t1Like) || voxels(b) - voxels(a));
  return readable[0] ?? null;
}

/** One line per series, for the CLI's `info` and logs. */
export function describeSeries(s: DicomSeriesSummary): string {
  const size = s.voxelSize ? `, ${s.voxelSize.map((v) => v.toFixed(2)).join(' x ')} mm` : '';
  const what = `${s.columns} x ${s.rows} x ${s.slices}${size}, ${s.plane}${s.orientation ? ` (${s.orientation})` : ''}`;
  const flags = [s.modality, s.t1Like ? 'T1-like' : '', s.transferSyntax].filter(Boolean).join(', ');
  return `[${s.id}] series ${s.seriesNumber ?? '?'} "${s.description || 'unnamed'}": ${what}; ${flags}${s.problem ? ` — cannot be read: ${s.problem}` : ''}`;
}
