/**
 * The BIDS-derivative layout of a batch run (pure): file names, dataset_description.json and the
 * per-subject JSON sidecar.
 *
 * Space: the CAT12 1.5 mm grid is SPM's MNI space, which BIDS names IXI549Space. BIDS has no suffix
 * for relevance maps; _statmap (draft BEP041, used by nilearn) is the nearest. The sidecar is written
 * last, so a subject is finished exactly when its sidecar exists.
 */
import type { LobeScore } from '../analysis/regions';
import type { Covariates } from '../analysis/residualize';
import type { CohortSubject, InputKind } from './subjects';

export const PIPELINE_NAME = 'relevance-viewer';
export const SPACE = 'IXI549Space';

export interface SubjectFiles {
  /** Folder relative to the output root: sub-<id>/[ses-<s>/]anat. */
  dir: string;
  relevance: string;
  sidecar: string;
  input: string;
  regions: string;
}

export function subjectFiles(s: Pick<CohortSubject, 'id' | 'session' | 'key'>): SubjectFiles {
  const dir = `sub-${s.id}${s.session ? `/ses-${s.session}` : ''}/anat`;
  const stem = `${dir}/${s.key}_space-${SPACE}`;
  return {
    dir,
    relevance: `${stem}_desc-relevance_statmap.nii.gz`,
    sidecar: `${stem}_desc-relevance_statmap.json`,
    input: `${stem}_label-GM_desc-modelinput_probseg.nii.gz`,
    regions: `${stem}_atlas-AAL_desc-relevance_regions.tsv`,
  };
}

/** Where a subject's failure is recorded (outside the BIDS tree proper, removed when a retry succeeds). */
export function failureFile(key: string): string {
  return `logs/${key}_failed.json`;
}

export function taskLogFile(index: number, count: number): string {
  return `logs/task-${index}of${count}.json`;
}

export const GROUP_DIR = 'group';

/**
 * dataset_description.json of the outputs. `source.link` is the source dataset relative to the
 * output folder (BIDS allows relative URIs): DatasetLinks names it "raw", which the sidecars'
 * "bids:raw:..." Sources refer to; no absolute path, so the file moves with the folders.
 */
export function datasetDescription(version: string, source: { name: string; link: string; bids: boolean }): Record<string, unknown> {
  return {
    Name: `${PIPELINE_NAME}: relevance maps of a 3D CNN for Alzheimer's disease (${source.name})`,
    BIDSVersion: '1.9.0',
    DatasetType: 'derivative',
    GeneratedBy: [
      {
        Name: PIPELINE_NAME,
        Version: version,
        Description: 'Layer-wise relevance propagation of a 3D CNN (Dyrba et al. 2021) on CAT12 gray-matter maps.',
      },
    ],
    SourceDatasets: [{ URL: source.link }],
    ...(source.bids ? { DatasetLinks: { raw: source.link } } : {}),
  };
}

export interface SidecarFields {
  subject: CohortSubject;
  /** Source paths relative to the source dataset (BIDS) or as given (manifest). */
  source: string;
  sourceIsBids: boolean;
  inputKind: InputKind;
  model: { id: string; sha256: string };
  method: string;
  neuron: number;
  engine: string;
  probability: number;
  logits: number[];
  /** The model's calibration temperature T: `logits` are already divided by it, so probability = softmax(logits). */
  temperature: number;
  covariatesUsed: Covariates | null;
  hippocampalVolume: number;
  hippocampalVolumeSource: 'participants' | 'gm-map';
  lobes: readonly LobeScore[];
  scanKind: string;
  notices: string[];
  /** The raw-T1 stage's QC summary (volumes, figures, verdict), when the input was a raw T1. */
  preprocess?: unknown;
  modelDisclaimer: string;
}

export function subjectSidecar(f: SidecarFields): Record<string, unknown> {
  const hippocampus = f.lobes.find((l) => l.key === 'hippocampus');
  return {
    Description: 'Raw relevance (model space mapped onto the CAT12 grid) of the model output named by Neuron; it explains the model, it is not a diagnosis.',
    Sources: [f.sourceIsBids ? `bids:raw:${f.source}` : f.source],
    InputKind: f.inputKind,
    Model: { Id: f.model.id, SHA256: f.model.sha256, Note: f.modelDisclaimer },
    Method: f.method,
    Neuron: f.neuron,
    Engine: f.engine,
    Probability: f.probability,
    Logits: f.logits,
    CalibrationTemperature: f.temperature,
    Group: f.subject.group ?? null,
    Covariates: f.subject.covariates,
    CovariatesUsed: f.covariatesUsed,
    HippocampusRelevance: hippocampus?.positiveSum ?? null,
    HippocampalVolume: f.hippocampalVolume,
    HippocampalVolumeSource: f.hippocampalVolumeSource,
    HippocampalVolumeUnits: 'cm3',
    LobeScores: Object.fromEntries(f.lobes.map((l) => [l.key, { Voxels: l.voxels, PositiveSum: l.positiveSum, NegativeSum: l.negativeSum }])),
    QC: {
      ScanKind: f.scanKind,
      Verdict: f.notices.length ? 'doubtful' : 'analyze',
      Notices: f.notices,
      ...(f.preprocess ? { RawT1Stage: f.preprocess, Note: 'approximate CAT12-like gray-matter map made from the raw T1 (not CAT12)' } : {}),
    },
  };
}

export type ModelProvenanceLike = 'synthetic-demo' | 'untrained' | 'imported';

/** What a model's output is worth, in the words the page uses (carried into sidecars and the report). */
export function modelDisclaimer(provenance: ModelProvenanceLike): string {
  if (provenance === 'synthetic-demo') return 'Demonstration model trained on synthetic data — not a diagnostic device; not a diagnosis.';
  if (provenance === 'untrained') return 'Untrained model with seeded random weights, for testing: its output means nothing; not a diagnosis.';
  return 'Research model from your file — not a diagnostic device; not a diagnosis.';
}
