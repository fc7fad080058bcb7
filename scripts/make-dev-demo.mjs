#!/usr/bin/env node
// Writes a tiny set of SYNTHETIC demo cases to public/demo/ for developing the viewer
// (the integrator replaces them with the real demo cohort). Each case is a gray-matter-like
// map on the 121x145x121 CAT12 grid, stored as uint8 with scl_slope 1/255, gzipped.
// Usage: node scripts/make-dev-demo.mjs
import { gzipSync } from 'fflate';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'demo');
const [NX, NY, NZ] = [121, 145, 121];

/** Minimal NIfTI-1 single-file writer (uint8 voxels, sform = the grid affine). */
function nifti1Uint8(data, slope) {
  const header = new ArrayBuffer(352);
  const dv = new DataView(header);
  dv.setInt32(0, 348, true);
  [3, NX, NY, NZ, 1, 1, 1, 1].forEach((d, i) => dv.setInt16(40 + 2 * i, d, true));
  dv.setInt16(70, 2, true); // DT_UINT8
  dv.setInt16(72, 8, true);
  [1, 1.5, 1.5, 1.5, 1, 1, 1, 1].forEach((p, i) => dv.setFloat32(76 + 4 * i, p, true));
  dv.setFloat32(108, 352, true);
  dv.setFloat32(112, slope, true);
  dv.setFloat32(116, 0, true);
  dv.setUint8(123, 2); // mm
  dv.setInt16(254, 4, true); // sform_code MNI
  const srow = [[-1.5, 0, 0, 90], [0, 1.5, 0, -126], [0, 0, 1.5, -72]];
  srow.forEach((r, ri) => r.forEach((v, ci) => dv.setFloat32(280 + 16 * ri + 4 * ci, v, true)));
  new Uint8Array(header, 344, 4).set([0x6e, 0x2b, 0x31, 0]); // "n+1\0"
  const bytes = new Uint8Array(352 + data.length);
  bytes.set(new Uint8Array(header), 0);
  bytes.set(data, 352);
  return bytes;
}

/** A smooth brain-like GM map; `atrophy` thins the medial temporal lobes. */
function gmMap(atrophy, seed) {
  const data = new Uint8Array(NX * NY * NZ);
  for (let k = 0, v = 0; k < NZ; k++)
    for (let j = 0; j < NY; j++)
      for (let i = 0; i < NX; i++, v++) {
        const x = -1.5 * i + 90, y = 1.5 * j - 126, z = 1.5 * k - 72;
        const r = Math.hypot(x / 66, (y + 18) / 98, (z - 14) / 70);
        if (r > 1) continue;
        const cortex = Math.exp(-(((r - 0.88) / 0.08) ** 2));
        const folds = 0.25 * Math.sin(x / 5 + seed) * Math.sin(y / 6) * Math.sin(z / 4.5 + seed);
        let hippo = 0;
        for (const cx of [-26, 26]) hippo += 0.7 * Math.exp(-((x - cx) ** 2 + (y + 20) ** 2 * 0.3 + (z + 14) ** 2) / 60);
        const gm = Math.max(0, Math.min(1, 0.08 + 0.75 * cortex * (1 + folds) + hippo * (1 - atrophy)));
        data[v] = Math.round(gm * 255);
      }
  return data;
}

mkdirSync(out, { recursive: true });
const cases = [
  { id: 'dev-cn-01', group: 'CN', age: 71, sex: 'F', tiv: 1420, field: 3, atrophy: 0.05, seed: 0.3 },
  { id: 'dev-ad-01', group: 'AD', age: 76, sex: 'M', tiv: 1510, field: 3, atrophy: 0.6, seed: 1.1 },
];
const index = [];
for (const c of cases) {
  const file = `${c.id}.nii.gz`;
  writeFileSync(join(out, file), gzipSync(nifti1Uint8(gmMap(c.atrophy, c.seed), 1 / 255), { level: 9 }));
  index.push({ id: c.id, file, group: c.group, age: c.age, sex: c.sex, tiv: c.tiv, field: c.field });
}
writeFileSync(join(out, 'index.json'), JSON.stringify(index, null, 2) + '\n');
console.log(`wrote ${cases.length} synthetic cases to ${out}`);
