import { useStore } from '../state/store';
import { setCombine } from '../state/habitsActions';
import type { CombineMode } from '../state/prefs';
import { METHODS } from '../core/lrp/registry';
import { BUNDLED_MODELS as MODELS } from '../core/model/catalog';
import { useT } from './i18n';
import { useNames } from './names';

/** Mean of several models, or the difference A - B of two analyses of the same scan. */
export function CombinePanel() {
  const t = useT();
  const combine = useStore((s) => s.combine);
  const modelId = useStore((s) => s.modelId);
  const method = useStore((s) => s.method);
  const imported = useStore((s) => s.importedModels);
  const deployed = useStore((s) => s.deployedModels);
  const names = useNames();
  // The untrained seeded model is for testing: averaging it with a trained one would dilute a real result with noise.
  const all = [...MODELS.filter((m) => m.provenance !== 'untrained'), ...deployed, ...imported].map((m) => ({ id: m.id, label: names.model(m.id) }));
  const labelOf = names.model;
  const methodLabel = names.method;
  const toggle = (id: string, on: boolean) =>
    void setCombine({ averageIds: on ? [...new Set([...combine.averageIds, id])] : combine.averageIds.filter((m) => m !== id) });
  return (
    <section className="panel" data-testid="combine">
      <h2>{t('combine.heading')}</h2>
      <label className="field">
        <span>{t('combine.mode')}</span>
        <select data-testid="combine-mode" value={combine.mode} onChange={(e) => void setCombine({ mode: e.currentTarget.value as CombineMode })}>
          <option value="single">{t('combine.single')}</option>
          <option value="average">{t('combine.average')}</option>
          <option value="difference">{t('combine.difference')}</option>
        </select>
      </label>
      {combine.mode === 'average' && (
        <>
          <p className="hint">{t('combine.averageHint')}</p>
          <ul className="model-checks">
            {all.map((m) => (
              <li key={m.id}>
                <label className="check">
                  <input
                    type="checkbox"
                    data-testid={`average-${m.id}`}
                    checked={combine.averageIds.includes(m.id)}
                    onChange={(e) => toggle(m.id, e.currentTarget.checked)}
                  />
                  {m.label}
                </label>
              </li>
            ))}
          </ul>
          {combine.averageIds.length < 2 && <p className="hint">{t('combine.averageNeedsTwo')}</p>}
        </>
      )}
      {combine.mode === 'difference' && (
        <>
          <p className="hint">{t('combine.a', { model: labelOf(modelId), method: methodLabel(method) })}</p>
          <label className="field">
            <span>{t('combine.bModel')}</span>
            <select data-testid="compare-model" value={combine.compareModelId} onChange={(e) => void setCombine({ compareModelId: e.currentTarget.value })}>
              {all.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('combine.bMethod')}</span>
            <select data-testid="compare-method" value={combine.compareMethod} onChange={(e) => void setCombine({ compareMethod: e.currentTarget.value })}>
              {METHODS.map((m) => (
                <option key={m.id} value={m.id}>
                  {names.method(m.id)}
                </option>
              ))}
            </select>
          </label>
          <p className="hint">{t('combine.differenceHint')}</p>
        </>
      )}
    </section>
  );
}
