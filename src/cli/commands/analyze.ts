/**
 * analyze <scan>... --out <dir> [--model <dir|model.json|file.h5|seeded>] [--method <name>]
 *         [--backend wasm-simd|cpu|wasm] [--threads N] [--neuron 1] [--scaling fixed|adaptive]
 *
 * Runs the one pipeline on each scan and writes result.json, relevance.nii.gz (raw, on the grid),
 * input.nii.gz (what the model saw, on the grid) and regions.csv — in <dir> for one scan, in
 * <dir>/<scan name>/ for several. The model is loaded once.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../../core/errors';
import { METHODS, type MethodId } from '../../core/lrp/methods';
import { writeNifti } from '../../core/nifti';
import { runPipeline, type PipelineOutput } from '../../core/pipeline';
import { regionsCsv } from '../../core/analysis/tables';
import { CAT12_GRID } from '../../core/volume/grid';
import { loadAtlasFromRepo, parseOptions, readScanFile } from '../files';
import { resolveModel } from '../loadModelNode';
import { startEngineNode } from '../wasmEngineNode';

const USAGE = `usage: relevance-viewer analyze <scan.nii[.gz]>... --out <dir> [--model <dir|model.json|file.h5|seeded>]
       [--method ${METHODS.map((m) => m.id).join('|')}] [--backend wasm-simd|cpu|wasm] [--threads N]
       [--neuron 1] [--scaling fixed|adaptive]
  --backend  wasm-simd (default): hand-written WebAssembly SIMD kernels; cpu, wasm: tfjs backends
  --threads  convolution threads for wasm-simd (default 1)
`;

export function scanStem(path: string): string {
  return basename(path).replace(/\.nii(\.gz)?$/i, '').replace(/\.gz$/i, '');
}

function resultJson(out: PipelineOutput, scanPath: string, modelLabel: string, backend: string) {
  return {
    scan: scanPath,
    probability: out.probability,
    logits: out.logits,
    probabilities: out.probabilities,
    method: out.method,
    neuron: out.neuron,
    model: modelLabel,
    backend,
    scan_kind: out.scanKind.kind,
    notices: out.notices,
    timings_ms: Object.fromEntries(Object.entries(out.timings).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    hippocampus_relevance: out.regions?.lobes.find((l) => l.key === 'hippocampus')?.positiveSum,
    note: 'Relevance explains the model\'s output; it is not a diagnosis.',
  };
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('analyze', args, {
    out: { type: 'string', short: 'o' },
    model: { type: 'string' },
    method: { type: 'string', default: 'paper' },
    backend: { type: 'string', default: 'wasm-simd' },
    threads: { type: 'string', default: '1' },
    neuron: { type: 'string', default: '1' },
    scaling: { type: 'string', default: 'fixed' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length === 0 || !values.out) throw new InputError('analyze needs at least one scan and --out <dir>; run "relevance-viewer analyze --help".');
  const method = values.method as MethodId;
  if (!METHODS.some((m) => m.id === method)) throw new InputError(`Unknown method "${method}"; choose one of ${METHODS.map((m) => m.id).join(', ')}.`);
  const neuron = Number(values.neuron);
  if (!Number.isInteger(neuron) || neuron < 0) throw new InputError(`--neuron must be a non-negative integer, not "${values.neuron}".`);
  if (values.scaling !== 'fixed' && values.scaling !== 'adaptive') throw new InputError(`--scaling must be fixed or adaptive, not "${values.scaling}".`);

  const engine = await startEngineNode(values.backend!, Number(values.threads));
  const { model, label, notices: modelNotices } = await resolveModel(values.model);
  for (const n of modelNotices) process.stderr.write(`note: ${n}\n`);
  const executor = await engine.executorFor(model);
  const atlas = await loadAtlasFromRepo();
  let failures = 0;
  try {
    for (const scanPath of positionals) {
      const dir = positionals.length === 1 ? values.out : join(values.out, scanStem(scanPath));
      try {
        const out = await runPipeline(await readScanFile(scanPath), { model, method, neuron, atlas, executor, display: { scaling: values.scaling } });
        for (const n of out.notices) process.stderr.write(`note (${basename(scanPath)}): ${n}\n`);
        await mkdir(dir, { recursive: true });
        const onGrid = (data: Float32Array) => ({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data });
        await writeFile(join(dir, 'result.json'), JSON.stringify(resultJson(out, scanPath, label, out.engine === 'tfjs' ? engine.tfjsBackend : out.engine), null, 2) + '\n');
        await writeFile(join(dir, 'relevance.nii.gz'), writeNifti(onGrid(out.relevance), { datatype: 'float32', gzip: true, description: `relevance ${method}` }));
        await writeFile(join(dir, 'input.nii.gz'), writeNifti(onGrid(out.input), { datatype: 'float32', gzip: true, description: 'model input on the grid' }));
        await writeFile(join(dir, 'regions.csv'), regionsCsv(out.regions!.regions));
        process.stdout.write(`${scanPath}: P(AD) = ${(out.probability * 100).toFixed(1)}% (${label}, ${method}) -> ${dir}\n`);
      } catch (e) {
        // One bad scan must not lose the others: report it on one line and go on.
        if (!(e instanceof InputError) || positionals.length === 1) throw e;
        failures++;
        process.stderr.write(`error (${scanPath}): ${e.message}\n`);
      }
    }
  } finally {
    executor?.dispose();
    model.dispose();
  }
  return failures > 0 ? 2 : 0;
}
