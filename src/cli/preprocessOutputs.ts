/** What the CLI writes for the raw-T1 stage: mwp1.nii.gz, wm.nii.gz and qc.json (preprocess), QC in result.json (analyze). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeNifti } from '../core/nifti';
import type { PreprocessResult } from '../core/preprocess';
import { CAT12_GRID } from '../core/volume/grid';

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/** The QC summary: volumes, figures, verdict and reasons (English), seconds per step, the label. */
export function qcJson(r: PreprocessResult) {
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

export async function writePreprocessOutputs(dir: string, r: PreprocessResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  const onGrid = (data: Float32Array) => ({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data });
  await writeFile(join(dir, 'mwp1.nii.gz'), writeNifti(onGrid(r.gm), { datatype: 'float32', gzip: true, description: 'approximate CAT12-like mwp1 (relevance-viewer)' }));
  await writeFile(join(dir, 'wm.nii.gz'), writeNifti(onGrid(r.wm), { datatype: 'float32', gzip: true, description: 'approximate CAT12-like mwp2 (relevance-viewer)' }));
  await writeFile(join(dir, 'qc.json'), JSON.stringify(qcJson(r), null, 2) + '\n');
}
