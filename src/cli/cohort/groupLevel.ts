/**
 * The group level of `batch`: reads every participant output (in subject order, so any run of
 * the participant level gives the same bytes here), and writes the subjects table, the statistics,
 * group-mean and group-difference maps on the grid, and the self-contained HTML report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failureFile, GROUP_DIR, SPACE, subjectFiles } from '../../core/cohort/derivatives';
import { differenceMap, groupSummary, MeanMap, type SubjectRow } from '../../core/cohort/group';
import { encodePngRgb } from '../../core/cohort/png';
import { reportHtml, type ReportMapImage } from '../../core/cohort/report';
import { robustScale, sliceRgb, type Plane } from '../../core/cohort/slices';
import { BOOTSTRAP_SEED } from '../../core/cohort/stats';
import { toTsv } from '../../core/cohort/tables';
import { InputError } from '../../core/errors';
import { readNifti, writeNifti } from '../../core/nifti';
import { CAT12_GRID } from '../../core/volume/grid';
import type { Dataset } from './dataset';
import { writeAtomic } from './fsio';
import { VERSION } from './participant';

interface Sidecar {
  InputKind: string;
  Model: { Id: string; SHA256: string; Note: string };
  Method: string;
  Engine: string;
  Probability: number;
  Group: string | null;
  HippocampusRelevance: number;
  HippocampalVolume: number;
  LobeScores: Record<string, { PositiveSum: number }>;
  QC: { Verdict: string; Notices: string[] };
}

export interface GroupOptions {
  dataset: Dataset;
  outDir: string;
  seed?: number;
  resamples?: number;
  log: (line: string) => void;
}

const VOXELS = CAT12_GRID.dims[0] * CAT12_GRID.dims[1] * CAT12_GRID.dims[2];
const PLANES: Plane[] = ['axial', 'coronal', 'sagittal'];
/** The mean model input under the report's slices is taken over the first this many analysed subjects. */
const BACKGROUND_SUBJECTS = 100;
/** Group names become parts of BIDS file names: letters and digits only. */
const label = (g: string) => g.replace(/[^A-Za-z0-9]/g, '');

function readMap(path: string): Float32Array {
  const v = readNifti(readFileSync(path)).volume;
  if (v.data.length !== VOXELS) throw new InputError(`${path} is not on the ${CAT12_GRID.dims.join('x')} grid; rerun the participant level for it.`);
  return v.data;
}

