import { describe, expect, it } from 'vitest';
import { clusterAt, filterClusters, labelClusters, sizeHistogramBin, type ClusterResult } from '../../src/core/analysis/clusters';
import type { Dims3 } from '../../src/core/volume/types';
import { dims3, f32, fixtures, i32, rng } from './fixtures';

/** Same sets of voxels, ids free: a bijection between nonzero labels that agrees at every voxel. */
function expectSamePartition(a: Int32Array, b: Int32Array): void {
  expect(a.length).toBe(b.length);
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  let mismatches = 0;
  for (let v = 0; v < a.length; v++) {
    const x = a[v];
    const y = b[v];
    if ((x === 0) !== (y === 0)) {
      mismatches++;
      continue;
    }
    if (x === 0) continue;
    if (!ab.has(x)) ab.set(x, y);
    if (!ba.has(y)) ba.set(y, x);
    if (ab.get(x) !== y || ba.get(y) !== x) mismatches++;
  }
  expect(mismatches).toBe(0);
}

/**
 * Independent reference: union-find over every pair of 18-neighbours with the same sign, written
 * with explicit (i, j, k) coordinates and bounds checks. Returns root-based labels, + for positive.
 */
function referenceLabels(d: Float32Array, dims: Dims3, t: number): Int32Array {
  const [nx, ny, nz] = dims;
  const sgn = (v: number) => (d[v] >= t && d[v] > 0 ? 1 : d[v] <= -t && d[v] < 0 ? -1 : 0);
  const parent = Int32Array.from({ length: d.length }, (_, v) => v);
  const find = (v: number): number => {
    while (parent[v] !== v) v = parent[v] = parent[parent[v]];
    return v;
  };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        const s = sgn(v);
        if (s === 0) continue;
        for (let dk = -1; dk <= 1; dk++)
          for (let dj = -1; dj <= 1; dj++)
            for (let di = -1; di <= 1; di++) {
              const manhattan = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
              if (manhattan === 0 || manhattan === 3) continue; // itself, corners
              const a = i + di,
                b = j + dj,
                c = k + dk;
              if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
              const w = a + nx * (b + ny * c);
              if (sgn(w) === s) parent[find(w)] = find(v);
            }
      }
  const out = new Int32Array(d.length);
  for (let v = 0; v < d.length; v++) if (sgn(v) !== 0) out[v] = sgn(v) * (find(v) + 1);
  return out;
}

function randomSmoothish(dims: Dims3, seed: number): Float32Array {
  // Sparse random +-values with some blocks, so that face, edge and corner contacts all occur.
  const r = rng(seed);
  const d = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let v = 0; v < d.length; v++) {
    const u = r();
    d[v] = u < 0.22 ? 0.2 + r() : u < 0.44 ? -(0.2 + r()) : (r() - 0.5) * 0.3;
  }
  return d;
}

describe('labelClusters against scipy.ndimage.label (18-connectivity)', () => {
  for (const c of fixtures.clusters) {
    it(`same partition on ${c.dims.join('x')} at threshold ${c.threshold}, positive and negative separately`, () => {
      const d = f32(c.display);
      const res = labelClusters(d, dims3(c.dims), { threshold: c.threshold, minSize: 0 });
      expectSamePartition(res.allLabels, i32(c.labels));
      expect(res.positiveCount).toBe(c.positiveCount);
      expect(res.negativeCount).toBe(c.negativeCount);
      expect(c.negativeCount).toBeGreaterThan(1); // negatives are not lost
      // Ids carry the sign of the relevance.
      for (let v = 0; v < d.length; v++) if (res.allLabels[v] !== 0) expect(Math.sign(res.allLabels[v])).toBe(Math.sign(d[v]));
    });
  }
});

describe('labelClusters against an independent union-find', () => {
  for (const [dims, seed, t] of [
    [[13, 11, 9], 1, 0.4],
    [[7, 16, 12], 2, 0.25],
    [[1, 20, 30], 3, 0.4],
    [[25, 3, 2], 4, 0.6],
  ] as [Dims3, number, number][]) {
    it(`same partition on random ${dims.join('x')} volume (seed ${seed})`, () => {
      const d = randomSmoothish(dims, seed);
      const res = labelClusters(d, dims, { threshold: t, minSize: 0 });
      expectSamePartition(res.allLabels, referenceLabels(d, dims, t));
    });
  }

  it('joins faces and edges, not corners; never joins + with -', () => {
    const dims: Dims3 = [4, 4, 4];
    const d = new Float32Array(64);
    const at = (i: number, j: number, k: number) => i + 4 * (j + 4 * k);
    d[at(0, 0, 0)] = 1;
    d[at(1, 1, 1)] = 1; // corner contact only: separate
    d[at(2, 2, 1)] = 0.5; // edge contact with (1,1,1): joined
    d[at(3, 2, 1)] = -0.9; // face contact but opposite sign: separate negative cluster
    const res = labelClusters(d, dims, { threshold: 0.4, minSize: 0 });
    expect(res.positiveCount).toBe(2);
    expect(res.negativeCount).toBe(1);
    expect(res.allLabels[at(1, 1, 1)]).toBe(res.allLabels[at(2, 2, 1)]);
    expect(res.allLabels[at(0, 0, 0)]).not.toBe(res.allLabels[at(1, 1, 1)]);
    expect(res.allLabels[at(3, 2, 1)]).toBe(-1);
  });

  it('never puts zero voxels in a cluster, even at threshold 0', () => {
    const d = Float32Array.of(0, 0.1, 0, -0.1, 0, 0);
    const res = labelClusters(d, [6, 1, 1], { threshold: 0, minSize: 0 });
    expect(Array.from(res.allLabels)).toEqual([0, 1, 0, -1, 0, 0]);
  });
});

