/**
 * The models the app and the CLI offer without any upload. Plain data (no tfjs), so the page
 * can list them before the runtime loads in the worker.
 *
 * Two sources: BUNDLED_MODELS (the demo CNN and the seeded model, always listed) and the deployed
 * models of models/index.json (modelIndex.ts), which is written from the folders on disk, so the
 * page lists exactly the models that are deployed, cross-validation fold families included.
 */
import type { DisplayOptions } from '../analysis/scale';

export interface BundledModel {
  id: string;
  label: string;
  /** URL of model.json relative to the site root; absent for the seeded model, which is generated. */
  url?: string;
  /** What its output is worth: the page shows the matching disclaimer next to every result. */
  provenance: ModelProvenance;
  /** Display scaling of its relevance (default: the paper's fixed x500). */
  display?: DisplayOptions;
}

/** Where a model's weights come from; imported = a user's own file (e.g. the paper's .h5). */
export type ModelProvenance = 'synthetic-demo' | 'untrained' | 'imported';

export const SEEDED_MODEL_ID = 'seeded';

/**
 * The default model's folder in models/: the whole-dataset member of the demo cross-validation
 * family (models/demo-whole/MODEL_CARD.md). It keeps the id 'demo'; models/index.json's entry for
 * the same folder is dropped (parseModelIndex), so it is listed once and precached for offline use.
 */
export const DEMO_MODEL_FOLDER = 'demo-whole';

/**
 * Display scaling of the synthetic demo family: fixed x100, not the paper's x500. Its synthetic
 * cohort separates perfectly, so its logits (and LRP, which conserves them) run ~10x the paper
 * models': hippocampus relevance of AD subjects ~40. At x100 the AD demo cases pass the 0.4
 * threshold in ~7 000 voxels (x500 would saturate ~38 000) and the CN cases in almost none (demo-01:
 * 10 positive, 231 negative). A fixed factor keeps subjects comparable, as the paper wanted. Its folds
 * share it unless their model.json names their own.
 */
export const SYNTHETIC_DEMO_DISPLAY: DisplayOptions = { scaling: 'fixed', factor: 100 };

export const BUNDLED_MODELS: readonly BundledModel[] = [
  {
    id: 'demo',
    label: 'Demo CNN, whole dataset (Dyrba et al. 2021 architecture, synthetic training data)',
    url: `models/${DEMO_MODEL_FOLDER}/model.json`,
    provenance: 'synthetic-demo',
    display: SYNTHETIC_DEMO_DISPLAY,
  },
  {
    id: SEEDED_MODEL_ID,
    label: 'Untrained seeded model (for testing only)',
    provenance: 'untrained',
  },
];
