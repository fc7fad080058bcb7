/**
 * The input gate on synthetic images with known answers and on images made from the committed
 * Colin27 and demo assets (./inputs.ts): what kind of image, and analyze / doubtful / refuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAT12_GRID } from '../../src/core/volume/grid';
import { decideInput, InputRefused, withoutPreprocessing, type GateDecision } from '../../src/core/gate';
import { InputError } from '../../src/core/errors';
import { readNifti } from '../../src/core/nifti';
import { applyToPoint } from '../../src/core/volume/affine';
import type { Volume } from '../../src/core/volume/types';
import { runPipeline } from '../../src/core/pipeline';
import { DEMO_MODEL_DIR, loadModelFromDir } from '../../src/cli/loadModelNode';
import type { Model } from '../../src/core/model/types';
import { brainExtractedT1, demoGm, fourDSlab, gmSlab, gmStack, wholeHeadT1 } from './inputs';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Fill a volume from a function of world position (mm). */
function fromWorld(dims: [number, number, number], affine: number[], f: (x: number, y: number, z: number) => number): Volume<Float32Array> {
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const [x, y, z] = applyToPoint(affine, [i, j, k]);
        data[i + dims[0] * (j + dims[1] * k)] = f(x, y, z);
      }
  return { dims, data, affine };
}

/** Normalized radius of an ellipsoid centred on the MNI brain (0, -17, 8). */
const r = (x: number, y: number, z: number, a: number, b: number, c: number) => Math.hypot(x / a, (y + 17) / b, (z - 8) / c);

/** GM-like map: a cortical ribbon (values ~0.5..1) and patchy deep GM, 0 elsewhere, all inside the brain. */
function gmMap(x: number, y: number, z: number, rand: () => number): number {
  const rr = r(x, y, z, 68, 88, 70);
  if (rr > 1) return 0;
  if (rr > 0.85) return 0.5 + 0.45 * rand();
  return Math.sin(x / 7) * Math.cos(y / 9) > 0.6 ? 0.3 + 0.4 * rand() : 0.05 * rand();
}

/** T1-like head: brain 500..800, CSF 150, skull 40, scalp/fat 900, noisy background 0..20. */
function t1Head(x: number, y: number, z: number, rand: () => number): number {
  const rr = r(x, y, z, 68, 88, 70);
  if (rr <= 0.9) return 500 + 300 * rand();
  if (rr <= 1.0) return 150 + 30 * rand();
  if (rr <= 1.1) return 40 + 20 * rand();
  if (rr <= 1.2) return 850 + 100 * rand();
  return 20 * rand();
}

const RAS2 = [2, 0, 0, -90, 0, 2, 0, -126, 0, 0, 2, -72, 0, 0, 0, 1];

const ONE = { nVolumes: 1 };
const decide = (v: Volume) => decideInput(v, ONE);
const decideFile = (bytes: Uint8Array): GateDecision => {
  const img = readNifti(bytes);
  return decideInput(img.volume, img.header);
};

