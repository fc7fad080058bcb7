/**
 * Region statistics of a relevance map over an atlas label volume on the same grid.
 *
 * The paper's region score (Dyrba et al. 2021; docs/lrp.md "region score") is the sum of
 * max(R, 0) over the region on the RAW relevance map: no smoothing, no scaling, no normalisation.
 * Everything here comes from one pass over the volume that accumulates per label value.
 *
 * Labels are integer-valued (a Float32Array from a NIfTI is fine; values are rounded); 0 and
 * negative values are background.
 */

export type LabelArray = Uint8Array | Uint16Array | Int16Array | Int32Array | Float32Array;

export interface AtlasRegion {
  index: number;
  name: string;
}

export type Hemisphere = 'L' | 'R' | '-';

export interface RegionScore {
  index: number;
  name: string;
  hemisphere: Hemisphere;
  voxels: number;
  /** Sum of max(R, 0): the paper's score. */
  positiveSum: number;
  /** Sum of min(R, 0) (<= 0). */
  negativeSum: number;
  /** Mean of R over the region's voxels (0 for an empty region). */
  meanRelevance: number;
}

/** Hemisphere from the AAL naming convention: names end in _L / _R; midline structures (Vermis_*) have neither. */
export function hemisphereOf(name: string): Hemisphere {
  if (name.endsWith('_L')) return 'L';
  if (name.endsWith('_R')) return 'R';
  return '-';
}

/** Per-label sums from one pass over the volume. */
export interface LabelAccumulator {
  /** Accumulators are indexed by label value 0..size-1; larger labels only count in the totals. */
  size: number;
  voxels: Float64Array;
  positive: Float64Array;
  negative: Float64Array;
  /** All voxels with label > 0 (the whole brain), including labels >= size. */
  total: { voxels: number; positive: number; negative: number };
}

function checkLengths(relevance: Float32Array, labels: LabelArray): void {
  if (relevance.length !== labels.length) {
    throw new RangeError(`relevance has ${relevance.length} voxels but labels ${labels.length}; both must be on the same grid`);
  }
}

/** One pass over the volume: voxel count, sum of positive and of negative relevance per label value. */
export function accumulateByLabel(relevance: Float32Array, labels: LabelArray, maxLabel = 255): LabelAccumulator {
  checkLengths(relevance, labels);
  const size = Math.max(0, Math.floor(maxLabel)) + 1;
  const voxels = new Float64Array(size);
  const positive = new Float64Array(size);
  const negative = new Float64Array(size);
  let tv = 0;
  let tp = 0;
  let tn = 0;
  const rounding = labels instanceof Float32Array;
  for (let v = 0; v < labels.length; v++) {
    const l = rounding ? Math.round(labels[v]) : labels[v];
    if (!(l > 0)) continue;
    let r = relevance[v];
    if (r !== r) r = 0; // NaN relevance counts as none
    tv++;
    if (r > 0) tp += r;
    else tn += r;
    if (l < size) {
      voxels[l]++;
      if (r > 0) positive[l] += r;
      else negative[l] += r;
    }
  }
  return { size, voxels, positive, negative, total: { voxels: tv, positive: tp, negative: tn } };
}

function maxIndex(regions: readonly AtlasRegion[]): number {
  let m = 255;
  for (const r of regions) if (r.index > m) m = r.index;
  return m;
}

function scoreOf(voxels: number, positive: number, negative: number): Pick<RegionScore, 'voxels' | 'positiveSum' | 'negativeSum' | 'meanRelevance'> {
  return { voxels, positiveSum: positive, negativeSum: negative, meanRelevance: voxels > 0 ? (positive + negative) / voxels : 0 };
}

function regionScoresFrom(acc: LabelAccumulator, regions: readonly AtlasRegion[]): RegionScore[] {
  return regions.map(({ index, name }) => {
    const inRange = index > 0 && index < acc.size && Number.isInteger(index);
    return {
      index,
      name,
      hemisphere: hemisphereOf(name),
      ...(inRange ? scoreOf(acc.voxels[index], acc.positive[index], acc.negative[index]) : scoreOf(0, 0, 0)),
    };
  });
}

/** Per-region scores on the raw relevance map, in the order of `regions`. */
export function regionScores(relevance: Float32Array, labels: LabelArray, regions: readonly AtlasRegion[]): RegionScore[] {
  return regionScoresFrom(accumulateByLabel(relevance, labels, maxIndex(regions)), regions);
}

