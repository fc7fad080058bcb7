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
let scratchQueue: Int32Array | null = null;

const POSITIVE = 1;
const NEGATIVE = 2;

/**
 * Label positive and negative supra-threshold clusters, then apply the size filter.
 * Breadth-first flood fill over a zero-padded sign mask (no bounds checks in the inner loop) with a
 * preallocated queue; each voxel is enqueued at most once.
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
  const pplane = px * py;
  const pn = pplane * (nz + 2);
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

  // 18 neighbours in padded index offsets: |di| + |dj| + |dk| is 1 or 2.
  const offsets: number[] = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const m = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (m === 1 || m === 2) offsets.push(di + px * (dj + py * dk));
      }
  const off = Int32Array.from(offsets);

  if (!scratchQueue || scratchQueue.length < Math.max(foreground, 1)) scratchQueue = new Int32Array(Math.max(foreground, 1024));
  const queue = scratchQueue;
  const allLabels = new Int32Array(n);
  const positives: Cluster[] = [];
  const negatives: Cluster[] = [];

  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const rowStart = 1 + px * (j + 1 + py * (k + 1));
      for (let i = 0; i < nx; i++) {
        const seed = rowStart + i;
        const code = mask[seed];
        if (code === 0) continue;
        const sign: 1 | -1 = code === POSITIVE ? 1 : -1;
        const id = sign === 1 ? positives.length + 1 : -(negatives.length + 1);
        mask[seed] = 0; // visited: cleared as soon as enqueued
        queue[0] = seed;
        let head = 0;
        let tail = 1;
        let sum = 0;
        let si = 0;
        let sj = 0;
        let sk = 0;
        let peak = 0;
        let peakVoxel = -1;
        while (head < tail) {
          const p = queue[head++];
          // Unpadded coordinates (needed for the label volume and the centroid).
          const kk = ((p / pplane) | 0) - 1;
          const rem = p - (kk + 1) * pplane;
          const jj = ((rem / px) | 0) - 1;
          const ii = rem - (jj + 1) * px - 1;
          const v = ii + nx * (jj + ny * kk);
          allLabels[v] = id;
          const r = display[v];
          sum += r;
          si += ii;
          sj += jj;
          sk += kk;
          // Ties go to the lowest voxel index, independent of the traversal order.
          if ((sign === 1 ? r > peak : r < peak) || (r === peak && v < peakVoxel)) {
            peak = r;
            peakVoxel = v;
          }
          for (let t = 0; t < 18; t++) {
            const q = p + off[t];
            if (mask[q] === code) {
              mask[q] = 0;
              queue[tail++] = q;
            }
          }
        }
        const size = tail;
        const cluster: Cluster = {
          id,
          sign,
          size,
          sizeMm3: size * voxelMm3,
          sum,
          mean: sum / size,
          peak,
          peakVoxel,
          centroid: [si / size, sj / size, sk / size],
        };
        if (sign === 1) positives.push(cluster);
        else negatives.push(cluster);
      }
    }
  }

  const clusters = positives.concat(negatives);
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
    positiveCount: positives.length,
    negativeCount: negatives.length,
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
export function filterClusters(
  result: ClusterResult,
  minSize: number,
  reuse?: { labels: Int32Array; kept: Uint8Array },
): ClusterResult {
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
