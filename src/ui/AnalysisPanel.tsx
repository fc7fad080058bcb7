import { useRef } from 'react';
import { useStore } from '../state/store';
import { setMethod, setModel } from '../state/actions';
import { openFiles, refreshModelInfo, removeImportedModel } from '../state/habitsActions';
import { METHODS } from '../core/lrp/registry';
import { BUNDLED_MODELS as MODELS } from '../core/model/catalog';
import { ensembleId, familiesOf } from '../core/model/modelIndex';
import { useT } from './i18n';
import { useNames } from './names';

/** Trained models first; the untrained seeded one (for testing) in a group of its own. */
const TRAINED = MODELS.filter((m) => m.provenance !== 'untrained');
const TESTING = MODELS.filter((m) => m.provenance === 'untrained');

export function AnalysisPanel() {
  const t = useT();
  const modelId = useStore((s) => s.modelId);
  const method = useStore((s) => s.method);
  const imported = useStore((s) => s.importedModels);
  const deployed = useStore((s) => s.deployedModels);
  const families = familiesOf(deployed);
  const names = useNames();
  const picker = useRef<HTMLInputElement>(null);
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
            {[...TRAINED, ...deployed.filter((m) => !m.family)].map((m) => (
              <option key={m.id} value={m.id}>
                {names.model(m.id)}
              </option>
            ))}
          </optgroup>
          {/* Each family: its members (fetched only when chosen) and, with two or more folds, their ensemble. */}
          {families.map((f) => (
            <optgroup key={f.id} label={t('analysis.familyGroup', { family: f.id })}>
              {f.folds.length >= 2 && <option value={ensembleId(f.id)}>{names.model(ensembleId(f.id))}</option>}
              {[...(f.whole ? [f.whole] : []), ...f.folds].map((m) => (
                <option key={m.id} value={m.id}>
                  {names.model(m.id)}
                </option>
              ))}
            </optgroup>
          ))}
          {imported.length > 0 && (
            <optgroup label={t('analysis.importedGroup')}>
              {imported.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label={t('analysis.testingGroup')}>
            {TESTING.map((m) => (
              <option key={m.id} value={m.id}>
                {names.model(m.id)}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      {imported.length > 0 && (
        <ul className="imported-models" data-testid="imported-models">
          {imported.map((m) => (
            <li key={m.id} data-testid="imported-model">
              <span className="imported-name">{m.label}</span>
              <span className="hint">{t('analysis.importedHint', { params: m.totalParams, shape: m.inputShape.join('×') })}</span>
              <button
                type="button"
                className="link"
                data-testid="remove-model"
                title={t('analysis.removeTitle', { name: m.label })}
                onClick={() => void removeImportedModel(m.id)}
              >
                {t('analysis.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="button" onClick={() => picker.current?.click()}>
          {t('analysis.importModel')}
        </button>
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
          {METHODS.map((m) => (
            <option key={m.id} value={m.id}>
              {names.method(m.id)}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}
