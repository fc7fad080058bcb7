/**
 * The models the app and the CLI offer without any upload. Plain data (no tfjs), so the page
 * can list them before the runtime loads in the worker.
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

export const BUNDLED_MODELS: readonly BundledModel[] = [
  {
    id: 'demo',
    label: 'Demo CNN (Dyrba et al. 2021 architecture, synthetic training data)',
    url: 'models/demo/model.json',
    provenance: 'synthetic-demo',
    // Its relevance is ~10x smaller than the paper's models' (smaller logits, MODEL_CARD.md): with
    // x500 an AD demo case would stay below the 0.4 threshold everywhere. A fixed factor still keeps
    // subjects comparable, as the paper wanted.
    display: { scaling: 'fixed', factor: 4000 },
  },
  {
    id: SEEDED_MODEL_ID,
    label: 'Untrained seeded model (for testing only)',
    provenance: 'untrained',
  },
];
