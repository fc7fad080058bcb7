/**
 * Timing of the display pipeline on a full CAT12-grid map (121 x 145 x 121):
 *   npx tsx scripts/bench-clusters.ts
 * The map is realistic in structure: seeded noise inside a brain-sized ellipsoid, smoothed twice so
 * that supra-threshold blobs have the sizes a relevance map shows, then put through the app's
 * display post-processing (sigma 0.8, fixed x500 scaling).
 */
import { displayMap } from '../src/core/analysis/scale';
import { filterClusters, labelClusters } from '../src/core/analysis/clusters';
import { gaussianSmooth } from '../src/core/analysis/smooth';
import { sliceSums } from '../src/core/analysis/guides';
import type { Dims3 } from '../src/core/volume/types';
import { cpus, loadavg } from 'node:os';
import { mulberry32 } from '../src/training/prng';

const dims: Dims3 = [121, 145, 121];
const [nx, ny, nz] = dims;
const n = nx * ny * nz;

function makeRawMap(): Float32Array {
  const r = mulberry32(42);
  const noise = new Float32Array(n);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const x = (i - 60) / 50,
          y = (j - 70) / 62,
          z = (k - 62) / 48;
        if (x * x + y * y + z * z > 1) continue;
        // Box-Muller normal noise, with a few strong sparse spots like LRP's hot voxels.
        const g = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
        noise[i + nx * (j + ny * k)] = (r() < 0.01 ? 8 : 1) * g * 1e-3;
      }
  const raw = gaussianSmooth(gaussianSmooth(noise, dims, 1.5), dims, 1.0);
  // Calibrate the amplitude: in-brain std of the display map (before clipping) about 0.3, so that
  // the default threshold 0.4 keeps roughly a fifth of the brain, as on a clear AD case.
  const sm = gaussianSmooth(raw, dims, 0.8);
  let ss = 0;
  let count = 0;
  for (let v = 0; v < n; v++)
    if (noise[v] !== 0) {
      ss += sm[v] * sm[v];
      count++;
    }
  const gain = 0.3 / (500 * Math.sqrt(ss / count));
  for (let v = 0; v < n; v++) raw[v] *= gain;
  return raw;
}

function time<T>(label: string, runs: number, f: () => T): T {
  let out = f(); // warm-up (JIT)
  const t: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    out = f();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} median ${t[t.length >> 1].toFixed(1).padStart(6)} ms   min ${t[0].toFixed(1).padStart(6)} ms   (${runs} runs)`);
  return out;
}

console.log(
  `${cpus().length} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (timings on a shared machine vary)`,
);
const raw = makeRawMap();
const display = time('displayMap (smooth 0.8 + fixed x500)', 10, () => displayMap(raw, dims, { scaling: 'fixed' }));
time('displayMap (smooth 0.8 + adaptive 99.99%)', 10, () => displayMap(raw, dims, { scaling: 'adaptive' }));

for (const threshold of [0.4, 0.2]) {
  const res = time(`labelClusters threshold ${threshold}`, 20, () => labelClusters(display, dims, { threshold, minSize: 50 }));
  let fg = 0;
  for (const l of res.allLabels) if (l !== 0) fg++;
  console.log(
    `  ${fg} supra-threshold voxels (${((100 * fg) / n).toFixed(1)} %), ${res.positiveCount} positive + ${res.negativeCount} negative clusters, ${res.keptCount} of size >= 50`,
  );
  let reuse: { labels: Int32Array; kept: Uint8Array } = { labels: new Int32Array(n), kept: new Uint8Array(n) };
  let m = 0;
  time(`filterClusters (new minSize, buffers reused)`, 50, () => {
    const f = filterClusters(res, 10 + (m++ % 90), reuse);
    reuse = { labels: f.labels, kept: f.kept };
    return f;
  });
  time(`filterClusters (new minSize, fresh buffers)`, 20, () => filterClusters(res, 10 + (m++ % 90)));
  time(`sliceSums axis 2`, 20, () => sliceSums(display, res.kept, dims, 2));
}

// Worst case for the flood fill: every voxel supra-threshold, one cluster of the whole grid.
const full = new Float32Array(n).fill(1);
time('labelClusters, every voxel supra-threshold', 10, () => labelClusters(full, dims, { threshold: 0.4, minSize: 50 }));
