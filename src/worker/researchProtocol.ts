/**
 * Messages between the page and the research worker (clusters, slice guides, region jump targets,
 * NIfTI exports). A worker of its own, separate from the analysis worker, so that cluster updates
 * stay responsive while a long analysis runs and the two protocols evolve independently.
 *
 * Everything voxel-shaped lives on the CAT12 grid (121 x 145 x 121, index i + 121 * (j + 145 * k)).
 */

/** Which relevance map an export writes (spread: a fold ensemble's raw SD across folds), and in which space. */
export type MapKind = 'raw' | 'display' | 'spread';
export type MapSpace = 'grid' | 'scan';

// ---- page -> worker ----
export interface ResearchAtlasRequest {
  type: 'atlas';
  labels: Uint8Array;
}
/** The result on screen: the worker keeps (copies of) its maps until the next one. */
export interface ResearchMapRequest {
  type: 'map';
  key: string;
  display: Float32Array;
  relevance: Float32Array;
  /** A fold ensemble's fold-spread map (raw SD across the folds). */
  spread?: Float32Array;
}
export interface ResearchClustersRequest {
  type: 'clusters';
  seq: number;
  key: string;
  threshold: number;
  minSize: number;
}
export interface ResearchExportRequest {
  type: 'export-nifti';
  seq: number;
  key: string;
  kind: MapKind;
  space: MapSpace;
  /** The original scan's file bytes (needed for space 'scan': its dims and affine). */
  scanBytes?: Uint8Array;
  /** The input gate doubted the scan: the file's description says so. */
  doubtful?: boolean;
  /** The models a combined map was made from (its kind and member labels): written into the file's comment extension. */
  combination?: { kind: string; models: string[] };
}
export type ResearchRequest = ResearchAtlasRequest | ResearchMapRequest | ResearchClustersRequest | ResearchExportRequest;

// ---- worker -> page ----
export interface SliceGuideData {
  positive: Float32Array;
  negative: Float32Array;
}

/** Cluster statistics packed per cluster slot: positives (ids 1..positiveCount) first, then negatives. */
export interface ClusterTable {
  positiveCount: number;
  negativeCount: number;
  size: Int32Array;
  mean: Float32Array;
  peak: Float32Array;
  peakVoxel: Int32Array;
}

export interface ClusterUpdate {
  type: 'clusters';
  seq: number;
  key: string;
  threshold: number;
  minSize: number;
  /** True when the map was labelled anew (threshold or map changed), false for a re-filter. */
  relabelled: boolean;
  /** Cluster id per voxel before the size filter; sent only when relabelled (else reuse the last). */
  allLabels: Int32Array | null;
  table: ClusterTable | null;
  /** 1 where a voxel survives threshold and size filter. */
  kept: Uint8Array;
  keptCount: number;
  /** All clusters before the size filter, sizes clipped at 200, bins of 10 voxels. */
  sizeHistogram: Uint32Array;
  /** Per-slice sums along i (sagittal), j (coronal), k (axial). */
  guides: [SliceGuideData, SliceGuideData, SliceGuideData];
  /** Milliseconds the worker spent. */
  workerMs: number;
}

export interface MapReady {
  type: 'map-ready';
  key: string;
  /**
   * Where a click on a region row jumps, per AAL label value (index = label): the voxel of the
   * region's largest raw relevance, or (no positive relevance) the region voxel nearest its centroid;
   * -1 for labels without voxels.
   */
  regionTargets: Int32Array | null;
}

export interface ExportedFile {
  type: 'file';
  seq: number;
  name: string;
  bytes: Uint8Array;
}

export interface ResearchError {
  type: 'error';
  seq: number;
  message: string;
}

export type ResearchResponse = ClusterUpdate | MapReady | ExportedFile | ResearchError;
