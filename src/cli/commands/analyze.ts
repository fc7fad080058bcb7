/**
 * analyze <scan>... --out <dir> [--model <dir|model.json|file.h5|seeded>] [--method <name>]
 *         [--backend wasm-simd|cpu|wasm] [--threads N] [--neuron 1] [--scaling fixed|adaptive]
 *         [--age Y --sex F|M --tiv ML --field T | --covariates <file.csv>]
 *         [--compare <model> [--compare-method <name>] | --average <model> ... | --ensemble <fold model> ...]
 *
 * Runs the one pipeline on each scan and writes result.json, relevance.nii.gz (raw, on the grid),
 * input.nii.gz (what the model saw, on the grid) and regions.csv — in <dir> for one scan, in
 * <dir>/<scan name>/ for several. The models are loaded once. A model with a covariate model sees
 * residuals, as on the page. A fold ensemble (--model the first fold, --ensemble the others) also
 * writes fold_spread.nii.gz: the per-voxel SD of the raw relevance across the folds.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../../core/errors';
import { METHODS, unknownMethodMessage, type MethodId } from '../../core/lrp/registry';
import { writeNifti } from '../../core/nifti';
import { runPipeline, type PipelineCombination, type PipelineOutput } from '../../core/pipeline';
import { regionsCsv } from '../../core/analysis/tables';
import { covariatesFromFields, parseCovariatesCsv } from '../../core/analysis/covariatesInput';
import type { Covariates } from '../../core/analysis/residualize';
import type { DisplayOptions } from '../../core/analysis/scale';
import type { ModelBundle } from '../../core/model/bundle';
import { CAT12_GRID } from '../../core/volume/grid';
import { loadAtlasFromRepo, loadScan, parseOptions, scanStem } from '../files';
import type { PreprocessMode } from '../../core/preprocess/hook';
import { loadPreprocessTemplatesNode } from '../preprocessAssetsNode';
import { qcJson } from '../preprocessOutputs';
import { resolveModel } from '../loadModelNode';
import { startEngineNode } from '../wasmEngineNode';

const USAGE = `usage: relevance-viewer analyze <scan.nii[.gz] | DICOM folder | zip>... --out <dir> [--series <id>] [--model <dir|model.json|file.h5|seeded>]
       [--method ${METHODS.map((m) => m.id).join('|')}] [--backend wasm-simd|cpu|wasm] [--threads N]
       [--neuron 1] [--scaling fixed|adaptive] [--preprocess auto|always|never]
       [--age <years> --sex F|M --tiv <ml> --field <tesla> | --covariates <file.csv>]
       [--compare <model> [--compare-method <name>] | --average <model> [--average <model> ...] | --ensemble <fold model> ...]
  --backend     wasm-simd (default): hand-written WebAssembly SIMD kernels; cpu, wasm: tfjs backends
  --threads     convolution threads for wasm-simd (default 1)
  --scaling     display scaling of the map (default: the model's own)
  --preprocess  raw T1 scans: make an approximate CAT12-like GM map first (auto: when the scan looks
                like a raw T1); the QC figures go into result.json; a scan failing QC is not analyzed
  --age ...     covariates of a model that residualizes its input (one scan; defaults 73, 0.5, 1400, 3)
  --covariates  a CSV with columns id,age,sex,tiv,field; id = the scan's file name without extension
  --compare     the difference map: this analysis minus the same scan with <model> (and --compare-method)
  --average     the mean over --model and each --average model
  --ensemble    a fold ensemble: the mean over --model (a fold) and each --ensemble fold, plus fold_spread.nii.gz
`;

export { scanStem };

function resultJson(out: PipelineOutput, scanPath: string, backend: string) {
  return {
    scan: scanPath,
    probability: out.probability,
    logits: out.logits,
    probabilities: out.probabilities,
    method: out.method,
    neuron: out.neuron,
    model: out.modelLabel,
    backend,
    input_gate: { class: out.gate.scanClass, verdict: out.gate.verdict, warnings: out.gate.reasons.map((r) => r.text), figures: out.gate.figures },
    covariates: out.residualizedWith ?? null,
    calibration: out.calibration,
    display: out.displayOptions,
    combination: out.combination ?? null,
    fold_spread: out.spread ? { folds: out.spread.folds, file: 'fold_spread.nii.gz', map: 'per-voxel sample SD of the raw relevance across the folds' } : null,
    notices: [...out.notices.map((n) => n.text), ...out.engineNotices],
    timings_ms: Object.fromEntries(Object.entries(out.timings).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    hippocampus_relevance: out.regions?.lobes.find((l) => l.key === 'hippocampus')?.positiveSum,
    ...(out.preprocessed ? { preprocess: qcJson(out.preprocessed) } : {}),
    note: "Relevance explains the model's output; it is not a diagnosis.",
  };
}

function checkMethod(method: string, option: string): MethodId {
  const unknown = unknownMethodMessage(method);
  if (unknown) throw new InputError(`${option}: ${unknown}`);
  return method as MethodId;
}

/** Per scan: the covariates of its CSV row, else those of --age/--sex/--tiv/--field, else none (defaults). */
async function covariatesSource(values: Record<string, unknown>, scans: string[]): Promise<(scan: string) => Covariates | undefined> {
  const fields = { age: values.age, sex: values.sex, tiv: values.tiv, field: values.field } as Record<string, string | undefined>;
  const anyField = Object.values(fields).some((v) => v !== undefined);
  if (typeof values.covariates === 'string') {
    if (anyField) throw new InputError('Give either --covariates <file.csv> or --age/--sex/--tiv/--field, not both.');
    let text: string;
    try {
      text = await readFile(values.covariates, 'utf8');
    } catch (e) {
      throw new InputError(`Cannot read ${values.covariates} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the path.`);
    }
    const table = parseCovariatesCsv(text, basename(values.covariates));
    return (scan) => {
      const row = table.get(scanStem(scan));
      if (!row) throw new InputError(`${basename(values.covariates as string)} has no row with id "${scanStem(scan)}" for ${scan}; add one.`);
      return row;
    };
  }
  if (!anyField) return () => undefined;
  if (scans.length > 1) throw new InputError('--age/--sex/--tiv/--field describe one scan; for several give --covariates <file.csv>.');
  const one = covariatesFromFields(fields, 'analyze');
  return () => one;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('analyze', args, {
    out: { type: 'string', short: 'o' },
    model: { type: 'string' },
    method: { type: 'string', default: 'paper' },
    backend: { type: 'string', default: 'wasm-simd' },
    threads: { type: 'string', default: '1' },
    neuron: { type: 'string', default: '1' },
    scaling: { type: 'string' },
    series: { type: 'string' },
    age: { type: 'string' },
    sex: { type: 'string' },
    tiv: { type: 'string' },
    field: { type: 'string' },
    covariates: { type: 'string' },
    compare: { type: 'string' },
    'compare-method': { type: 'string' },
    average: { type: 'string', multiple: true },
    ensemble: { type: 'string', multiple: true },
    preprocess: { type: 'string', default: 'auto' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length === 0 || !values.out) throw new InputError('analyze needs at least one scan and --out <dir>; run "relevance-viewer analyze --help".');
  const method = checkMethod(values.method!, '--method');
  const compareMethod = values['compare-method'] !== undefined ? checkMethod(values['compare-method'], '--compare-method') : undefined;
  if (compareMethod && values.compare === undefined) throw new InputError('--compare-method needs --compare <model> (give the same model for two methods).');
  if ([values.compare !== undefined, !!values.average, !!values.ensemble].filter(Boolean).length > 1) {
    throw new InputError('Give one of --compare, --average and --ensemble, not several.');
  }
  const neuron = Number(values.neuron);
  if (!Number.isInteger(neuron) || neuron < 0) throw new InputError(`--neuron must be a non-negative integer, not "${values.neuron}".`);
  if (values.scaling !== undefined && values.scaling !== 'fixed' && values.scaling !== 'adaptive') {
    throw new InputError(`--scaling must be fixed or adaptive, not "${values.scaling}".`);
  }
  const covariatesOf = await covariatesSource(values, positionals);
  const mode = values.preprocess as PreprocessMode;
  if (!['auto', 'always', 'never'].includes(mode)) throw new InputError(`--preprocess must be auto, always or never, not "${values.preprocess}".`);
  const preprocess = mode === 'never' ? undefined : { templates: loadPreprocessTemplatesNode(), mode };

  const engine = await startEngineNode(values.backend!, Number(values.threads));
  const primary = await resolveModel(values.model);
  const extra = await Promise.all(
    [...(values.average ?? []), ...(values.ensemble ?? []), ...(values.compare !== undefined ? [values.compare] : [])].map(resolveModel),
  );
  const all = [primary, ...extra];
  for (const n of all.flatMap((m) => m.notices)) process.stderr.write(`note: ${n}\n`);
  const bundles: ModelBundle[] = all.map((m) => m.bundle);
  const combine: PipelineCombination | undefined = values.average
    ? { kind: 'average', others: bundles.slice(1) }
    : values.ensemble
      ? { kind: 'ensemble', others: bundles.slice(1) }
      : values.compare !== undefined
        ? { kind: 'difference', other: bundles[1]!, method: compareMethod }
        : undefined;
  const executors = new Map(await Promise.all(bundles.map(async (b) => [b.model, await engine.executorFor(b.model)] as const)));
  const display: DisplayOptions | undefined = values.scaling ? { ...primary.bundle.display, scaling: values.scaling as DisplayOptions['scaling'] } : undefined;
  const atlas = await loadAtlasFromRepo();
  let failures = 0;
  try {
    for (const scanPath of positionals) {
      const dir = positionals.length === 1 ? values.out : join(values.out, scanStem(scanPath));
      try {
        const out = await runPipeline(await loadScan(scanPath, { series: values.series }), {
          bundle: primary.bundle,
          method,
          neuron,
          atlas,
          display,
          combine,
          covariates: covariatesOf(scanPath),
          executorFor: async (model) => executors.get(model),
          preprocess,
        });
        for (const n of [...out.notices.map((m) => m.text), ...out.engineNotices]) process.stderr.write(`note (${basename(scanPath)}): ${n}\n`);
        for (const w of out.gate.reasons) process.stderr.write(`warning (${basename(scanPath)}): ${w.text}\n`);
        if (covariatesOf(scanPath) && !out.residualizedWith) {
          process.stderr.write(`note (${basename(scanPath)}): the model takes raw gray-matter maps; the covariates given were not used.\n`);
        }
        await mkdir(dir, { recursive: true });
        const onGrid = (data: Float32Array) => ({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data });
        await writeFile(
          join(dir, 'result.json'),
          JSON.stringify(resultJson(out, scanPath, out.engine === 'tfjs' ? engine.tfjsBackend : out.engine), null, 2) + '\n',
        );
        await writeFile(
          join(dir, 'relevance.nii.gz'),
          writeNifti(onGrid(out.relevance), { datatype: 'float32', gzip: true, description: `relevance ${method}` }),
        );
        if (out.spread) {
          const models = out.combination!.members.map((m) => m.modelLabel);
          await writeFile(
            join(dir, 'fold_spread.nii.gz'),
            writeNifti(onGrid(out.spread.relevance), {
              datatype: 'float32',
              gzip: true,
              description: `SD of relevance ${method} across ${out.spread.folds} folds`,
              comment: JSON.stringify({ map: 'per-voxel sample SD of the raw relevance across the folds', models }),
            }),
          );
        }
        await writeFile(join(dir, 'input.nii.gz'), writeNifti(onGrid(out.input), { datatype: 'float32', gzip: true, description: 'model input on the grid' }));
        await writeFile(join(dir, 'regions.csv'), regionsCsv(out.regions!.regions));
        const what = out.combination?.kind === 'difference' ? 'P(AD) difference' : 'P(AD)';
        process.stdout.write(`${scanPath}: ${what} = ${(out.probability * 100).toFixed(1)}% (${out.modelLabel}, ${out.methodLabel}) -> ${dir}\n`);
      } catch (e) {
        // One bad scan must not lose the others: report it on one line and go on.
        if (!(e instanceof InputError) || positionals.length === 1) throw e;
        failures++;
        process.stderr.write(`error (${scanPath}): ${e.message}\n`);
      }
    }
  } finally {
    for (const ex of executors.values()) ex?.dispose();
    for (const b of bundles) b.model.dispose();
  }
  return failures > 0 ? 2 : 0;
}
