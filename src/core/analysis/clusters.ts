/**
 * Connected clusters of supra-threshold relevance on a display map, 18-connectivity (faces and
 * edges, not corners; scipy.ndimage.generate_binary_structure(3, 2)).
 *
 * Positive (R >= threshold) and negative (R <= -threshold) relevance are labelled separately and
 * never merge: the original app cast the map to integers before labelling and so lost most
 * negative clusters; we do not. Voxels equal to 0 never belong to a cluster, whatever the threshold.
 *
 * Labelling (labelClusters) is the expensive step, done when the map or the threshold changes; the
 * minimum-size filter (filterClusters) only re-reads the unfiltered label volume, so dragging the
 * cluster-size slider never relabels.
 */
import type { Dims3 } from '../volume/types';

export const VOXEL_VOLUME_MM3 = 1.5 * 1.5 * 1.5; // CAT12 grid: 3.375 mm^3
export const SIZE_HISTOGRAM_BINS = 20;
export const SIZE_HISTOGRAM_BIN_WIDTH = 10;

export interface Cluster {
  /** > 0 for positive clusters (1, 2, ...), < 0 for negative ones (-1, -2, ...), in scan order of first voxel. */
  id: number;
  sign: 1 | -1;
  /** Voxels. */
  size: number;
  sizeMm3: number;
  /** Sum of the display values over the cluster. */
  sum: number;
  mean: number;
  /** Largest |R| in the cluster, with its sign (max for positive clusters, min for negative ones). */
  peak: number;
  /** Voxel index (i + nx * (j + ny * k)) of the first voxel holding the peak. */
  peakVoxel: number;
  /** Mean voxel coordinates [i, j, k] (unweighted). */
  centroid: [number, number, number];
}

export interface ClusterOptions {
  /** Threshold on |R|: positive voxels need R >= threshold, negative ones R <= -threshold. */
  threshold: number;
  /** Clusters with fewer voxels are dropped from `labels` and `kept`. */
  minSize: number;
  /** Voxel volume in mm^3 for sizeMm3 (default 3.375, the 1.5 mm grid). */
  voxelVolumeMm3?: number;
}

export interface ClusterResult {
  dims: Dims3;
  threshold: number;
  minSize: number;
  /** Every cluster's id per voxel before the size filter (0 = below threshold). Do not modify. */
  allLabels: Int32Array;
  /** Cluster ids after the size filter: 0 = below threshold or filtered out. */
  labels: Int32Array;
  /** 1 where the voxel belongs to a cluster that survived the size filter. */
  kept: Uint8Array;
  /** All clusters (before the filter): the positive ones (ids 1..positiveCount), then the negative ones. */
  clusters: Cluster[];
  positiveCount: number;
  negativeCount: number;
  /** Number of clusters that survived the size filter. */
  keptCount: number;
  /** Sizes of all clusters before the filter, clipped at 200, 20 bins of 10 voxels; the last bin holds 190..200+. */
  sizeHistogram: Uint32Array;
}

/** Bin of a cluster size in the size histogram. */
export function sizeHistogramBin(size: number): number {
  const clipped = Math.min(size, SIZE_HISTOGRAM_BINS * SIZE_HISTOGRAM_BIN_WIDTH);
  return Math.min(Math.floor(clipped / SIZE_HISTOGRAM_BIN_WIDTH), SIZE_HISTOGRAM_BINS - 1);
}

// Scratch reused between labellings of maps of one size (the slider case).
let scratchMask: Uint8Array | null = null;
let scratchParent: Int32Array | null = null;
let scratchSign: Uint8Array | null = null;

const POSITIVE = 1;
const NEGATIVE = 2;

/** Root of a provisional label, halving the path on the way. */
function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    const g = parent[parent[x]];
    parent[x] = g;
    x = g;
  }
  return x;
}

/**
 * Label positive and negative supra-threshold clusters, then apply the size filter.
 *
 * Two raster passes with union-find (classic connected-component labelling): memory is read in
 * storage order, which on a dense map is several times faster than a flood fill whose frontier
 * jumps between planes. Pass 1 gives each voxel a provisional label from its 9 already-visited
 * 18-neighbours (unioning labels that meet); neighbour tests go through a zero-padded sign mask, so
 * the inner loop has no bounds checks and + never meets -. One sweep over the labels flattens the
 * union-find forest and numbers clusters in scan order of their first voxel; pass 2 writes the final
 * ids and accumulates each cluster's statistics.
 */
