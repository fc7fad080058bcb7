/**
 * The input gate: what kind of image this is, and whether the model may look at it. One pure
 * function, called by runPipeline for every host (page, CLI, tests), so no host shows a number
 * for an image the model was not made for. Figures and thresholds: ./measure.ts and below.
 */
import { applyToPoint, invert } from '../volume/affine';
import { CAT12_GRID } from '../volume/grid';
import type { Volume } from '../volume/types';
import type { Message } from '../messages';
import { messageFrom } from '../messages';
import { brainCoverage, insideFraction, robustHigh, whiteMatterRatio } from './measure';
import { RAW_T1_VERDICT } from './policy';
import { GATE_TEXTS, type GateMessageKey } from './texts';
import type { GateDecision, ScanClass, GateVerdict } from './types';

/** Below: refused as a partial image (a slab, a partial-brain fMRI). */
const MIN_COVERAGE = 0.5;
/** Below (and above MIN_COVERAGE): analysed, behind a warning. */
const FULL_COVERAGE = 0.9;
/** Below: no overlap with the MNI brain at all (scanner coordinates, a wrong affine). */
const NO_OVERLAP = 0.05;
/** p995 above: an intensity image, not volume fractions. */
const MAX_GM_P995 = 3;
/** White matter at least this bright (relative to p995): T1 contrast (measured: T1 0.60, brain 0.92, GM maps 0.00). */
const T1_WM_RATIO = 0.35;
/** Between this and T1_WM_RATIO: a doubtful contrast. */
const GM_WM_RATIO = 0.15;
/** Mass inside the MNI brain at least this: brain only (Colin27 brain 1.00, whole head 0.83). */
const BRAIN_ONLY_INSIDE = 0.93;
/** Below: the image is not aligned to MNI. */
const MIN_INSIDE = 0.5;

export interface GateHeader {
  /** Number of 3D volumes in the file (4D files: more than one). */
  nVolumes: number;
}

const pct = (f: number) => Math.round(f * 100);
const say = (key: GateMessageKey, params?: Record<string, string | number>): Message => messageFrom(GATE_TEXTS, key, params);

function onModelGrid(v: Volume): boolean {
  const [nx, ny, nz] = CAT12_GRID.dims;
  if (v.dims[0] !== nx || v.dims[1] !== ny || v.dims[2] !== nz) return false;
  return CAT12_GRID.affine.every((a, i) => Math.abs(a - v.affine[i]!) < 1e-3);
}

function decided(scanClass: ScanClass, verdict: GateVerdict, reasons: Message[], figures: Record<string, number>): GateDecision {
  return { scanClass, verdict, reasons, figures };
}

/**
 * A 4D file is judged by its first volume (the one the reader keeps). If that volume would be
 * refused, the file is refused as a 4D series (an fMRI or diffusion run: its sentence says so);
 * if it is a gray-matter map (a 4D stack of subjects' maps, say), it is analysed behind a warning
 * that only the first volume was.
 */
export function decideInput(volume: Volume, header: GateHeader): GateDecision {
  const first = decideVolume(volume);
  if (header.nVolumes <= 1) return first;
  const figures = { ...first.figures, volumes: header.nVolumes };
  const coverage = first.figures.brainCoverage;
  if (first.verdict === 'refuse' || first.verdict === 'preprocess') {
    const reasons = coverage === undefined ? first.reasons : [say('gate.fourD', { volumes: header.nVolumes, coverage: pct(coverage) })];
    return decided('four-d', 'refuse', reasons, figures);
  }
  return decided('four-d', 'doubtful', [say('gate.doubtFourD', { volumes: header.nVolumes }), ...first.reasons], figures);
}

/** The decision for one 3D volume. */
function decideVolume(volume: Volume): GateDecision {
  const figures: Record<string, number> = { volumes: 1 };
  let toVoxel: number[];
  try {
    toVoxel = invert(volume.affine);
  } catch {
    return decided('unknown-contrast', 'refuse', [say('gate.singular')], figures);
  }
  const coverage = brainCoverage(volume, toVoxel);
  figures.brainCoverage = coverage;
  if (coverage < NO_OVERLAP) {
    const [x, y, z] = applyToPoint(volume.affine, [0, 0, 0]).map((c) => Math.round(c));
    return decided('partial-coverage', 'refuse', [say('gate.notMni', { x: x!, y: y!, z: z! })], figures);
  }
  if (coverage < MIN_COVERAGE) return decided('partial-coverage', 'refuse', [say('gate.partial', { coverage: pct(coverage) })], figures);

  const { p995, count } = robustHigh(volume.data);
  if (count === 0) return decided('unknown-contrast', 'refuse', [say('gate.empty')], figures);
  const wm = whiteMatterRatio(volume, toVoxel, p995);
  const inside = insideFraction(volume);
  Object.assign(figures, { p995, whiteMatterRatio: wm, insideFraction: inside });

  if (wm >= T1_WM_RATIO) {
    if (inside >= BRAIN_ONLY_INSIDE) return decided('brain-extracted-t1', 'refuse', [say('gate.brainT1')], figures);
    return decided('raw-t1', RAW_T1_VERDICT, [say(RAW_T1_VERDICT === 'refuse' ? 'gate.rawT1' : 'gate.rawT1Preprocess')], figures);
  }
  if (p995 > MAX_GM_P995) return decided('unknown-contrast', 'refuse', [say('gate.intensity', { p995: Math.round(p995) })], figures);
  if (!(inside >= MIN_INSIDE)) return decided('unknown-contrast', 'refuse', [say('gate.notAligned', { inside: pct(inside || 0) })], figures);

  // A gray-matter-like map: analysed; doubts are shown (and exported) beside its result.
  const doubts: Array<[ScanClass, Message]> = [];
  if (coverage < FULL_COVERAGE) doubts.push(['partial-coverage', say('gate.doubtCoverage', { coverage: pct(coverage) })]);
  if (inside < BRAIN_ONLY_INSIDE) doubts.push(['unknown-contrast', say('gate.doubtOutside', { outside: pct(1 - inside) })]);
  if (wm >= GM_WM_RATIO) doubts.push(['unknown-contrast', say('gate.doubtContrast', { wm: pct(wm) })]);
  const gmClass: ScanClass = onModelGrid(volume) ? 'gm-on-grid' : 'gm-off-grid';
  if (doubts.length === 0) return decided(gmClass, 'analyze', [], figures);
  return decided(
    doubts[0]![0],
    'doubtful',
    doubts.map((d) => d[1]),
    figures,
  );
}

/** The decision for a host that cannot run the raw-T1 stage: a raw T1 is refused, asking for a CAT12 map. */
export function withoutPreprocessing(gate: GateDecision): GateDecision {
  if (gate.verdict !== 'preprocess') return gate;
  return { ...gate, verdict: 'refuse', reasons: [say('gate.rawT1')] };
}
