/**
 * Cross-validation fold families and the fold ensemble: the index of deployed models (folders ->
 * families), the spread arithmetic against a plain float64 loop, and the ensemble through the one
 * pipeline with stand-in folds (one small model, perturbed per fold; made here, never deployed),
 * checked against the folds analysed one by one with mean and SD computed in this test.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdMaps } from '../src/core/analysis/combine';
import { displayMap } from '../src/core/analysis/scale';
import { InputError } from '../src/core/errors';
import { plainBundle } from '../src/core/model/bundle';
import { loadModel } from '../src/core/model/loadModel';
import { ensembleFamily, ensembleId, familiesOf, modelIndexFromFolders, parseModelIndex } from '../src/core/model/modelIndex';
import type { Model } from '../src/core/model/types';
import type { ModelExecutor } from '../src/core/lrp/executor';
import { runPipeline, type PipelineOptions, type PipelineOutput } from '../src/core/pipeline';
import { CAT12_GRID } from '../src/core/volume/grid';
import { startWasmEngineNode } from '../src/cli/wasmEngineNode';
import { mismatches } from './helpers/arrays';
import { overallFraction } from '../src/ui/progress';
import type { PipelineProgress } from '../src/core/progress';
import { perturbedWeights } from './helpers/foldStandIns';
import { smallArtifacts, smallWeights, writeModelDir } from './helpers/modelFixtures';
import { cli } from './helpers/cli';
import { BUNDLED_MODELS } from '../src/core/model/catalog';
import { readNifti } from '../src/core/nifti';

const ROOT = join(__dirname, '..');

describe('models/index.json: the deployed models and their families', () => {
  const folders = ['demo-whole', ...Array.from({ length: 10 }, (_, k) => `demo-fold-${k}`), 'other-model'];
  const index = modelIndexFromFolders(folders);
  const deployed = parseModelIndex(index);

  it('a <family>-whole / <family>-fold-<k> folder is a family member; folds in numeric order; the default model (demo-whole) is not listed twice', () => {
    expect(index.models.find((m) => m.id === 'demo-fold-10')).toBeUndefined();
    expect(index.models.find((m) => m.id === 'demo-fold-3')).toEqual({
      id: 'demo-fold-3',
      path: 'demo-fold-3/model.json',
      family: 'demo',
      role: 'fold',
      fold: 3,
    });
    expect(index.models.find((m) => m.id === 'demo-whole')).toMatchObject({ family: 'demo', role: 'whole' });
    // the bundled 'demo' entry is that folder's model: the index's entry for it is dropped
    expect(BUNDLED_MODELS.find((m) => m.id === 'demo')!.url).toBe('models/demo-whole/model.json');
    expect(deployed.map((m) => m.id)).not.toContain('demo-whole');
    const [family, ...rest] = familiesOf(deployed);
    expect(rest).toEqual([]);
    expect(family!.id).toBe('demo');
    expect(family!.whole).toBeUndefined();
    expect(family!.folds.map((f) => f.fold)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(family!.folds[2]!.url).toBe('models/demo-fold-2/model.json');
    expect(deployed.find((m) => m.id === 'other-model')?.family).toBeUndefined();
    expect(ensembleFamily(deployed, ensembleId('demo'))?.folds).toHaveLength(10);
  });

  it('a family with fewer than two folds has no ensemble; an unknown family neither', () => {
    const one = parseModelIndex(modelIndexFromFolders(['x-whole', 'x-fold-0']));
    expect(ensembleFamily(one, ensembleId('x'))).toBeNull();
    expect(ensembleFamily(deployed, ensembleId('nope'))).toBeNull();
    expect(ensembleFamily(deployed, 'demo-fold-0')).toBeNull();
  });

  it('refuses an index that is not one, in one sentence', () => {
    expect(() => parseModelIndex({})).toThrow(InputError);
    expect(() => parseModelIndex({ models: [{ id: 'a', path: '../../etc/passwd.json' }] })).toThrow(/path/);
  });

  it("today's models/ folder deploys no family: the page lists the demo and the seeded model as before", () => {
    const dirs = readdirSync(join(ROOT, 'models')).filter((d) => existsSync(join(ROOT, 'models', d, 'model.json')));
    const today = parseModelIndex(modelIndexFromFolders(dirs));
    // Once the trained folds are dropped in, they are all listed (and nothing else is added).
    const folds = dirs.filter((d) => /-fold-\d+$/.test(d)).length;
    expect(familiesOf(today).reduce((n, f) => n + f.folds.length, 0)).toBe(folds);
    if (folds === 0) expect(today).toEqual([]);
  });
});

describe('progress of an ensemble', () => {
  it('shares the model stages among the folds: the overall fraction only grows, fold by fold', () => {
    const events: PipelineProgress[] = [{ stage: 'grid', fraction: 1 }];
    for (let index = 1; index <= 3; index++) {
      for (const stage of ['forward', 'relevance'] as const)
        for (const fraction of [0, 0.5, 1]) events.push({ stage, fraction, member: { index, count: 3, unit: 'fold' } });
    }
    events.push({ stage: 'post', fraction: 0 }, { stage: 'post', fraction: 1 });
    const f = events.map(overallFraction);
    for (let i = 1; i < f.length; i++) expect(f[i]!).toBeGreaterThanOrEqual(f[i - 1]! - 1e-12);
    // 6 stages; forward + relevance are 2/6 shared by 3 folds: fold 2 starts at (3 + 2/3) / 6.
    expect(overallFraction({ stage: 'forward', fraction: 0, member: { index: 2, count: 3, unit: 'fold' } })).toBeCloseTo((3 + 2 / 3) / 6, 12);
    expect(f.at(-1)).toBe(1);
  });
});

describe('sdMaps', () => {
  it('equals the sample SD (n - 1) of a float64 loop, and 0 where the maps agree', () => {
    const maps = [Float32Array.from([1, 2, 5, 0.1]), Float32Array.from([3, 2, -5, 0.1]), Float32Array.from([2, 2, 0, 0.1])];
    const sd = sdMaps(maps);
    const want = [0, 1, 2, 3].map((v) => {
      const xs = maps.map((m) => m[v]!);
      const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, x) => a + (x - mu) ** 2, 0) / (xs.length - 1));
    });
    for (let v = 0; v < 4; v++) expect(sd[v]).toBeCloseTo(want[v]!, 6);
    expect(sd[1]).toBe(0);
    expect(sd[3]).toBe(0); // equal float32 values: exactly 0, not rounding noise
    expect([...sdMaps([maps[0]!])]).toEqual([0, 0, 0, 0]);
    expect(() => sdMaps([new Float32Array(2), new Float32Array(3)])).toThrow(/size/);
  });
});

describe('the fold ensemble through runPipeline (stand-in folds)', () => {
  const scan = new Uint8Array(readFileSync(join(ROOT, 'public', 'demo', 'demo-03-AD.nii.gz')));
  const N = 3;
  const display = { scaling: 'fixed' as const, factor: 4000 };
  let folds: Model[] = [];
  const executors = new Map<Model, ModelExecutor>();
  const executorFor = async (m: Model) => {
    if (!executors.has(m)) executors.set(m, await startWasmEngineNode(m));
    return executors.get(m);
  };
  const run = (opts: Partial<PipelineOptions>) => runPipeline(scan, { executorFor, method: 'paper', ...opts });
  const bundles = () => folds.map((m, k) => plainBundle(m, `fold ${k}`, { display }));
  let singles: PipelineOutput[] = [];

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const base = smallWeights(3);
    folds = await Promise.all(Array.from({ length: N }, (_, k) => loadModel(smallArtifacts(3, perturbedWeights(base, k, 0.15)), `fold ${k}`)));
    for (const b of bundles()) singles.push(await run({ bundle: b }));
  }, 240_000);
  afterAll(() => {
    for (const e of executors.values()) e.dispose();
    for (const m of folds) m.dispose();
    singles = [];
  });

  it('mean probability, mean relevance and the fold-spread SD equal the folds analysed one by one', async () => {
    const [first, ...others] = bundles();
    const progress: string[] = [];
    const members = new Set<string>();
    const released: Model[] = [];
    const out = await run({
      bundle: first,
      combine: { kind: 'ensemble', others },
      onProgress: (p) => {
        if (p.message) progress.push(p.message);
        if (p.member) members.add(`${p.member.unit} ${p.member.index}/${p.member.count}`);
      },
      doneWith: (m) => released.push(m),
    });

    // Independent: mean and sample SD per voxel in float64 over the single runs.
    let worstMean = 0,
      worstSd = 0,
      maxSd = 0,
      scale = 0;
    for (let v = 0; v < out.relevance.length; v++) {
      const xs = singles.map((s) => s.relevance[v]!);
      const mu = xs.reduce((a, b) => a + b, 0) / N;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mu) ** 2, 0) / (N - 1));
      worstMean = Math.max(worstMean, Math.abs(out.relevance[v]! - mu));
      worstSd = Math.max(worstSd, Math.abs(out.spread!.relevance[v]! - sd));
      maxSd = Math.max(maxSd, sd);
      scale = Math.max(scale, ...xs.map(Math.abs));
    }
    expect(scale).toBeGreaterThan(0);
    expect(worstMean).toBeLessThan(1e-6 * scale);
    expect(worstSd).toBeLessThan(1e-6 * scale);
    // The stand-ins disagree somewhere (else the spread map would prove nothing) but not everywhere as much as they weigh.
    expect(maxSd).toBeGreaterThan(1e-3 * scale);

    expect(out.probability).toBeCloseTo(singles.reduce((a, s) => a + s.probability, 0) / N, 12);
    expect(out.logits[1]).toBeCloseTo(singles.reduce((a, s) => a + s.logits[1]!, 0) / N, 12);
    expect(out.modelLabel).toBe('fold ensemble (mean of 3 folds)');
    expect(out.combination?.kind).toBe('ensemble');
    expect(out.combination?.members.map((m) => [m.modelLabel, m.probability])).toEqual(singles.map((s, k) => [`fold ${k}`, s.probability]));
    // The spread is displayed with the ensemble's own post-processing: >= 0, on the relevance map's scale.
    expect(out.spread?.folds).toBe(N);
    expect(mismatches(out.spread!.display, displayMap(out.spread!.relevance, CAT12_GRID.dims, display))).toBe(0);
    expect(out.spread!.display.every((x) => x >= 0)).toBe(true);
    expect(mismatches(out.display, displayMap(out.relevance, CAT12_GRID.dims, display))).toBe(0);
    // Progress names each fold; the host may release each fold's engine once it is done.
    for (let k = 1; k <= N; k++) expect(progress.some((m) => m.startsWith(`fold ${k} of ${N}`))).toBe(true);
    expect([...members]).toEqual(['fold 1/3', 'fold 2/3', 'fold 3/3']);
    expect(released).toEqual(folds);
    // A plain average has no spread map.
    const avg = await run({ bundle: first, combine: { kind: 'average', others } });
    expect(avg.spread).toBeUndefined();
    expect(mismatches(avg.relevance, out.relevance)).toBe(0);
  }, 240_000);

  it('an ensemble of one fold is refused in one sentence; cancelling stops between folds', async () => {
    const [first] = bundles();
    await expect(run({ bundle: first, combine: { kind: 'ensemble', others: [first!] } })).rejects.toThrow(/at least two different fold models/);

    const ctl = new AbortController();
    const released: Model[] = [];
    const p = run({
      bundle: first,
      combine: { kind: 'ensemble', others: bundles().slice(1) },
      signal: ctl.signal,
      doneWith: (m) => released.push(m),
      onProgress: (e) => {
        if (e.message?.startsWith(`fold 2 of ${N}`)) ctl.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(released).toEqual([folds[0]]); // fold 3 never started
  }, 240_000);
});

describe('analyze --ensemble (the CLI, through the same pipeline)', () => {
  it('writes the mean map, fold_spread.nii.gz (the SD of the folds run one by one, in this process) and names the folds', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'rv-ens-'));
    try {
      const base = smallWeights(3);
      const dirs = [0, 1, 2].map((k) => writeModelDir(join(tmp, `demo-fold-${k}`), smallArtifacts(3, perturbedWeights(base, k, 0.15)), {}));
      const scanPath = join(ROOT, 'public', 'demo', 'demo-03-AD.nii.gz');
      const out = join(tmp, 'out');
      const r = cli('analyze', scanPath, '--out', out, '--model', dirs[0]!, '--ensemble', dirs[1]!, '--ensemble', dirs[2]!);
      expect(r.stderr).not.toMatch(/error|at .*\.ts:/i);
      expect(r.code).toBe(0);
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
        model: string;
        combination: { kind: string; members: { modelLabel: string }[] };
        fold_spread: { folds: number };
      };
      expect(result.model).toBe('fold ensemble (mean of 3 folds)');
      expect(result.combination.kind).toBe('ensemble');
      expect(result.combination.members.map((m) => m.modelLabel)).toEqual(dirs);
      expect(result.fold_spread.folds).toBe(3);
      await tf.setBackend('cpu');
      const scan = new Uint8Array(readFileSync(scanPath));
      const maps: Float32Array[] = [];
      for (const k of [0, 1, 2]) {
        const model = await loadModel(smallArtifacts(3, perturbedWeights(base, k, 0.15)), `f${k}`);
        const ex = await startWasmEngineNode(model);
        maps.push((await runPipeline(scan, { bundle: plainBundle(model, `f${k}`), method: 'paper', executor: ex })).relevance);
        ex.dispose();
        model.dispose();
      }
      const spread = readNifti(new Uint8Array(readFileSync(join(out, 'fold_spread.nii.gz')))).volume.data;
      const want = sdMaps(maps);
      let worst = 0,
        scale = 0;
      for (let v = 0; v < want.length; v++) {
        worst = Math.max(worst, Math.abs(spread[v]! - want[v]!));
        scale = Math.max(scale, Math.abs(maps[0]![v]!));
      }
      expect(worst).toBeLessThan(1e-6 * scale);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 240_000);
});
