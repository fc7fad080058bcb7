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
 * The demo CNN's relevance is ~10x smaller than the paper's models' (smaller logits, MODEL_CARD.md):
 * with x500 an AD demo case would stay below the 0.4 threshold everywhere. A fixed factor still keeps
 * subjects comparable, as the paper wanted. Models trained the same way (its cross-validation folds)
 * share it unless their model.json names their own.
 */
export const SYNTHETIC_DEMO_DISPLAY: DisplayOptions = { scaling: 'fixed', factor: 4000 };

export const BUNDLED_MODELS: readonly BundledModel[] = [
  {
    id: 'demo',
    label: 'Demo CNN (Dyrba et al. 2021 architecture, synthetic training data)',
    url: 'models/demo/model.json',
    provenance: 'synthetic-demo',
    display: SYNTHETIC_DEMO_DISPLAY,
  },
  {
    id: SEEDED_MODEL_ID,
    label: 'Untrained seeded model (for testing only)',
    provenance: 'untrained',
  },
];