describe('cluster statistics, size filter and histogram', () => {
  const c = fixtures.clusters[1];
  const dims = dims3(c.dims);
  const d = f32(c.display);
  const res = labelClusters(d, dims, { threshold: c.threshold, minSize: 0 });

  it('size, sum, mean, peak and centroid agree with a direct loop', () => {
    const [nx, ny] = dims;
    for (const cl of res.clusters) {
      let size = 0,
        sum = 0,
        si = 0,
        sj = 0,
        sk = 0,
        peak = 0,
        peakVoxel = -1;
      for (let v = 0; v < d.length; v++) {
        if (res.allLabels[v] !== cl.id) continue;
        size++;
        sum += d[v];
        si += v % nx;
        sj += Math.floor(v / nx) % ny;
        sk += Math.floor(v / (nx * ny));
        if (Math.abs(d[v]) > Math.abs(peak)) {
          peak = d[v];
          peakVoxel = v;
        }
      }
      expect(cl.size).toBe(size);
      expect(cl.sizeMm3).toBeCloseTo(size * 3.375, 10);
      expect(cl.sum).toBeCloseTo(sum, 4);
      expect(cl.mean).toBeCloseTo(sum / size, 5);
      expect(cl.peak).toBe(peak);
      expect(cl.peakVoxel).toBe(peakVoxel);
      expect(cl.centroid[0]).toBeCloseTo(si / size, 9);
      expect(cl.centroid[1]).toBeCloseTo(sj / size, 9);
      expect(cl.centroid[2]).toBeCloseTo(sk / size, 9);
      expect(cl.sign).toBe(Math.sign(cl.id));
    }
  });

  it('histogram counts every cluster size from the scipy partition (clipped at 200, bins of 10)', () => {
    const ref = i32(c.labels);
    const sizes = new Map<number, number>();
    for (const l of ref) if (l !== 0) sizes.set(l, (sizes.get(l) ?? 0) + 1);
    const hist = new Array(20).fill(0);
    for (const s of sizes.values()) hist[Math.min(Math.floor(Math.min(s, 200) / 10), 19)]++;
    expect(Array.from(res.sizeHistogram)).toEqual(hist);
    expect([0, 9, 10, 189, 190, 200, 5000].map(sizeHistogramBin)).toEqual([0, 0, 1, 18, 19, 19, 19]);
  });

  it('filterClusters drops exactly the clusters below minSize, without relabelling', () => {
    for (const minSize of [0, 2, 5, 20, 50, 100000]) {
      const f = filterClusters(res, minSize);
      expect(f.allLabels).toBe(res.allLabels); // shared, not recomputed
      const sizes = new Map(res.clusters.map((cl) => [cl.id, cl.size]));
      let keptCount = 0;
      for (const cl of res.clusters) if (cl.size >= minSize) keptCount++;
      expect(f.keptCount).toBe(keptCount);
      let wrong = 0;
      for (let v = 0; v < d.length; v++) {
        const id = res.allLabels[v];
        const keep = id !== 0 && sizes.get(id)! >= minSize;
        if (f.kept[v] !== (keep ? 1 : 0) || f.labels[v] !== (keep ? id : 0)) wrong++;
      }
      expect(wrong).toBe(0);
      // Same as labelling afresh with that minimum size.
      const fresh = labelClusters(d, dims, { threshold: c.threshold, minSize });
      expect(fresh.labels).toEqual(f.labels);
    }
  });

  it('filterClusters can reuse buffers', () => {
    const a = filterClusters(res, 5);
    const b = filterClusters(res, 10, { labels: a.labels, kept: a.kept });
    expect(b.labels).toBe(a.labels);
    expect(b.kept).toBe(a.kept);
    expect(b.labels).toEqual(filterClusters(res, 10).labels);
  });

  it('clusterAt returns the stats of the cluster under the crosshair and whether it is kept', () => {
    const filtered: ClusterResult = filterClusters(res, 10);
    let checkedKept = 0,
      checkedDropped = 0;
    for (let v = 0; v < d.length; v++) {
      const hit = clusterAt(filtered, v);
      const id = res.allLabels[v];
      if (id === 0) {
        expect(hit).toBeNull();
        continue;
      }
      expect(hit!.cluster.id).toBe(id);
      expect(hit!.kept).toBe(hit!.cluster.size >= 10);
      if (hit!.kept) checkedKept++;
      else checkedDropped++;
    }
    expect(checkedKept).toBeGreaterThan(0);
    expect(checkedDropped).toBeGreaterThan(0);
    expect(clusterAt(filtered, -1)).toBeNull();
    expect(clusterAt(filtered, d.length)).toBeNull();
  });
});
