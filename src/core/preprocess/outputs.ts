/**
 * The raw-T1 stage's products as files, the same for the CLI and the page's exports:
 * mwp1.nii.gz, wm.nii.gz, csf.nii.gz (float32 on the 121x145x121 grid) and qc.json.
 */
import { writeNifti } from '../nifti';
import { CAT12_GRID } from '../volume/grid';
import type { PreprocessResult } from './index';

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/** The QC summary: volumes, figures, verdict and reasons (English), seconds per step, the label. */
export function qcSummary(r: PreprocessResult) {
  return {
    label: r.label.text,
    gm_ml: round(r.volumes.gm_ml, 1),
    wm_ml: round(r.volumes.wm_ml, 1),
    csf_ml: round(r.volumes.csf_ml, 1),
    tiv_ml: round(r.volumes.tiv_ml, 1),
    verdict: r.qc.verdict,
    reason: r.qc.reason.text,
    reasons: r.qc.reasons.map((m) => m.text),
    figures: Object.fromEntries(Object.entries(r.qc.figures).map(([k, v]) => [k, round(v)])),
    seconds: Object.fromEntries(Object.entries(r.seconds).map(([k, v]) => [k, round(v, 2)])),
    affine_template_to_scan: r.affine.map((x) => round(x, 5)),
  };
}

export interface NamedFile {
  name: string;
  bytes: Uint8Array;
}

/** The maps as NIfTI files (omitted for a scan that failed QC: only qc.json then). */
export function preprocessFiles(r: PreprocessResult): NamedFile[] {
  const qc = { name: 'qc.json', bytes: new TextEncoder().encode(JSON.stringify(qcSummary(r), null, 2) + '\n') };
  if (r.qc.verdict === 'fail') return [qc];
  const map = (name: string, data: Float32Array, description: string) => ({
    name,
    bytes: writeNifti({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data }, { datatype: 'float32', gzip: true, description }),
  });
  return [
    map('mwp1.nii.gz', r.gm, 'approximate CAT12-like mwp1 (relevance-viewer)'),
    map('wm.nii.gz', r.wm, 'approximate CAT12-like mwp2 (relevance-viewer)'),
    map('csf.nii.gz', r.csf, 'approximate CAT12-like mwp3 (relevance-viewer)'),
    qc,
  ];
}