export function labelClusters(display: Float32Array, dims: Dims3, options: ClusterOptions): ClusterResult {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  if (display.length !== n) throw new RangeError(`labelClusters: map has ${display.length} voxels, dims say ${n}`);
  const threshold = options.threshold;
  const voxelMm3 = options.voxelVolumeMm3 ?? VOXEL_VOLUME_MM3;

  // Padded grid: one layer of zeros on every side.
  const px = nx + 2;
  const py = ny + 2;
  const pn = px * py * (nz + 2);
  if (!scratchMask || scratchMask.length !== pn) scratchMask = new Uint8Array(pn);
  const mask = scratchMask;
  mask.fill(0);
  let foreground = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const src = nx * (j + ny * k);
      const dst = 1 + px * (j + 1 + py * (k + 1));
      for (let i = 0; i < nx; i++) {
        const r = display[src + i];
        if (r >= threshold && r > 0) {
          mask[dst + i] = POSITIVE;
          foreground++;
        } else if (r <= -threshold && r < 0) {
          mask[dst + i] = NEGATIVE;
          foreground++;
        }
      }
    }
  }

  // The 9 of the 18 neighbours that precede a voxel in storage order (|di|+|dj|+|dk| = 1 or 2),
  // as offsets in the padded mask and in the unpadded volume.
  const pOff: number[] = [];
  const vOff: number[] = [];
  for (let dk = -1; dk <= 0; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const m = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        const before = dk < 0 || (dk === 0 && (dj < 0 || (dj === 0 && di < 0)));
        if (before && (m === 1 || m === 2)) {
          pOff.push(di + px * (dj + py * dk));
          vOff.push(di + nx * (dj + ny * dk));
        }
      }
  const nb = pOff.length; // 9
  const po = Int32Array.from(pOff);
  const vo = Int32Array.from(vOff);

  // Pass 1: provisional labels 1..next-1 in allLabels, equivalences in parent.
  if (!scratchParent || scratchParent.length < foreground + 1) scratchParent = new Int32Array(foreground + 1);
  const parent = scratchParent;
  if (!scratchSign || scratchSign.length < foreground + 1) scratchSign = new Uint8Array(foreground + 1);
  const sign = scratchSign; // sign code of each provisional label
  const allLabels = new Int32Array(n);
  let next = 1;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const v0 = nx * (j + ny * k);
      const p0 = 1 + px * (j + 1 + py * (k + 1));
      for (let i = 0; i < nx; i++) {
        const p = p0 + i;
        const code = mask[p];
        if (code === 0) continue;
        const v = v0 + i;
        let lab = 0;
        for (let t = 0; t < nb; t++) {
          if (mask[p + po[t]] !== code) continue;
          const l = allLabels[v + vo[t]];
          if (lab === 0) {
            lab = l;
          } else if (l !== lab) {
            const a = find(parent, lab);
            const b = find(parent, l);
            if (a < b) parent[b] = a;
            else if (b < a) parent[a] = b;
          }
        }
        if (lab === 0) {
          lab = next++;
          parent[lab] = lab;
          sign[lab] = code;
        }
        allLabels[v] = lab;
      }
    }
  }

  // Roots are always the smaller label (see the union above) and every label points below itself,
  // so one ascending sweep flattens the forest. A cluster's root is the label created at its first
  // voxel in scan order, so numbering roots in ascending order numbers clusters in scan order.
  const finalId = new Int32Array(next); // provisional label -> signed cluster id
  let nPos = 0;
  let nNeg = 0;
  for (let x = 1; x < next; x++) {
    const root = parent[x];
    if (root === x) finalId[x] = sign[x] === POSITIVE ? ++nPos : -++nNeg;
    else {
      parent[x] = parent[root];
      finalId[x] = finalId[parent[x]];
    }
  }

  // Pass 2: final ids and statistics, indexed by cluster slot (positives first, then negatives).
  const slots = nPos + nNeg;
  const count = new Float64Array(slots);
  const sum = new Float64Array(slots);
  const si = new Float64Array(slots);
  const sj = new Float64Array(slots);
  const sk = new Float64Array(slots);
  const peak = new Float32Array(slots);
  const peakVoxel = new Int32Array(slots).fill(-1);
  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        const l = allLabels[v];
        if (l === 0) continue;
        const id = finalId[l];
        const c = id > 0 ? id - 1 : nPos - id - 1;
        const r = display[v];
        // Strictly larger |R| only: ties keep the earliest (lowest) voxel index.
        if (peakVoxel[c] < 0 || (id > 0 ? r > peak[c] : r < peak[c])) {
          peak[c] = r;
          peakVoxel[c] = v;
        }
        allLabels[v] = id;
        count[c]++;
        sum[c] += r;
        si[c] += i;
        sj[c] += j;
        sk[c] += k;
      }
    }
  }

  const clusters: Cluster[] = new Array(slots);
  for (let c = 0; c < slots; c++) {
    const size = count[c];
    clusters[c] = {
      id: c < nPos ? c + 1 : -(c - nPos + 1),
      sign: c < nPos ? 1 : -1,
      size,
      sizeMm3: size * voxelMm3,
      sum: sum[c],
      mean: sum[c] / size,
      peak: peak[c],
      peakVoxel: peakVoxel[c],
      centroid: [si[c] / size, sj[c] / size, sk[c] / size],
    };
  }

  const sizeHistogram = new Uint32Array(SIZE_HISTOGRAM_BINS);
  for (const c of clusters) sizeHistogram[sizeHistogramBin(c.size)]++;

  const unfiltered: ClusterResult = {
    dims,
    threshold,
    minSize: 0,
    allLabels,
    labels: allLabels,
    kept: new Uint8Array(0),
    clusters,
    positiveCount: nPos,
    negativeCount: nNeg,
    keptCount: clusters.length,
    sizeHistogram,
  };
  return filterClusters(unfiltered, options.minSize);
}

