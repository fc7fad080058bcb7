/**
 * The research worker's logic (src/worker/research.ts) driven directly: relabelling only when the
 * threshold changes, re-filtering on a new minimum size, guides and cluster statistics against
 * brute-force references, region jump targets, and NIfTI exports read back.
 */
import { describe, expect, it } from 'vitest';
import { mismatches } from './helpers/arrays';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ResearchSession } from '../src/worker/research';
import { clusterStatsAt, type ClusterState } from '../src/state/research';
import { readNifti, writeNifti } from '../src/core/nifti';
import { CAT12_GRID } from '../src/core/volume/grid';
import { regionJumpTargets } from '../src/core/analysis/regionTargets';
import type { ClusterUpdate } from '../src/worker/researchProtocol';

const [NX, NY, NZ] = CAT12_GRID.dims;
const N = NX * NY * NZ;
const idx = (i: number, j: number, k: number) => i + NX * (j + NY * k);

/** A map with known blobs: a positive 5x5x5 cube (125 voxels), a negative 3x3x3 cube (27), a positive 2-voxel pair. */
function blobMap(): Float32Array {
  const m = new Float32Array(N);
  for (let k = 40; k < 45; k++) for (let j = 60; j < 65; j++) for (let i = 50; i < 55; i++) m[idx(i, j, k)] = 0.5 + 0.01 * (i - 50);
  for (let k = 70; k < 73; k++) for (let j = 80; j < 83; j++) for (let i = 30; i < 33; i++) m[idx(i, j, k)] = -0.6;
  m[idx(90, 20, 20)] = 0.9;
  m[idx(91, 20, 20)] = 0.8;
  return m;
}

function asState(u: ClusterUpdate, prev?: ClusterState): ClusterState {
  return { ...u, allLabels: u.allLabels ?? prev!.allLabels, table: u.table ?? prev!.table, roundTripMs: 0 };
}

describe('ResearchSession clusters', () => {
  const display = blobMap();
  const s = new ResearchSession();
  s.setMap('a', display, display);

  it('labels positive and negative clusters separately, filters by size, and only relabels when the threshold changes', () => {
    const first = s.clusters(1, 'a', 0.4, 50);
    expect(first.relabelled).toBe(true);
    expect(first.table!.positiveCount).toBe(2);
    expect(first.table!.negativeCount).toBe(1);
    expect(first.keptCount).toBe(1); // only the 125-voxel cube has >= 50 voxels
    expect(first.kept.reduce((a, b) => a + b, 0)).toBe(125);
    // Histogram: sizes 125 (bin 12), 27 (bin 2), 2 (bin 0).
    expect(
      Array.from(first.sizeHistogram)
        .map((c, b) => (c ? b : -1))
        .filter((b) => b >= 0),
    ).toEqual([0, 2, 12]);

    const refilter = s.clusters(2, 'a', 0.4, 2);
    expect(refilter.relabelled).toBe(false);
    expect(refilter.allLabels).toBeNull();
    expect(refilter.keptCount).toBe(3);
    expect(refilter.kept.reduce((a, b) => a + b, 0)).toBe(125 + 27 + 2);

    const relabel = s.clusters(3, 'a', 0.85, 2);
    expect(relabel.relabelled).toBe(true);
    expect(relabel.keptCount).toBe(0); // the pair at 0.9/0.8 is now a single voxel
    expect(relabel.table!.positiveCount).toBe(1);
  });

  it('guides are the per-slice sums of surviving voxels (brute force)', () => {
    const u = s.clusters(4, 'a', 0.4, 20);
    for (const axis of [0, 1, 2] as const) {
      const len = CAT12_GRID.dims[axis];
      const pos = new Float64Array(len);
      const neg = new Float64Array(len);
      for (let k = 0; k < NZ; k++)
        for (let j = 0; j < NY; j++)
          for (let i = 0; i < NX; i++) {
            const v = idx(i, j, k);
            if (!u.kept[v]) continue;
            const sl = [i, j, k][axis];
            if (display[v] > 0) pos[sl] += display[v];
            else neg[sl] += display[v];
          }
      for (let q = 0; q < len; q++) {
        expect(u.guides[axis].positive[q]).toBeCloseTo(pos[q], 4);
        expect(u.guides[axis].negative[q]).toBeCloseTo(neg[q], 4);
      }
    }
    // The negative cube (27 voxels of -0.6) spans slices k = 70..72: -0.6 * 9 per slice.
    expect(u.guides[2].negative[71]).toBeCloseTo(-5.4, 4);
  });

  it('cluster statistics at a voxel: size, mm3, mean, peak and whether it survived', () => {
    const first = s.clusters(5, 'a', 0.41, 50); // a new threshold: relabelled, full labels sent
    const state = asState(first);
    const cube = clusterStatsAt(state, [52, 62, 42])!;
    expect(cube.size).toBe(125);
    expect(cube.sizeMm3).toBeCloseTo(125 * 3.375, 6);
    expect(cube.mean).toBeCloseTo(0.52, 5); // mean of 0.50..0.54
    expect(cube.peak).toBeCloseTo(0.54, 5);
    expect(cube.kept).toBe(true);
    const neg = clusterStatsAt(state, [31, 81, 71])!;
    expect(neg).toMatchObject({ sign: -1, size: 27, kept: false });
    expect(neg.peak).toBeCloseTo(-0.6, 5);
    expect(clusterStatsAt(state, [0, 0, 0])).toBeNull();
    // After a re-filter (no new labels sent) the same lookups see the new survival state.
    const again = asState(s.clusters(6, 'a', 0.41, 10), state);
    expect(clusterStatsAt(again, [31, 81, 71])!.kept).toBe(true);
  });

  it('refuses work on a map it does not hold', () => {
    expect(() => s.clusters(7, 'other', 0.4, 50)).toThrow(/not in the research worker/);
  });
});

