/**
 * Research tools' state (clusters, slice guides, region jump targets, outlines, exports) and the
 * page's side of the research worker. Kept apart from store.ts: it follows the main store (the
 * result on screen, the threshold, the crosshair) and adds its own settings.
 *
 * Cluster updates are debounced and coalesced: at most one request is in flight; while it runs,
 * only the newest wanted (threshold, min size) is remembered and sent when it returns.
 */
import { create } from 'zustand';
import { GRID_DIMS, type PipelineResult } from '../worker/protocol';
import type { ClusterTable, ClusterUpdate, MapKind, MapSpace, ResearchRequest, ResearchResponse } from '../worker/researchProtocol';
import { useStore, type AppState, type Voxel } from './store';
import { defaultsOf, type SettingsOf, type ViewOption } from './viewSettings';

/** Research view options: the same kind of schema as VIEW_OPTIONS (defaults: the original app's, docs/model-grid.md). */
export const RESEARCH_OPTIONS = {
  minClusterSize: {
    kind: 'number',
    default: 50,
    min: 0,
    max: 250,
    step: 1,
    doc: "Clusters of supra-threshold voxels (18-connectivity, positive and negative apart) smaller than this are hidden (0: all shown); the original app's default (1 voxel = 3.375 mm³).",
  },
  showRegionOutline: { kind: 'flag', default: true, doc: 'Outline of the AAL region under the crosshair in the slice views.' },
  showAllOutlines: { kind: 'flag', default: false, doc: 'Outlines of all AAL regions.' },
} as const satisfies Record<string, ViewOption>;

export type { MapKind, MapSpace };

export type ResearchSettings = SettingsOf<typeof RESEARCH_OPTIONS>;
export const DEFAULT_RESEARCH_SETTINGS: ResearchSettings = defaultsOf(RESEARCH_OPTIONS);
export const VOXEL_MM3 = 3.375;
/** Delay after the last slider move before the worker is asked (ms). */
const DEBOUNCE_MS = 40;

export interface ClusterState extends Omit<ClusterUpdate, 'type' | 'seq' | 'allLabels' | 'table'> {
  allLabels: Int32Array;
  table: ClusterTable;
  /** Page -> worker -> page, ms (includes the debounce-free transfer, not the debounce). */
  roundTripMs: number;
}

export interface ResearchState {
  settings: ResearchSettings;
  clusters: ClusterState | null;
  regionTargets: { key: string; targets: Int32Array } | null;
  /** Round trips of the recent cluster updates (ms), newest last; for the diagnostics line. */
  recentMs: number[];
  researchError: string | null;
}

export const useResearch = create<ResearchState>(() => ({
  settings: DEFAULT_RESEARCH_SETTINGS,
  clusters: null,
  regionTargets: null,
  recentMs: [],
  researchError: null,
}));

export function setResearchSettings(patch: Partial<ResearchSettings>): void {
  useResearch.setState((s) => ({ settings: { ...s.settings, ...patch } }));
}

// ------------------------------------------------------------------------------------ worker

let worker: Worker | null = null;
let seq = 0;
let inFlight: { seq: number; t0: number } | null = null;
let wanted: { key: string; threshold: number; minSize: number } | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let mapKeySent: string | null = null;
const files = new Map<number, { resolve: (f: { name: string; bytes: Uint8Array }) => void; reject: (e: Error) => void }>();
let started = false;

function send(msg: ResearchRequest): void {
  worker!.postMessage(msg);
}

function receive(msg: ResearchResponse): void {
  switch (msg.type) {
    case 'map-ready':
      if (msg.regionTargets) useResearch.setState({ regionTargets: { key: msg.key, targets: msg.regionTargets } });
      return;
    case 'clusters': {
      const t0 = inFlight?.seq === msg.seq ? inFlight.t0 : performance.now();
      const roundTripMs = performance.now() - t0;
      inFlight = null;
      const prev = useResearch.getState().clusters;
      const allLabels = msg.allLabels ?? (prev?.key === msg.key ? prev.allLabels : null);
      const table = msg.table ?? (prev?.key === msg.key ? prev.table : null);
      if (allLabels && table) {
        const { type: _t, seq: _s, ...rest } = msg;
        useResearch.setState((s) => ({
          clusters: { ...rest, allLabels, table, roundTripMs },
          recentMs: [...s.recentMs.slice(-19), roundTripMs],
          researchError: null,
        }));
      }
      pump();
      return;
    }
    case 'file': {
      const f = files.get(msg.seq);
      files.delete(msg.seq);
      f?.resolve({ name: msg.name, bytes: msg.bytes });
      return;
    }
    case 'error': {
      const f = files.get(msg.seq);
      if (f) {
        files.delete(msg.seq);
        f.reject(new Error(msg.message));
        return;
      }
      if (inFlight?.seq === msg.seq) inFlight = null;
      useResearch.setState({ researchError: msg.message });
      pump();
    }
  }
}

