/**
 * The participant level of `batch`: one task's share of the subjects, through the one pipeline,
 * written as BIDS derivatives. The model is loaded once per task (and only when there is work).
 * Idempotent and resumable: a subject whose sidecar exists is skipped; every file is written to a
 * temporary name and renamed; a failing subject is recorded under logs/ and the others go on.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULT_COVARIATES, type Covariates } from '../../core/analysis/residualize';
import { datasetDescription, failureFile, modelDisclaimer, subjectFiles, subjectSidecar, taskLogFile } from '../../core/cohort/derivatives';
import { shardOf, type Shard } from '../../core/cohort/shard';
import type { CohortSubject } from '../../core/cohort/subjects';
import { toTsv } from '../../core/cohort/tables';
import { hippocampalVolumeCm3 } from '../../core/cohort/volumes';
import { InputError } from '../../core/errors';
import type { MethodId } from '../../core/lrp/methods';
import type { PlanarExecutor } from '../../core/planar/executor';
import { writeNifti } from '../../core/nifti';
import type { Atlas } from '../../core/pipeline';
import { CAT12_GRID } from '../../core/volume/grid';
import { loadAtlasFromRepo, loadScan } from '../files';
import { loadPreprocessTemplatesNode } from '../preprocessAssetsNode';
import { qcJson } from '../preprocessOutputs';
import { REPO_ROOT } from '../loadModelNode';
import { inputPath, type Dataset } from './dataset';
import { removeStaleTemporaries, writeAtomic } from './fsio';
import type { BatchModel } from './modelNode';

export const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface ParticipantOptions {
  dataset: Dataset;
  outDir: string;
  shard: Shard;
  model?: string;
  method: MethodId;
  backend: string;
  threads: number;
  log: (line: string) => void;
}

interface Engine {
  model: BatchModel;
  atlas: Atlas;
  run: typeof import('../../core/pipeline').runPipeline;
  executor?: PlanarExecutor;
  engineName: string;
  tfjsBackend: string;
}

async function startTask(o: ParticipantOptions): Promise<Engine> {
  // Imported here, not at the top: --dry-run and the group level never load tfjs.
  const [{ runPipeline }, { startEngineNode }, { loadBatchModel }] = await Promise.all([
    import('../../core/pipeline'),
    import('../wasmEngineNode'),
    import('./modelNode'),
  ]);
  const engine = await startEngineNode(o.backend, o.threads);
  const [model, atlas] = await Promise.all([loadBatchModel(o.model), loadAtlasFromRepo()]);
  for (const n of model.notices) o.log(`note: ${n}`);
  const executor = await engine.executorFor(model.model);
  return { model, atlas, run: runPipeline, ...(executor ? { executor } : {}), engineName: engine.name, tfjsBackend: engine.tfjsBackend };
}

function recordFailure(o: ParticipantOptions, s: CohortSubject, reason: string): void {
  writeAtomic(join(o.outDir, failureFile(s.key)), JSON.stringify({ subject: s.key, input: s.input?.path ?? null, reason }, null, 2) + '\n');
  o.log(`failed ${s.key}: ${reason}`);
}

async function analyseSubject(o: ParticipantOptions, e: Engine, s: CohortSubject): Promise<void> {
  const input = s.input!;
  const files = subjectFiles(s);
  const out = (rel: string) => join(o.outDir, rel);
  // A raw T1 (NIfTI or a DICOM folder) goes through the raw-T1 stage first, as in `analyze`: its
  // measured TIV replaces the given one; a scan that fails its QC is recorded as failed.
  const result = await e.run(await loadScan(inputPath(o.dataset, input.path)), {
    preprocess: { templates: loadPreprocessTemplatesNode(), mode: 'auto' },
    bundle: e.model.bundle,
    method: o.method,
    atlas: e.atlas,
    ...(e.executor ? { executor: e.executor } : {}),
    // Missing covariates take the app's defaults; a model that takes raw maps ignores them.
    covariates: { ...DEFAULT_COVARIATES, ...s.covariates },
  });
  const covariatesUsed: Covariates | null = result.residualizedWith ?? null;
  const onGrid = (data: Float32Array) => ({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data });
  const regions = result.regions!;
  removeStaleTemporaries(out(files.dir));
  writeAtomic(out(files.relevance), writeNifti(onGrid(result.relevance), { datatype: 'float32', gzip: true, description: `relevance ${o.method}` }));
  writeAtomic(out(files.input), writeNifti(onGrid(result.input), { datatype: 'float32', gzip: true, description: 'model input on the grid' }));
  writeAtomic(
    out(files.regions),
    toTsv(
      ['region', 'index', 'hemisphere', 'voxels', 'positive_sum', 'negative_sum'],
      regions.regions.map((r) => [r.name, r.index, r.hemisphere, r.voxels, r.positiveSum, r.negativeSum]),
    ),
  );
  const measured = s.hippocampalVolume === undefined;
  const sidecar = subjectSidecar({
    subject: s,
    source: input.path,
    sourceIsBids: o.dataset.kind === 'bids',
    inputKind: input.kind,
    model: { id: e.model.label, sha256: e.model.sha256 },
    method: o.method,
    neuron: result.neuron,
    engine: result.engine === 'tfjs' ? `tfjs-${e.tfjsBackend}` : result.engine,
    probability: result.probability,
    logits: result.logits,
    temperature: result.calibration.temperature,
    covariatesUsed,
    hippocampalVolume: measured ? hippocampalVolumeCm3(result.grid, e.atlas.labels, e.atlas.regions) : s.hippocampalVolume!,
    hippocampalVolumeSource: measured ? 'gm-map' : 'participants',
    lobes: regions.lobes,
    scanKind: result.gate.scanClass,
    notices: result.notices.map((n) => n.text),
    // Without the stage's seconds: a sidecar is the same bytes in every run (resume, SLURM vs one process).
    ...(result.preprocessed ? { preprocess: { ...qcJson(result.preprocessed), seconds: undefined } } : {}),
    modelDisclaimer: modelDisclaimer(e.model.provenance),
  });
  // The sidecar last: its presence marks the subject finished.
  writeAtomic(out(files.sidecar), JSON.stringify(sidecar, null, 2) + '\n');
  rmSync(out(failureFile(s.key)), { force: true });
  o.log(
    `done ${s.key}: P(AD) = ${(result.probability * 100).toFixed(1)}%${result.notices.length ? ` (QC: ${result.notices.map((n) => n.text).join('; ')})` : ''}`,
  );
}

export interface TaskSummary {
  subjects: number;
  analysed: number;
  skipped: number;
  failed: number;
}

export async function runParticipantLevel(o: ParticipantOptions): Promise<TaskSummary> {
  const t0 = performance.now();
  const mine = shardOf(o.dataset.subjects, o.shard);
  const description = join(o.outDir, 'dataset_description.json');
  if (!existsSync(description)) {
    const link = relative(o.outDir, o.dataset.kind === 'bids' ? o.dataset.root : o.dataset.source) || '.';
    writeAtomic(description, JSON.stringify(datasetDescription(VERSION, { name: o.dataset.name, link, bids: o.dataset.kind === 'bids' }), null, 2) + '\n');
  }
  const { modelSha256 } = await import('./modelNode');
  const sha256 = modelSha256(o.model);
  const todo = mine.filter((s) => {
    const sidecar = join(o.outDir, subjectFiles(s).sidecar);
    if (!existsSync(sidecar)) return true;
    // Skipping is only right for results of this very model and method.
    const earlier = JSON.parse(readFileSync(sidecar, 'utf8')) as { Model: { Id: string; SHA256: string }; Method: string };
    if (earlier.Model.SHA256 !== sha256 || earlier.Method !== o.method) {
      throw new InputError(
        `${o.outDir} holds results of another model or method (${s.key}: ${earlier.Model.Id}, ${earlier.Method}); give a new output folder.`,
      );
    }
    o.log(`skip ${s.key}: finished earlier`);
    return false;
  });
  const summary: TaskSummary = { subjects: mine.length, analysed: 0, skipped: mine.length - todo.length, failed: 0 };
  o.log(`task ${o.shard.index}/${o.shard.count}: ${mine.length} subjects, ${todo.length} to do`);
  let engine: Engine | undefined;
  let startup = 0,
    working = 0;
  try {
    for (const s of todo) {
      if (!s.input) {
        recordFailure(o, s, s.problem ?? `no input found for ${s.key}`);
        summary.failed++;
        continue;
      }
      if (!engine) {
        const ts = performance.now();
        engine = await startTask(o);
        startup = (performance.now() - ts) / 1000;
        o.log(`model loaded once for this task: ${engine.model.label} (sha256 ${engine.model.sha256.slice(0, 12)}), ${engine.engineName}`);
      }
      const ts = performance.now();
      try {
        await analyseSubject(o, engine, s);
        summary.analysed++;
      } catch (err) {
        // One subject's failure is recorded; the others go on.
        const reason = err instanceof InputError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
        if (!(err instanceof InputError) && process.env.RV_DEBUG) console.error(err);
        recordFailure(o, s, reason);
        summary.failed++;
      }
      working += (performance.now() - ts) / 1000;
    }
  } finally {
    engine?.executor?.dispose();
    engine?.model.model.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  writeAtomic(
    join(o.outDir, taskLogFile(o.shard.index, o.shard.count)),
    JSON.stringify(
      {
        ...summary,
        seconds,
        startupSeconds: startup,
        secondsPerSubject: summary.analysed ? working / summary.analysed : null,
        peakRssMb,
      },
      null,
      2,
    ) + '\n',
  );
  o.log(
    `task ${o.shard.index}/${o.shard.count} finished: ${summary.analysed} analysed, ${summary.skipped} skipped, ${summary.failed} failed in ${seconds.toFixed(1)} s, peak RSS ${peakRssMb} MB`,
  );
  return summary;
}