describe('decideInput on synthetic images', () => {
  it('recognizes a GM-like map in MNI space on the CAT12 grid', () => {
    const rand = rng(1);
    const v = fromWorld([121, 145, 121], Array.from(CAT12_GRID.affine), (x, y, z) => gmMap(x, y, z, rand));
    expect(decide(v)).toMatchObject({ scanClass: 'gm-on-grid', verdict: 'analyze', reasons: [] });
  });

  it('recognizes the same map on a 2 mm RAS grid with NaN background', () => {
    const rand = rng(2);
    const v = fromWorld([91, 109, 91], RAS2, (x, y, z) => gmMap(x, y, z, rand) || NaN);
    expect(decide(v)).toMatchObject({ scanClass: 'gm-off-grid', verdict: 'analyze', reasons: [] });
  });

  it('flags a T1-like head (0..1000 with skull and scalp) as a raw T1', () => {
    const rand = rng(3);
    const v = fromWorld([91, 109, 91], RAS2, (x, y, z) => t1Head(x, y, z, rand));
    const d = decide(v);
    expect(d).toMatchObject({ scanClass: 'raw-t1', verdict: 'preprocess' });
    expect(d.reasons[0]!.text).toMatch(/whole-head T1 scan: it is segmented here first, with an approximation of CAT12/);
    // the same scan stored as 0..255 bytes
    const bytes = { ...v, data: Uint8Array.from(v.data, (x) => Math.min(255, Math.round(x * 0.25))) };
    expect(decide(bytes).scanClass).toBe('raw-t1');
  });

  it('flags a GM map shifted 500 mm away as not in MNI space', () => {
    const rand = rng(4);
    const v = fromWorld([121, 145, 121], Array.from(CAT12_GRID.affine), (x, y, z) => gmMap(x, y, z, rand));
    const shifted = Array.from(v.affine);
    shifted[3] = shifted[3]! + 500;
    const g = decide({ ...v, affine: shifted });
    expect(g).toMatchObject({ scanClass: 'partial-coverage', verdict: 'refuse' });
    expect(g.reasons[0]!.text).toMatch(/does not overlap the MNI brain \(its first voxel lies at 590, -126, -72 mm\)/);
  });

  it('flags a GM-range image whose signal lies mostly outside the brain as not in MNI space', () => {
    const rand = rng(5);
    // A large field of view whose signal sits 120 mm anterior of the brain.
    const v = fromWorld([100, 160, 100], [2, 0, 0, -100, 0, 2, 0, -140, 0, 0, 2, -100, 0, 0, 0, 1], (x, y, z) => gmMap(x, y - 120, z, rand));
    expect(decide(v)).toMatchObject({ scanClass: 'unknown-contrast', verdict: 'refuse' });
    expect(decide(v).reasons[0]!.key).toBe('gate.notAligned');
  });

  it('refuses an empty image and a singular affine, saying which', () => {
    const v: Volume<Float32Array> = { dims: [10, 10, 10], data: new Float32Array(1000), affine: Array.from(CAT12_GRID.affine) };
    expect(decide({ ...v, dims: [121, 145, 121], data: new Float32Array(121 * 145 * 121) })).toMatchObject({
      verdict: 'refuse',
      reasons: [{ key: 'gate.empty' }],
    });
    expect(decide({ ...v, affine: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] })).toMatchObject({
      verdict: 'refuse',
      reasons: [{ key: 'gate.singular' }],
    });
  });

  it('a GM map with a scalp-like rim outside the brain is analysed, but doubted', () => {
    const rand = rng(6);
    const v = fromWorld([121, 145, 121], Array.from(CAT12_GRID.affine), (x, y, z) => {
      const rr = r(x, y, z, 68, 88, 70);
      return rr > 1.15 && rr < 1.3 ? 0.6 : gmMap(x, y, z, rand);
    });
    const d = decide(v);
    expect(d.verdict).toBe('doubtful');
    expect(d.reasons.map((m) => m.key)).toContain('gate.doubtOutside');
  });
});

