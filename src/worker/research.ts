/**
 * The research worker's state and work, free of worker plumbing so that Node tests can drive it:
 * the maps of the result on screen, the atlas, and the last cluster labelling.
 *
 * Labelling is the expensive step; it runs only when the map or the threshold changes. A new
 * minimum cluster size only re-filters the labelling already made (filterClusters).
 */
import { filterClusters, labelClusters, type ClusterResult } from '../core/analysis/clusters';
import { sliceSums } from '../core/analysis/guides';
import { regionJumpTargets } from '../core/analysis/regionTargets';
import { gridMapToScan, gridVolume } from '../core/analysis/scanSpace';
import { InputError } from '../core/errors';
import { readNifti, writeNifti } from '../core/nifti';
import { CAT12_GRID } from '../core/volume/grid';
import type { Volume } from '../core/volume/types';
import type { ClusterTable, ClusterUpdate, ExportedFile, MapKind, MapReady, MapSpace } from './researchProtocol';

const DIMS = CAT12_GRID.dims;

export class ResearchSession {
  private atlas: Uint8Array | null = null;
  private map: { key: string; display: Float32Array; relevance: Float32Array; spread?: Float32Array } | null = null;
  private labelled: ClusterResult | null = null;
  private filtered: ClusterResult | null = null;

  setAtlas(labels: Uint8Array): void {
    this.atlas = labels;
  }

  setMap(key: string, display: Float32Array, relevance: Float32Array, spread?: Float32Array): MapReady {
    const n = DIMS[0] * DIMS[1] * DIMS[2];
    if (display.length !== n || relevance.length !== n || (spread && spread.length !== n)) throw new RangeError(`maps must have ${n} voxels`);
    this.map = { key, display, relevance, spread };
    this.labelled = null;
    this.filtered = null;
    const regionTargets = this.atlas ? regionJumpTargets(relevance, this.atlas, DIMS) : null;
    return { type: 'map-ready', key, regionTargets };
  }

  clusters(seq: number, key: string, threshold: number, minSize: number): ClusterUpdate {
    const t0 = performance.now();
    const map = this.requireMap(key);
    const relabel = !this.labelled || this.labelled.threshold !== threshold;
    if (relabel) {
      this.labelled = labelClusters(map.display, DIMS, { threshold, minSize });
      this.filtered = this.labelled;
    } else {
      // Reuse the buffers of the previous filter: the page received copies (see transferables()).
      this.filtered = filterClusters(this.labelled!, minSize, this.filtered && this.filtered !== this.labelled ? this.filtered : undefined);
    }
    const r = this.filtered!;
    const guides = ([0, 1, 2] as const).map((axis) => sliceSums(map.display, r.kept, DIMS, axis)) as ClusterUpdate['guides'];
    return {
      type: 'clusters',
      seq,
      key,
      threshold,
      minSize,
      relabelled: relabel,
      allLabels: relabel ? r.allLabels.slice() : null,
      table: relabel ? clusterTable(r) : null,
      kept: r.kept.slice(),
      keptCount: r.keptCount,
      sizeHistogram: r.sizeHistogram.slice(),
      guides,
      workerMs: performance.now() - t0,
    };
  }

  /**
   * A relevance map as a gzipped float32 NIfTI, on the CAT12 grid or resampled into the scan's space.
   * A combined map names its models: briefly in the description, in full in a comment extension.
   */
  exportNifti(
    seq: number,
    key: string,
    kind: MapKind,
    space: MapSpace,
    scanBytes?: Uint8Array,
    doubtful = false,
    combination?: { kind: string; models: string[] },
  ): ExportedFile {
    const map = this.requireMap(key);
    if (kind === 'spread' && !map.spread) throw new InputError('Only a fold ensemble has a fold-spread map; choose the fold ensemble as the model.');
    const data = kind === 'raw' ? map.relevance : kind === 'spread' ? map.spread! : map.display;
    let volume: Volume<Float32Array> = gridVolume(data);
    if (space === 'scan') {
      if (!scanBytes) throw new InputError('The original scan is needed to export in its space; load it again.');
      const scan = readNifti(scanBytes).volume;
      volume = gridMapToScan(data, { dims: scan.dims, affine: scan.affine });
    }
    // The header's 79 characters carry the caution too; the session report has the full sentences.
    const what = kind === 'spread' ? 'LRP fold SD' : `LRP ${kind} relevance`;
    const of = combination && combination.kind !== 'difference' ? ` (mean of ${combination.models.length})` : combination ? ' (A-B)' : '';
    const description = `${what}${of}, ${space === 'grid' ? 'CAT12 grid' : 'scan space'}; ${doubtful ? 'DOUBTFUL INPUT; ' : ''}not a diagnosis`;
    const comment = combination
      ? JSON.stringify({
          map: kind === 'spread' ? 'per-voxel sample SD of the raw relevance across the folds' : `${kind} relevance`,
          combination: combination.kind,
          models: combination.models,
        })
      : undefined;
    const bytes = writeNifti(volume, { datatype: 'float32', gzip: true, description, comment });
    return { type: 'file', seq, name: `relevance_${kind}_${space}.nii.gz`, bytes };
  }

  private requireMap(key: string): { display: Float32Array; relevance: Float32Array; spread?: Float32Array } {
    if (!this.map || this.map.key !== key) throw new Error('The relevance map is not in the research worker yet; try again.');
    return this.map;
  }
}

function clusterTable(r: ClusterResult): ClusterTable {
  const n = r.clusters.length;
  const size = new Int32Array(n);
  const mean = new Float32Array(n);
  const peak = new Float32Array(n);
  const peakVoxel = new Int32Array(n);
  r.clusters.forEach((c, s) => {
    size[s] = c.size;
    mean[s] = c.mean;
    peak[s] = c.peak;
    peakVoxel[s] = c.peakVoxel;
  });
  return { positiveCount: r.positiveCount, negativeCount: r.negativeCount, size, mean, peak, peakVoxel };
}

/** Buffers a response can transfer rather than copy. */
export function transferables(msg: ClusterUpdate | MapReady | ExportedFile): ArrayBuffer[] {
  const out: ArrayBufferLike[] = [];
  if (msg.type === 'clusters') {
    out.push(msg.kept.buffer, msg.sizeHistogram.buffer);
    if (msg.allLabels) out.push(msg.allLabels.buffer);
    if (msg.table) out.push(msg.table.size.buffer, msg.table.mean.buffer, msg.table.peak.buffer, msg.table.peakVoxel.buffer);
    for (const g of msg.guides) out.push(g.positive.buffer, g.negative.buffer);
  } else if (msg.type === 'map-ready') {
    if (msg.regionTargets) out.push(msg.regionTargets.buffer);
  } else out.push(msg.bytes.buffer);
  return [...new Set(out)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}