export function runGroupLevel(o: GroupOptions): { analysed: number; failed: number; missing: number } {
  const rows: (SubjectRow & { inputKind: string; verdict: string })[] = [];
  const failures: { key: string; reason: string }[] = [];
  const missing: string[] = [];
  const table: (string | number | undefined)[][] = [];
  const means = new Map<string, MeanMap>();
  const meanInput = new MeanMap(VOXELS);
  let first: Sidecar | undefined;
  // The hippocampus has its own column (hippocampus_relevance).
  const lobeKeys = ['temporal', 'frontal', 'parietal', 'occipital', 'insulaCingulate', 'basalGanglia', 'cerebellum', 'wholeBrain'];
  for (const s of o.dataset.subjects) {
    const files = subjectFiles(s);
    const sidecarPath = join(o.outDir, files.sidecar);
    const sex = s.covariates.sex === 1 ? 'F' : s.covariates.sex === 0 ? 'M' : undefined; // BIDS participants.tsv spelling
    const base = [`sub-${s.id}`, s.session, s.group, s.covariates.age, sex, s.covariates.tiv, s.covariates.field];
    if (existsSync(sidecarPath)) {
      const c = JSON.parse(readFileSync(sidecarPath, 'utf8')) as Sidecar;
      first ??= c;
      if (c.Model.SHA256 !== first.Model.SHA256 || c.Method !== first.Method) {
        // Group statistics over different models or methods would compare unlike numbers.
        throw new InputError(
          `${s.key} was analysed with ${c.Model.Id} (${c.Method}), earlier subjects with ${first.Model.Id} (${first.Method}); use one output folder per model and method.`,
        );
      }
      const group = c.Group ?? undefined;
      rows.push({
        key: s.key,
        ...(group ? { group } : {}),
        probability: c.Probability,
        hippocampusRelevance: c.HippocampusRelevance,
        hippocampalVolume: c.HippocampalVolume,
        inputKind: c.InputKind,
        verdict: c.QC.Verdict,
      });
      table.push([
        ...base,
        'ok',
        c.InputKind,
        c.QC.Verdict,
        c.Probability,
        c.HippocampusRelevance,
        c.HippocampalVolume,
        ...lobeKeys.map((k) => c.LobeScores[k]?.PositiveSum),
        c.QC.Notices.join('; ') || undefined,
      ]);
      if (group) {
        if (!means.has(group)) means.set(group, new MeanMap(VOXELS));
        means.get(group)!.add(readMap(join(o.outDir, files.relevance)));
      }
      // The report's grey background needs no more than a sample of inputs (reading maps is the group level's cost).
      if (meanInput.count < BACKGROUND_SUBJECTS) meanInput.add(readMap(join(o.outDir, files.input)));
    } else if (existsSync(join(o.outDir, failureFile(s.key)))) {
      const f = JSON.parse(readFileSync(join(o.outDir, failureFile(s.key)), 'utf8')) as { reason: string };
      failures.push({ key: s.key, reason: f.reason });
      table.push([...base, 'failed', s.input?.kind, undefined, undefined, undefined, undefined, ...lobeKeys.map(() => undefined), f.reason]);
    } else {
      missing.push(s.key);
      table.push([
        ...base,
        'missing',
        s.input?.kind,
        undefined,
        undefined,
        undefined,
        undefined,
        ...lobeKeys.map(() => undefined),
        'no result yet: rerun the participant level',
      ]);
    }
  }
  if (!rows.length) throw new InputError(`No participant results in ${o.outDir}; run "batch <bids_dir> ${o.outDir} participant" first.`);
  const dir = join(o.outDir, GROUP_DIR);
  const summary = groupSummary(rows, { ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.resamples !== undefined ? { resamples: o.resamples } : {}) });

  writeAtomic(
    join(dir, 'subjects.tsv'),
    toTsv(
      [
        'participant_id',
        'session',
        'group',
        'age',
        'sex',
        'tiv',
        'field',
        'status',
        'input_kind',
        'qc',
        'probability_ad',
        'hippocampus_relevance',
        'hippocampal_volume_cm3',
        ...lobeKeys.map((k) => `relevance_${k}`),
        'notes',
      ],
      table,
    ),
  );
  writeAtomic(
    join(dir, 'auc.tsv'),
    toTsv(
      ['negative', 'positive', 'n_negative', 'n_positive', 'auc', 'ci_low', 'ci_high', 'resamples'],
      summary.pairs.map((p) => [p.negative, p.positive, p.nNegative, p.nPositive, p.auc.estimate, p.auc.lo, p.auc.hi, p.auc.resamples]),
    ),
  );
  writeAtomic(
    join(dir, 'statistics.json'),
    JSON.stringify(
      {
        ...summary,
        failed: failures.length,
        missing: missing.length,
        bootstrapSeed: o.seed ?? BOOTSTRAP_SEED,
        note: 'AUC of P(AD) per group pair with a stratified percentile bootstrap interval (seeded); r with a Fisher-z interval.',
      },
      null,
      2,
    ) + '\n',
  );

  const nifti = (data: Float32Array, description: string) =>
    writeNifti({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data }, { datatype: 'float32', gzip: true, description });
  const background = meanInput.mean();
  const backgroundFile = `space-${SPACE}_desc-meaninput_probseg.nii.gz`;
  writeAtomic(join(dir, backgroundFile), nifti(background, `mean model input of ${meanInput.count} subjects`));
  const groupMeans = new Map<string, Float32Array>();
  const images: ReportMapImage[] = [];
  const picture = (labelText: string, file: string, map: Float32Array, scale: number) => {
    writeAtomic(join(dir, file), nifti(map, labelText.slice(0, 79)));
    images.push({
      label: labelText,
      file,
      slices: PLANES.map((plane) => {
        const { rgb, width, height } = sliceRgb(map, background, plane, undefined, scale);
        return { plane, png: encodePngRgb(rgb, width, height) };
      }),
    });
  };
  for (const g of summary.groups.map((x) => x.group)) groupMeans.set(g, means.get(g)!.mean());
  // One colour scale for all group means, so the groups can be compared by eye.
  const meanScale = Math.max(...[...groupMeans.values()].map(robustScale));
  for (const [g, m] of groupMeans)
    picture(`Mean relevance, ${g} (n = ${means.get(g)!.count})`, `group-${label(g)}_space-${SPACE}_desc-meanrelevance_statmap.nii.gz`, m, meanScale);
  for (const p of summary.pairs) {
    const d = differenceMap(groupMeans.get(p.positive)!, groupMeans.get(p.negative)!);
    picture(
      `Mean relevance ${p.positive} minus ${p.negative}`,
      `contrast-${label(p.positive)}vs${label(p.negative)}_space-${SPACE}_desc-relevancedifference_statmap.nii.gz`,
      d,
      robustScale(d),
    );
  }
  writeAtomic(
    join(dir, 'report.html'),
    reportHtml({
      title: `Relevance of ${rows.length} subjects: group report`,
      version: `relevance-viewer ${VERSION}`,
      model: { id: first!.Model.Id, sha256: first!.Model.SHA256, disclaimer: first!.Model.Note },
      method: first!.Method,
      engine: first!.Engine,
      summary,
      rows,
      failures,
      missing,
      maps: images,
    }),
  );
  o.log(`group: ${rows.length} analysed, ${failures.length} failed, ${missing.length} missing -> ${dir}`);
  for (const p of summary.pairs) o.log(`  AUC ${p.positive} vs ${p.negative} = ${p.auc.estimate.toFixed(3)} [${p.auc.lo.toFixed(3)}, ${p.auc.hi.toFixed(3)}]`);
  o.log(
    `  r(hippocampus relevance, hippocampal volume) = ${summary.correlation.estimate.toFixed(3)} [${summary.correlation.lo.toFixed(3)}, ${summary.correlation.hi.toFixed(3)}]`,
  );
  return { analysed: rows.length, failed: failures.length, missing: missing.length };
}