// ---------------------------------------------------------------------------------------------
// Lobes
//
// Source of the grouping: the AAL atlas's own region codes (Tzourio-Mazoyer et al. 2002,
// NeuroImage 15:273-289), shipped in aal.nii.txt (Debian mricron-data) as the third column. Their
// leading digits encode the lobe: 2xxx frontal (Precentral, Frontal_*, Rolandic_Oper,
// Supp_Motor_Area, Olfactory, Rectus), 3xxx insula, 40xx cingulum, 41xx hippocampus and
// parahippocampal gyrus, 42xx amygdala, 5xxx occipital (Calcarine, Cuneus, Lingual, Occipital_*,
// and Fusiform = 54xx), 6xxx parietal (Postcentral, Parietal_*, SupraMarginal, Angular,
// Precuneus, Paracentral_Lobule), 70xx basal ganglia (Caudate, Putamen, Pallidum), 71xx thalamus,
// 8xxx temporal (Heschl, Temporal_* including the temporal poles), 9xxx cerebellum (Cerebelum_*
// hemispheres and Vermis_*).
//
// The paper's groups follow that scheme with these choices of ours, made so that the groups do
// not overlap (every AAL region is counted in at most one group besides the whole brain):
// - hippocampus: AAL 37 + 38 only (the paper's main score);
// - temporal: 8xxx plus ParaHippocampal and Amygdala (4111/4112, 4201/4202), the rest of the
//   medial temporal lobe, which AAL files under "limbic"; the hippocampus is NOT included;
// - insula/cingulate: Insula + Cingulum_Ant/Mid/Post;
// - Fusiform stays occipital as its AAL code says (anatomically it is occipito-temporal);
// - Thalamus is not a basal ganglion and belongs to no group except the whole brain;
// - whole brain: every voxel with label > 0, whatever its name.
// ---------------------------------------------------------------------------------------------

export type LobeKey = 'hippocampus' | 'temporal' | 'frontal' | 'parietal' | 'occipital' | 'insulaCingulate' | 'basalGanglia' | 'cerebellum' | 'wholeBrain';

export interface LobeDefinition {
  key: LobeKey;
  label: string;
  /** Matches AAL region names (without hemisphere suffix concerns); wholeBrain has none. */
  pattern: RegExp | null;
}

export const LOBES: readonly LobeDefinition[] = [
  { key: 'hippocampus', label: 'Hippocampus', pattern: /^Hippocampus(_|$)/ },
  { key: 'temporal', label: 'Temporal lobe', pattern: /^(Temporal_|Heschl|ParaHippocampal|Amygdala)/ },
  {
    key: 'frontal',
    label: 'Frontal lobe',
    pattern: /^(Precentral|Frontal_|Rolandic_Oper|Supp_Motor_Area|Olfactory|Rectus)/,
  },
  { key: 'parietal', label: 'Parietal lobe', pattern: /^(Postcentral|Parietal_|SupraMarginal|Angular|Precuneus|Paracentral_Lobule)/ },
  { key: 'occipital', label: 'Occipital lobe', pattern: /^(Calcarine|Cuneus|Lingual|Occipital_|Fusiform)/ },
  { key: 'insulaCingulate', label: 'Insula / cingulate', pattern: /^(Insula|Cingulum_)/ },
  { key: 'basalGanglia', label: 'Basal ganglia', pattern: /^(Caudate|Putamen|Pallidum)/ },
  { key: 'cerebellum', label: 'Cerebellum', pattern: /^(Cerebelum_|Cerebellum_|Vermis)/ },
  { key: 'wholeBrain', label: 'Whole brain', pattern: null },
];

/** The group an AAL region name belongs to, or null (e.g. Thalamus). Never 'wholeBrain'. */
export function lobeOfRegion(name: string): Exclude<LobeKey, 'wholeBrain'> | null {
  for (const lobe of LOBES) {
    if (lobe.pattern && lobe.pattern.test(name)) return lobe.key as Exclude<LobeKey, 'wholeBrain'>;
  }
  return null;
}

export interface LobeScore {
  key: LobeKey;
  label: string;
  /** Atlas indices counted in this group (empty for wholeBrain, which counts every label > 0). */
  regionIndices: number[];
  voxels: number;
  positiveSum: number;
  negativeSum: number;
  meanRelevance: number;
}

function lobeScoresFrom(acc: LabelAccumulator, regions: readonly AtlasRegion[]): LobeScore[] {
  return LOBES.map(({ key, label }) => {
    if (key === 'wholeBrain') {
      return { key, label, regionIndices: [], ...scoreOf(acc.total.voxels, acc.total.positive, acc.total.negative) };
    }
    // A label listed twice in `regions` must still count once.
    const indices = [...new Set(regions.filter((r) => lobeOfRegion(r.name) === key).map((r) => r.index))];
    let v = 0;
    let p = 0;
    let n = 0;
    for (const i of indices) {
      if (i > 0 && i < acc.size && Number.isInteger(i)) {
        v += acc.voxels[i];
        p += acc.positive[i];
        n += acc.negative[i];
      }
    }
    return { key, label, regionIndices: indices, ...scoreOf(v, p, n) };
  });
}

/** The paper's lobe scores (order of LOBES) on the raw relevance map. */
export function lobeScores(relevance: Float32Array, labels: LabelArray, regions: readonly AtlasRegion[]): LobeScore[] {
  return lobeScoresFrom(accumulateByLabel(relevance, labels, maxIndex(regions)), regions);
}

/** Region and lobe scores from a single pass over the volume. */
export function regionAndLobeScores(
  relevance: Float32Array,
  labels: LabelArray,
  regions: readonly AtlasRegion[],
): { regions: RegionScore[]; lobes: LobeScore[] } {
  const acc = accumulateByLabel(relevance, labels, maxIndex(regions));
  return { regions: regionScoresFrom(acc, regions), lobes: lobeScoresFrom(acc, regions) };
}