describe('decideInput on images made from the Colin27 and demo assets', () => {
  it('analyses the demo gray-matter maps as they are', () => {
    for (const id of ['demo-01-CN', 'demo-03-AD', 'demo-08-MCI'])
      expect(decideFile(demoGm(id))).toMatchObject({ scanClass: 'gm-on-grid', verdict: 'analyze', reasons: [] });
  });

  it('a whole-head T1 (Colin27) is a raw T1 for the raw-T1 stage; without that stage it is refused, asking for a CAT12 map', () => {
    const d = decideFile(wholeHeadT1());
    expect(d.scanClass).toBe('raw-t1');
    expect(d.verdict).toBe('preprocess');
    expect(d.reasons[0]).toMatchObject({ key: 'gate.rawT1Preprocess', text: expect.stringMatching(/approximation of CAT12 \(not CAT12 itself\)/) });
    expect(withoutPreprocessing(d)).toMatchObject({
      verdict: 'refuse',
      reasons: [{ key: 'gate.rawT1', text: expect.stringMatching(/provide its modulated gray-matter map \(mwp1\)/) }],
    });
    expect(d.figures.whiteMatterRatio).toBeGreaterThan(0.35);
    expect(d.figures.insideFraction).toBeLessThan(0.93);
  });

  it('the same T1 rescaled to 0..1 is still a raw T1 (told by its bright white matter)', () => {
    const t1 = readNifti(wholeHeadT1()).volume;
    expect(decide({ ...t1, data: Float32Array.from(t1.data, (x) => x / 255) }).scanClass).toBe('raw-t1');
  });

  it('a skull-stripped T1 (Colin27 brain) is refused as such', () => {
    const d = decideFile(brainExtractedT1());
    expect(d).toMatchObject({ scanClass: 'brain-extracted-t1', verdict: 'refuse', reasons: [{ key: 'gate.brainT1' }] });
    expect(d.figures.insideFraction).toBeGreaterThan(0.93);
  });

  it('a 4D run covering part of the brain is refused, naming the volumes and the coverage', () => {
    const d = decideFile(fourDSlab(6, 12));
    expect(d).toMatchObject({ scanClass: 'four-d', verdict: 'refuse' });
    expect(d.figures.brainCoverage).toBeGreaterThan(0.15);
    expect(d.figures.brainCoverage).toBeLessThan(0.3);
    expect(d.reasons[0]!.params).toMatchObject({ volumes: 6, coverage: Math.round(d.figures.brainCoverage! * 100) });
  });

  it('a 4D stack of gray-matter maps is analysed by its first volume, behind a warning saying so', () => {
    const d = decideFile(gmStack(3));
    expect(d).toMatchObject({ scanClass: 'four-d', verdict: 'doubtful', reasons: [{ key: 'gate.doubtFourD', params: { volumes: 3 } }] });
    expect(d.figures.brainCoverage).toBe(1);
  });

  it('a slab covering under 30 % of the brain is refused; one covering about 70 % is analysed but doubted', () => {
    const thin = decideFile(gmSlab(20));
    expect(thin).toMatchObject({ scanClass: 'partial-coverage', verdict: 'refuse', reasons: [{ key: 'gate.partial' }] });
    expect(thin.figures.brainCoverage).toBeLessThan(0.3);
    const most = decideFile(gmSlab(70));
    expect(most).toMatchObject({ scanClass: 'partial-coverage', verdict: 'doubtful', reasons: [{ key: 'gate.doubtCoverage' }] });
  });
});

describe('runPipeline and the gate', () => {
  let model: Model;
  beforeAll(async () => {
    model = await loadModelFromDir(DEMO_MODEL_DIR);
  });
  afterAll(() => model?.dispose());

  it('refuses a whole-head T1 and a 4D slab with an InputError carrying the decision, before any model work', async () => {
    for (const [bytes, scanClass] of [
      [wholeHeadT1(), 'raw-t1'],
      [fourDSlab(), 'four-d'],
    ] as const) {
      const stages: string[] = [];
      const err = await runPipeline(bytes, { model, method: 'gradient', onProgress: (p) => stages.push(p.stage) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputRefused);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputRefused).decision.scanClass).toBe(scanClass);
      expect((err as InputRefused).message).toBe((err as InputRefused).decision.reasons[0]!.text);
      expect(stages).not.toContain('forward');
    }
  });

  it('analyses a doubtful slab and carries the doubt on its output', async () => {
    const out = await runPipeline(gmSlab(70), { model, method: 'gradient' });
    expect(out.gate.verdict).toBe('doubtful');
    expect(out.gate.reasons[0]!.key).toBe('gate.doubtCoverage');
    expect(Number.isFinite(out.probability)).toBe(true);
  });
});
