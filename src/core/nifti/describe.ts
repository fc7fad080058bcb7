/**
 * Human-readable summary of a read NIfTI image, one fact per line ("key: value"). Hosts print
 * it as is (CLI `info`) and may append lines of their own (e.g. a guess of the scan kind).
 */
import type { Mat4 } from '../volume/types';
import { orientationCode } from './orientation';
import type { NiftiImage } from './read';

const XFORM_NAMES: Record<number, string> = { 1: 'scanner', 2: 'aligned', 3: 'talairach', 4: 'mni_152', 5: 'template' };

/** Up to 6 significant digits, no trailing zeros, no "-0". */
export function formatNumber(x: number): string {
  if (Object.is(x, -0) || x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  const s = Math.abs(x) >= 1e6 || Math.abs(x) < 1e-4 ? x.toExponential(5) : x.toPrecision(6);
  return s.includes('e') ? s.replace(/\.?0+e/, 'e') : s.replace(/\.?0+$/, '');
}

function affineRows(affine: Mat4): string[] {
  const cells = affine.slice(0, 12).map(formatNumber);
  const width = Math.max(...cells.map((c) => c.length));
  return [0, 1, 2].map(
    (r) =>
      `  [ ${cells
        .slice(4 * r, 4 * r + 4)
        .map((c) => c.padStart(width))
        .join('  ')} ]`,
  );
}

function xformName(code: number): string {
  return `code ${code}${XFORM_NAMES[code] ? ` ${XFORM_NAMES[code]}` : ''}`;
}

function scalingText(slope: number, inter: number): string {
  const finiteInter = Number.isFinite(inter) ? inter : 0; // the reader uses 0 then (and says so)
  const sign = finiteInter < 0 ? '-' : '+';
  return `value = stored * ${formatNumber(slope)} ${sign} ${formatNumber(Math.abs(finiteInter))}`;
}

export function describeScan(image: NiftiImage): string[] {
  const h = image.header;
  const [nx, ny, nz] = image.volume.dims;
  const extra = h.nVolumes > 1 ? ` (x ${h.nVolumes} volumes; the first is used)` : '';
  const code = h.affineSource === 'sform' ? h.sformCode : h.qformCode;
  const other = h.affineSource === 'sform' ? `qform ${xformName(h.qformCode)}` : `sform ${xformName(h.sformCode)}`;
  return [
    `format: NIfTI-${h.version}${h.gzipped ? ', gzip-compressed' : ''}`,
    `dims: ${nx} x ${ny} x ${nz}${extra}`,
    `voxel size: ${h.voxelSize.map(formatNumber).join(' x ')} mm`,
    `orientation: ${orientationCode(image.volume.affine)}`,
    `datatype: ${h.datatype}`,
    `byte order: ${h.littleEndian ? 'little-endian' : 'big-endian'}`,
    `affine: ${h.affineSource} (${xformName(code)}; ${other})`,
    ...affineRows(image.volume.affine),
    `scaling: ${h.scaled ? scalingText(h.sclSlope, h.sclInter) : 'none'}`,
    ...(h.description ? [`description: ${h.description}`] : []),
    ...image.notices.map((n) => `notice: ${n.text}`),
  ];
}
