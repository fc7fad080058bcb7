import { useRef } from 'react';
import { useStore } from '../state/store';
import { cancelAnalysis, setMethod, setModel } from '../state/actions';
import { openFiles, refreshModelInfo, removeImportedModel } from '../state/habitsActions';
import { METHODS } from '../core/lrp/registry';
import { BUNDLED_MODELS as MODELS } from '../core/model/catalog';
import { PIPELINE_STAGES } from '../core/progress';
import { useT, type MessageKey } from './i18n';

export const STAGE_KEY: Record<string, MessageKey> = {
  reading: 'stage.reading',
  preprocess: 'stage.preprocess',
  grid: 'stage.grid',
  forward: 'stage.forward',
  relevance: 'stage.relevance',
  post: 'stage.post',
};

export function AnalysisPanel() {
  const t = useT();
  const modelId = useStore((s) => s.modelId);
  const method = useStore((s) => s.method);
  const status = useStore((s) => s.status);
  const progress = useStore((s) => s.progress);
  const imported = useStore((s) => s.importedModels);
  const picker = useRef<HTMLInputElement>(null);
  const busy = status === 'running' || status === 'loading';
  // The raw-T1 stage is listed only while a run uses it: a GM map shows the stages it always had.
  const preprocessing = useRef(false);
  if (progress?.stage === 'reading') preprocessing.current = false;
  if (progress?.stage === 'preprocess') preprocessing.current = true;
  const stages = PIPELINE_STAGES.filter((s) => s !== 'preprocess' || preprocessing.current);
  const stageIndex = progress ? stages.indexOf(progress.stage) : -1;
  const overall = progress ? (stageIndex + progress.fraction) / stages.length : 0;
  const pick = (id: string) => {
    void refreshModelInfo(id);
    void setModel(id);
  };
  return (
    <section className="panel">
      <h2>{t('analysis.heading')}</h2>
      <label className="field">
        <span>{t('analysis.model')}</span>
        <select data-testid="model-select" value={modelId} onChange={(e) => pick(e.currentTarget.value)}>
          <optgroup label={t('analysis.bundledGroup')}>
            {MODELS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
          </optgroup>
          {imported.length > 0 && (
            <optgroup label={t('analysis.importedGroup')}>
              {imported.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
            </optgroup>
          )}
        </select>
      </label>
      {imported.length > 0 && (
        <ul className="imported-models" data-testid="imported-models">
          {imported.map((m) => (
            <li key={m.id} data-testid="imported-model">
              <span className="imported-name">{m.label}</span>
              <span className="hint">{t('analysis.importedHint', { params: m.totalParams.toLocaleString(), shape: m.inputShape.join('×') })}</span>
              <button type="button" className="link" data-testid="remove-model" title={t('analysis.removeTitle', { name: m.label })} onClick={() => void removeImportedModel(m.id)}>
                {t('analysis.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="button" onClick={() => picker.current?.click()}>{t('analysis.importModel')}</button>
        <input
          ref={picker}
          data-testid="model-input"
          type="file"
          accept=".h5,.hdf5,.keras"
          multiple
          hidden
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = '';
            if (files.length) void openFiles(files);
          }}
        />
      </div>
      <label className="field">
        <span>{t('analysis.method')}</span>
        <select data-testid="method-select" value={method} onChange={(e) => void setMethod(e.currentTarget.value)}>
          {METHODS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
        </select>
      </label>
      {busy && progress && (
        <div className="progress" data-testid="progress" role="status">
          <div className="progress-stages">
            {stages.map((s, i) => (
              <span key={s} className={i < stageIndex ? 'done' : i === stageIndex ? 'active' : ''}>{t(STAGE_KEY[s]!)}</span>
            ))}
          </div>
          <progress max={1} value={overall} />
          <div className="row">
            <span className="hint">
              {t(STAGE_KEY[progress.stage]!)} {Math.round(progress.fraction * 100)}%{progress.message ? ` — ${progress.message}` : ''}
            </span>
            <button type="button" onClick={cancelAnalysis}>{t('analysis.cancel')}</button>
          </div>
        </div>
      )}
    </section>
  );
}
