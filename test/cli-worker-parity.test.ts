/**
 * The same scan, with covariates and as a difference of two models, through the CLI (`analyze`,
 * spawned as a user runs it) and through the page's worker code path (runAnalysis, fetching the
 * model, its covariate model and the atlas as in the browser): identical maps and numbers. The
 * model residualizes its input, so both hosts must read and apply its covariate model.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readNifti } from '../src/core/nifti';
import { regionsCsv } from '../src/core/analysis/tables';
import { runAnalysis, setSiteBase } from '../src/worker/runAnalysis';
import type { PipelineResult } from '../src/worker/protocol';
import { cli, ROOT } from './helpers/cli';
import { DEMO_MODEL_FOLDER } from '../src/core/model/catalog';
import { mismatches } from './helpers/arrays';
import { covariateModelBytes, smallArtifacts, testCovariateModel, writeModelDir } from './helpers/modelFixtures';

const SITE = 'http://relevance-viewer.test/';
const SCAN = join(ROOT, 'public', 'demo', 'demo-03-AD.nii.gz');
const site = mkdtempSync(join(tmpdir(), 'rv-site-'));
const modelDir = join(site, 'models', DEMO_MODEL_FOLDER);

/** fetch as the browser would see the site: models from the temporary site, other assets from public/, kernels from disk. */
async function siteFetch(input: string | URL | Request): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const file = url.startsWith('file:')
    ? fileURLToPath(url)
    : url.startsWith(SITE + `models/${DEMO_MODEL_FOLDER}/`)
      ? join(modelDir, url.slice((SITE + `models/${DEMO_MODEL_FOLDER}/`).length))
      : url.startsWith(SITE)
        ? join(ROOT, 'public', url.slice(SITE.length))
        : null;
  if (!file) return new Response('not here', { status: 404 });
  try {
    return new Response(new Uint8Array(await readFile(file)), { status: 200 });
  } catch {
    return new Response('missing', { status: 404 });
  }
}

describe('CLI and worker give the same answer', () => {
  let worker: PipelineResult;
  let out: string;
  let cliRun: ReturnType<typeof cli>;
  const covariates = { age: 68, sex: 1, tiv: 1510, field: 1.5 };

  beforeAll(async () => {
    writeModelDir(
      modelDir,
      smallArtifacts(5),
      {
        residualize: true,
        covariateModel: 'covariates.bin',
        display: { scaling: 'fixed', factor: 4000 },
      },
      { 'covariates.bin': covariateModelBytes(testCovariateModel()) },
    );
    out = mkdtempSync(join(tmpdir(), 'rv-parity-'));
    cliRun = cli('analyze', SCAN, '--model', modelDir, '--compare', 'seeded', '--age', '68', '--sex', 'F', '--tiv', '1510', '--field', '1.5', '--out', out);
    vi.stubGlobal('fetch', siteFetch);
    setSiteBase(SITE);
    worker = await runAnalysis(
      {
        scanBytes: new Uint8Array(readFileSync(SCAN)),
        fileName: 'demo-03-AD.nii.gz',
        modelId: 'demo',
        method: 'paper',
        backend: 'wasm-simd',
        covariates,
        compareWith: { modelId: 'seeded', method: 'paper' },
      },
      () => {},
      new AbortController().signal,
    );
  }, 300_000);
  afterAll(() => vi.unstubAllGlobals());

  it('the CLI ran', () => {
    expect(cliRun.stderr).not.toMatch(/^error/m);
    expect(cliRun.code).toBe(0);
  });

  it('identical relevance maps, bit for bit', () => {
    const relevance = readNifti(readFileSync(join(out, 'relevance.nii.gz'))).volume.data;
    expect(relevance.some((x) => x !== 0)).toBe(true);
    expect(mismatches(relevance, worker.relevance)).toBe(0);
  });

  it('identical numbers: logits, probability difference, members, covariates, display, region scores', () => {
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.logits).toEqual(worker.logits);
    expect(result.probability).toBe(worker.probability);
    expect(result.combination.kind).toBe('difference');
    expect(worker.combination?.kind).toBe('difference');
    expect(result.combination.members.map((m: { probability: number }) => m.probability)).toEqual(worker.combination!.members.map((m) => m.probability));
    expect(result.covariates).toEqual(covariates);
    expect(worker.residualizedWith).toEqual(covariates);
    expect(result.display).toEqual(worker.displayOptions);
    expect(worker.displayOptions).toMatchObject({ scaling: 'fixed', factor: 4000 });
    expect(readFileSync(join(out, 'regions.csv'), 'utf8')).toBe(regionsCsv(worker.regions!.regions));
  });

  it('what the model saw is the residual map, not the scan', () => {
    const input = readNifti(readFileSync(join(out, 'input.nii.gz'))).volume.data;
    const scan = readNifti(readFileSync(SCAN)).volume.data;
    const cm = testCovariateModel();
    const v = 10 + 121 * (60 + 145 * 50); // inside the crop
    expect(input[v]).not.toBe(scan[v]);
    expect(input[v]).toBeCloseTo(scan[v]! - (cm.b0[v]! + cm.b1[v]! * 68 + cm.b2[v]! + cm.b3[v]! * 1510 + cm.b4[v]! * 1.5), 6);
  });
});

describe('analyze --covariates', () => {
  it("takes each scan's row of a CSV (id = file name without extension), and refuses single-scan options for a batch", () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-cov-'));
    const csv = join(dir, 'cov.csv');
    writeFileSync(csv, 'id,age,sex,tiv,field\ndemo-03-AD,81,M,1620,3\ndemo-01-CN,64,F,1390,1.5\n');
    const CN = join(ROOT, 'public', 'demo', 'demo-01-CN.nii.gz');
    const r = cli('analyze', SCAN, CN, '--model', modelDir, '--covariates', csv, '--out', join(dir, 'out'));
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const read = (stem: string) => JSON.parse(readFileSync(join(dir, 'out', stem, 'result.json'), 'utf8'));
    expect(read('demo-03-AD').covariates).toEqual({ age: 81, sex: 0, tiv: 1620, field: 3 });
    expect(read('demo-01-CN').covariates).toEqual({ age: 64, sex: 1, tiv: 1390, field: 1.5 });
    const batch = cli('analyze', SCAN, CN, '--model', modelDir, '--age', '70', '--out', join(dir, 'x'));
    expect(batch.code).toBe(2);
    expect(batch.stderr.trim().split('\n')).toHaveLength(1);
    expect(batch.stderr).toMatch(/--covariates/);
  }, 120_000);
});