/**
 * Apply a new minimum cluster size without relabelling: a new result sharing allLabels, clusters
 * and the histogram with `result`, with fresh `labels` and `kept` (or the buffers in `reuse`, e.g.
 * those of a result that is no longer displayed).
 */
export function filterClusters(result: ClusterResult, minSize: number, reuse?: { labels: Int32Array; kept: Uint8Array }): ClusterResult {
  const { allLabels, clusters, positiveCount, negativeCount } = result;
  const n = allLabels.length;
  // keep[id + negativeCount] for id in -negativeCount..positiveCount; index negativeCount (id 0) stays 0.
  const keep = new Uint8Array(positiveCount + negativeCount + 1);
  let keptCount = 0;
  for (const c of clusters) {
    if (c.size >= minSize) {
      keep[c.id + negativeCount] = 1;
      keptCount++;
    }
  }
  const labels = reuse && reuse.labels.length === n && reuse.labels !== allLabels ? reuse.labels : new Int32Array(n);
  const kept = reuse && reuse.kept.length === n ? reuse.kept : new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    const id = allLabels[v];
    const k = keep[id + negativeCount];
    kept[v] = k;
    labels[v] = k ? id : 0;
  }
  return { ...result, minSize, labels, kept, keptCount };
}

/** The cluster a cluster id names, or null. */
export function clusterById(result: ClusterResult, id: number): Cluster | null {
  if (id > 0 && id <= result.positiveCount) return result.clusters[id - 1];
  if (id < 0 && -id <= result.negativeCount) return result.clusters[result.positiveCount - id - 1];
  return null;
}

/**
 * For the crosshair readout: the cluster containing a voxel (before the size filter) and whether it
 * survived the filter; null when the voxel is below threshold.
 */
export function clusterAt(result: ClusterResult, voxelIndex: number): { cluster: Cluster; kept: boolean } | null {
  if (!(voxelIndex >= 0 && voxelIndex < result.allLabels.length)) return null;
  const cluster = clusterById(result, result.allLabels[voxelIndex]);
  if (!cluster) return null;
  return { cluster, kept: result.kept[voxelIndex] === 1 };
}