describe('region jump targets', () => {
  it('the peak of positive relevance, else the region voxel nearest the centroid', () => {
    const labels = new Uint8Array(N);
    const rel = new Float32Array(N);
    for (let i = 10; i < 20; i++) labels[idx(i, 30, 30)] = 1; // a line along i
    rel[idx(13, 30, 30)] = 0.2;
    rel[idx(17, 30, 30)] = 0.7;
    for (let i = 40; i < 45; i++) labels[idx(i, 50, 50)] = 2; // no positive relevance
    rel[idx(40, 50, 50)] = -1;
    const t = regionJumpTargets(rel, labels, CAT12_GRID.dims);
    expect(t[1]).toBe(idx(17, 30, 30));
    expect(t[2]).toBe(idx(42, 50, 50));
    expect(t[3]).toBe(-1);
  });

  it('are sent with the map when the session has the atlas', () => {
    const s = new ResearchSession();
    const labels = new Uint8Array(N);
    labels[idx(5, 6, 7)] = 4;
    s.setAtlas(labels);
    const ready = s.setMap('k', new Float32Array(N), new Float32Array(N));
    expect(ready.regionTargets![4]).toBe(idx(5, 6, 7));
  });
});

describe('NIfTI export', () => {
  const raw = new Float32Array(N).map((_, v) => ((v % 97) - 48) * 1e-4);
  const display = blobMap();
  const s = new ResearchSession();
  s.setMap('m', display, raw);

  it('raw and display maps on the CAT12 grid read back exactly, with the grid affine', () => {
    for (const [kind, data] of [
      ['raw', raw],
      ['display', display],
    ] as const) {
      const f = s.exportNifti(1, 'm', kind, 'grid');
      expect(f.name).toBe(`relevance_${kind}_grid.nii.gz`);
      const img = readNifti(f.bytes);
      expect(img.volume.dims).toEqual([NX, NY, NZ]);
      expect(img.volume.affine).toEqual(Array.from(CAT12_GRID.affine));
      expect(mismatches(img.volume.data, data)).toBe(0);
    }
  });

  it('in scan space: reads the scan header and resamples onto its grid (RAS scan = mirrored map)', () => {
    const ras = [1.5, 0, 0, -90, 0, 1.5, 0, -126, 0, 0, 1.5, -72, 0, 0, 0, 1];
    const scanBytes = writeNifti({ dims: [NX, NY, NZ], affine: ras, data: new Float32Array(N) }, { datatype: 'uint8', gzip: false });
    const f = s.exportNifti(2, 'm', 'raw', 'scan', new Uint8Array(gzipSync(scanBytes)));
    const img = readNifti(f.bytes);
    expect(img.volume.affine).toEqual(ras);
    expect(img.volume.data[idx(NX - 1 - 3, 4, 5)]).toBe(raw[idx(3, 4, 5)]);
    expect(() => s.exportNifti(3, 'm', 'raw', 'scan')).toThrow(/original scan/);
  });
});

describe('NIfTI export of a fold ensemble', () => {
  const raw = new Float32Array(N).map((_, v) => ((v % 89) - 44) * 1e-4);
  const spread = new Float32Array(N).map((_, v) => (v % 13) * 1e-5);
  const s = new ResearchSession();
  s.setMap('e', blobMap(), raw, spread);
  const models = Array.from({ length: 10 }, (_, k) => `demo · cross-validation fold ${k} · LRP-CMP`);

  it('the spread map reads back exactly; the file names the averaged models (description and a comment extension read by hand)', () => {
    const f = s.exportNifti(4, 'e', 'spread', 'grid', undefined, false, { kind: 'ensemble', models });
    expect(f.name).toBe('relevance_spread_grid.nii.gz');
    expect(mismatches(readNifti(f.bytes).volume.data, spread)).toBe(0);
    const bytes = new Uint8Array(gunzipSync(f.bytes));
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    const description = new TextDecoder().decode(bytes.subarray(148, 228)).replace(/\0+$/, '');
    expect(description).toBe('LRP fold SD (mean of 10), CAT12 grid; not a diagnosis');
    expect(bytes[348]).toBe(1); // extension flag
    const esize = v.getInt32(352, true);
    expect(v.getInt32(356, true)).toBe(6); // comment
    expect(esize % 16).toBe(0);
    expect(v.getFloat32(108, true)).toBe(352 + esize); // vox_offset after the extension
    const comment = JSON.parse(new TextDecoder().decode(bytes.subarray(360, 352 + esize)).replace(/\0+$/, '')) as { combination: string; models: string[] };
    expect(comment.combination).toBe('ensemble');
    expect(comment.models).toEqual(models);
    // The mean map carries the same provenance.
    const mean = s.exportNifti(5, 'e', 'raw', 'grid', undefined, false, { kind: 'ensemble', models });
    expect(mismatches(readNifti(mean.bytes).volume.data, raw)).toBe(0);
    expect(new TextDecoder().decode(new Uint8Array(gunzipSync(mean.bytes)).subarray(148, 228))).toMatch(/^LRP raw relevance \(mean of 10\)/);
  });

  it('a map without a spread refuses the spread export in one sentence; a single map has no extension', () => {
    const single = new ResearchSession();
    single.setMap('m', blobMap(), raw);
    expect(() => single.exportNifti(6, 'm', 'spread', 'grid')).toThrow(/Only a fold ensemble/);
    const plain = new Uint8Array(gunzipSync(single.exportNifti(7, 'm', 'raw', 'grid').bytes));
    expect(plain[348]).toBe(0);
    expect(new DataView(plain.buffer, plain.byteOffset).getFloat32(108, true)).toBe(352);
  });
});
