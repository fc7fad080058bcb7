import { useEffect, useState } from 'react';
import { useStore } from '../state/store';
import { resetCovariates, setCovariates } from '../state/habitsActions';
import type { Covariates } from '../core/analysis/residualize';
import { useT, type MessageKey } from './i18n';

type NumericKey = 'age' | 'tiv' | 'field';
const LIMITS: Record<NumericKey, { label: MessageKey; min: number; max: number; step: number }> = {
  age: { label: 'cov.age', min: 0, max: 120, step: 1 },
  tiv: { label: 'cov.tiv', min: 500, max: 3000, step: 10 },
  field: { label: 'cov.field', min: 0.1, max: 11.7, step: 0.5 },
};

/** A number field that commits on Enter or blur (each commit may re-run the analysis). */
function NumberField({ k, value, disabled, onInvalid }: { k: NumericKey; value: number; disabled: boolean; onInvalid: (msg: string | null) => void }) {
  const t = useT();
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const lim = LIMITS[k];
  const commit = () => {
    const v = Number(text.replace(',', '.'));
    if (text.trim() === '' || !Number.isFinite(v) || v < lim.min || v > lim.max) {
      onInvalid(t('cov.invalid', { what: t(lim.label), min: lim.min, max: lim.max }));
      return;
    }
    onInvalid(null);
    void setCovariates({ [k]: v } as Partial<Covariates>);
  };
  return (
    <label className="field">
      <span>{t(lim.label)}</span>
      <input
        type="number"
        data-testid={`cov-${k}`}
        min={lim.min}
        max={lim.max}
        step={lim.step}
        value={text}
        readOnly={disabled}
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={() => !disabled && commit()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !disabled) commit();
        }}
      />
    </label>
  );
}

/** Age, sex, TIV and field strength for models that residualize their input (the paper's resmodel). */
export function CovariatesPanel() {
  const t = useT();
  const cov = useStore((s) => s.covariates);
  const residualize = useStore((s) => s.modelInfo[s.modelId]?.residualize ?? false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const readOnly = !residualize;
  return (
    <section className={`panel covariates ${readOnly ? 'read-only' : ''}`} data-testid="covariates">
      <h2>{t('cov.heading')}</h2>
      <p className="hint" data-testid="covariates-note">
        {readOnly ? t('cov.raw') : t('cov.residualized')}
      </p>
      <fieldset disabled={readOnly}>
        <NumberField k="age" value={cov.age} disabled={readOnly} onInvalid={setInvalid} />
        <label className="field">
          <span>{t('cov.sex')}</span>
          <select data-testid="cov-sex" value={String(cov.sex)} onChange={(e) => void setCovariates({ sex: Number(e.currentTarget.value) })}>
            <option value="1">{t('cov.female')}</option>
            <option value="0">{t('cov.male')}</option>
            <option value="0.5">{t('cov.unknown')}</option>
          </select>
        </label>
        <NumberField k="tiv" value={cov.tiv} disabled={readOnly} onInvalid={setInvalid} />
        <NumberField k="field" value={cov.field} disabled={readOnly} onInvalid={setInvalid} />
      </fieldset>
      {invalid && (
        <p className="field-error" role="alert">
          {invalid}
        </p>
      )}
      <p className="hint">{t('cov.defaults')}</p>
      {!readOnly && (
        <button type="button" className="link" onClick={() => void resetCovariates()}>
          {t('cov.reset')}
        </button>
      )}
    </section>
  );
}
