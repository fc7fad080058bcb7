/**
 * Every view option in one schema: its default, its range or values, its slider step and what it
 * does. The sliders, the engine's initial uniforms, "Reset display settings" and
 * docs/view-options.md (generated from here: `npm run docs:view-options`, checked by
 * test/view-options-doc.test.ts) all read it, so they cannot disagree.
 * Defaults follow the original app's display post-processing (docs/model-grid.md).
 */
export type VolumeMode = 'glass' | 'render';
export type ClipAxis = 'none' | 'x' | 'y' | 'z';
/** 'warped': the raw-T1 stage's warped scan (only for a preprocessed raw T1; else the scan). */
export type BackgroundSource = 'scan' | 'template' | 'warped';
/** 'fold-spread': a fold ensemble's SD of relevance across its folds (only for an ensemble result; else the relevance). */
export type OverlayMap = 'relevance' | 'fold-spread';

export interface NumberOption {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  step: number;
  doc: string;
}
export interface ChoiceOption<T extends string = string> {
  kind: 'choice';
  default: T;
  values: readonly T[];
  doc: string;
}
export interface FlagOption {
  kind: 'flag';
  default: boolean;
  doc: string;
}
export type ViewOption = NumberOption | ChoiceOption | FlagOption;

const number = (d: number, min: number, max: number, step: number, doc: string): NumberOption => ({ kind: 'number', default: d, min, max, step, doc });
const choice = <T extends string>(d: T, values: readonly T[], doc: string): ChoiceOption<T> => ({ kind: 'choice', default: d, values, doc });
const flag = (d: boolean, doc: string): FlagOption => ({ kind: 'flag', default: d, doc });

export const VIEW_OPTIONS = {
  threshold: number(
    0.4,
    0,
    1,
    0.01,
    "The overlay shows voxels with \\|display\\| ≥ threshold (the display map lies in [-1, 1]); the original app's default. Keys `t` / `T` lower / raise it by 0.05.",
  ),
  transparency: number(0.3, 0, 1, 0.01, 'Overlay transparency: 0 = opaque, 1 = invisible.'),
  hideOverlay: flag(false, 'Hides the relevance overlay entirely (key `h`).'),
  overlayMap: choice<OverlayMap>(
    'relevance',
    ['relevance', 'fold-spread'],
    "The map drawn over the background: the relevance, or (for a fold ensemble only) the fold-spread map: the per-voxel SD of the relevance across the folds, smoothed and scaled as the ensemble's relevance, so it shows where the folds disagree; the threshold applies to it too, and cluster filtering does not.",
  ),
  brightness: number(0, -0.5, 0.5, 0.01, 'Added to the normalized background intensity.'),
  contrast: number(1, 0.2, 4, 0.05, 'Multiplies the background around mid-grey.'),
  flipLR: flag(false, "false: neurological convention (the subject's left on screen-left); true: radiological (left on screen-right). Control `flip-lr`."),
  backgroundSource: choice<BackgroundSource>(
    'scan',
    ['scan', 'template'],
    'The image under the overlay: the analysed scan, or the Colin27 T1 template when available.',
  ),
  volumeMode: choice<VolumeMode>('glass', ['glass', 'render'], '3D view: glass-brain maximum-intensity projection of the relevance, or the rendered brain.'),
  clipAxis: choice<ClipAxis>('none', ['none', 'x', 'y', 'z'], '3D view clip plane along a world axis.'),
  clipPosition: number(0.5, 0, 1, 0.01, 'Position of the clip plane along its axis.'),
  clipFlip: flag(false, 'Which side of the clip plane is cut away.'),
  showCrosshair: flag(true, 'Crosshair lines in the slice views.'),
} as const;

type ValueOf<O> = O extends NumberOption ? number : O extends FlagOption ? boolean : O extends ChoiceOption<infer T> ? T : never;
export type SettingsOf<S extends Record<string, ViewOption>> = { -readonly [K in keyof S]: ValueOf<S[K]> };

export type ViewSettings = SettingsOf<typeof VIEW_OPTIONS>;

/** The defaults of a schema, as a settings object. */
export function defaultsOf<S extends Record<string, ViewOption>>(schema: S): SettingsOf<S> {
  return Object.fromEntries(Object.entries(schema).map(([k, o]) => [k, o.default])) as SettingsOf<S>;
}

export const DEFAULT_VIEW_SETTINGS: ViewSettings = defaultsOf(VIEW_OPTIONS);

/** The "values" cell of the docs table. */
export function valuesCell(o: ViewOption): string {
  if (o.kind === 'number') return `${o.min}..${o.max} (step ${o.step})`;
  if (o.kind === 'flag') return 'true, false';
  return o.values.join(', ');
}

/** The markdown table of a schema (header and one row per option: key, default, values, what it does), as in docs/view-options.md. */
export function optionRows(schema: Record<string, ViewOption>): string {
  const rows = Object.entries(schema).map(([k, o]) => `| \`${k}\` | \`${String(o.default)}\` | ${valuesCell(o)} | ${o.doc} |`);
  return ['| option | default | values | what it does |', '|---|---|---|---|', ...rows].join('\n');
}
