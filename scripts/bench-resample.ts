/**
 * Times resampleToGrid onto the CAT12 grid (121 x 145 x 121 target voxels) from a 1 mm RAS
 * MNI-like source (181 x 217 x 181, the mricron template geometry) and from an oblique 1.2 mm one.
 * Run: npx tsx scripts/bench-resample.ts
 */
import { multiply } from '../src/core/volume/affine';
import { CAT12_GRID } from '../src/core/volume/grid';
import { resampleToGrid, type ResampleMode } from '../src/core/volume/resample';
import type { Volume } from '../src/core/volume/types';

function volume(dims: [number, number, number], affine: number[]): Volume<Float32Array> {
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let n = 0; n < data.length; n++) data[n] = (n % 997) / 997;
  return { dims, data, affine };
}

const c = Math.cos(0.17);
const s = Math.sin(0.17);
const cases: [string, Volume<Float32Array>][] = [
  ['1 mm RAS 181x217x181', volume([181, 217, 181], [1, 0, 0, -90, 0, 1, 0, -125, 0, 0, 1, -71, 0, 0, 0, 1])],
  [
    '1.2 mm oblique 160x190x160',
    volume([160, 190, 160], multiply([c, -s, 0, 0, s, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [1.2, 0, 0, -96, 0, 1.2, 0, -120, 0, 0, 1.2, -80, 0, 0, 0, 1])),
  ],
  ['on grid (copy)', volume([121, 145, 121], Array.from(CAT12_GRID.affine))],
];

for (const [name, v] of cases) {
  for (const mode of ['trilinear', 'nearest'] as ResampleMode[]) {
    resampleToGrid(v, CAT12_GRID, mode); // warm-up (JIT)
    const runs = 5;
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      resampleToGrid(v, CAT12_GRID, mode);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(28)} ${mode.padEnd(9)} median ${times[runs >> 1]!.toFixed(1)} ms  (min ${times[0]!.toFixed(1)}, max ${times[runs - 1]!.toFixed(1)})`,
    );
  }
}