/** Sends the newest wanted cluster update if none is running. */
function pump(): void {
  if (inFlight || !wanted || !worker) return;
  const c = useResearch.getState().clusters;
  const w = wanted;
  wanted = null;
  if (c && c.key === w.key && c.threshold === w.threshold && c.minSize === w.minSize) return;
  const s = ++seq;
  inFlight = { seq: s, t0: performance.now() };
  send({ type: 'clusters', seq: s, ...w });
}

function schedule(immediate = false): void {
  const { output, view } = useStore.getState();
  if (!output || mapKeySent !== output.key) return;
  wanted = { key: output.key, threshold: view.threshold, minSize: useResearch.getState().settings.minClusterSize };
  if (timer) clearTimeout(timer);
  timer = setTimeout(
    () => {
      timer = null;
      pump();
    },
    immediate ? 0 : DEBOUNCE_MS,
  );
}

function sendMap(s: AppState): void {
  if (!s.output) return;
  mapKeySent = s.output.key;
  useResearch.setState({ clusters: null, regionTargets: null });
  // Copies (structured clone): the page keeps its own maps for the readouts.
  send({ type: 'map', key: s.output.key, display: s.output.result.display, relevance: s.output.result.relevance, spread: s.output.result.spread?.relevance });
  schedule(true);
}

/** Starts the research worker and follows the main store; idempotent. */
export function startResearch(): void {
  if (started || typeof Worker === 'undefined') return;
  started = true;
  worker = new Worker(new URL('../worker/research.worker.ts', import.meta.url), { type: 'module', name: 'research' });
  worker.onmessage = (ev: MessageEvent<ResearchResponse>) => receive(ev.data);
  worker.onerror = (ev) => {
    ev.preventDefault();
    useResearch.setState({ researchError: `The research worker stopped (${ev.message || 'unknown reason'}); reload the page.` });
  };
  const initial = useStore.getState();
  if (initial.assets.atlasLabels) send({ type: 'atlas', labels: initial.assets.atlasLabels });
  sendMap(initial);
  useStore.subscribe((s, prev) => {
    if (s.assets.atlasLabels && s.assets.atlasLabels !== prev.assets.atlasLabels) {
      send({ type: 'atlas', labels: s.assets.atlasLabels });
      sendMap(s); // region targets need the atlas
    } else if (s.output !== prev.output && s.output?.key !== mapKeySent) sendMap(s);
    else if (s.output !== prev.output) schedule(true);
    if (s.view.threshold !== prev.view.threshold) schedule();
  });
  useResearch.subscribe((s, prev) => {
    if (s.settings.minClusterSize !== prev.settings.minClusterSize) schedule();
  });
}

/** A NIfTI of the map on screen (raw or display; CAT12 grid or the scan's own space). */
export function exportNifti(kind: MapKind, space: MapSpace): Promise<{ name: string; bytes: Uint8Array }> {
  const { output, scan } = useStore.getState();
  if (!worker || !output) return Promise.reject(new Error('Run an analysis first.'));
  const s = ++seq;
  return new Promise((resolve, reject) => {
    files.set(s, { resolve, reject });
    send({
      type: 'export-nifti',
      seq: s,
      key: output.key,
      kind,
      space,
      scanBytes: space === 'scan' ? scan?.bytes : undefined,
      doubtful: output.result.gate.verdict === 'doubtful',
      combination: combinationOf(output.result),
    });
  });
}

/** Which models a combined result was made from, for the export's provenance. */
function combinationOf(r: PipelineResult): { kind: string; models: string[] } | undefined {
  return r.combination ? { kind: r.combination.kind, models: r.combination.members.map((m) => `${m.modelLabel} · ${m.methodLabel}`) } : undefined;
}

// ------------------------------------------------------------------------------------ selectors

export function voxelIndex([i, j, k]: Voxel): number {
  return i + GRID_DIMS[0] * (j + GRID_DIMS[1] * k);
}

export function voxelOfIndex(v: number): Voxel {
  const [nx, ny] = GRID_DIMS;
  return [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
}

export interface ClusterStats {
  sign: 1 | -1;
  size: number;
  sizeMm3: number;
  mean: number;
  peak: number;
  peakVoxel: number;
  /** Survived the minimum-size filter. */
  kept: boolean;
}

/** The cluster under a voxel (before the size filter), or null when the voxel is below threshold. */
export function clusterStatsAt(c: ClusterState, voxel: Voxel): ClusterStats | null {
  const v = voxelIndex(voxel);
  const id = c.allLabels[v] ?? 0;
  const t = c.table;
  let slot: number;
  if (id > 0 && id <= t.positiveCount) slot = id - 1;
  else if (id < 0 && -id <= t.negativeCount) slot = t.positiveCount - id - 1;
  else return null;
  const size = t.size[slot];
  return {
    sign: id > 0 ? 1 : -1,
    size,
    sizeMm3: size * VOXEL_MM3,
    mean: t.mean[slot],
    peak: t.peak[slot],
    peakVoxel: t.peakVoxel[slot],
    kept: c.kept[v] === 1,
  };
}

/** Median of the recent cluster round trips (ms), or null. */
export function medianUpdateMs(recent: number[]): number | null {
  if (recent.length === 0) return null;
  const s = [...recent].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
