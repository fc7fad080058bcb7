import { useStore } from '../state/store';
import type { ModelProvenance } from '../core/model/catalog';
import { useMessageText, useT, type MessageKey } from './i18n';

/** The disclaimer that fits where the model's weights come from. */
const DISCLAIMER: Record<ModelProvenance, MessageKey> = {
  'synthetic-demo': 'app.disclaimer',
  untrained: 'app.disclaimerUntrained',
  imported: 'app.disclaimerImported',
};

export function Prediction() {
  const t = useT();
  const text = useMessageText();
  const output = useStore((s) => s.output);
  const status = useStore((s) => s.status);
  if (!output) {
    return (
      <section className="panel">
        <h2>{t('result.heading')}</h2>
        <p className="hint">{status === 'running' ? t('result.running') : t('result.empty')}</p>
      </section>
    );
  }
  const { result } = output;
  if (result.fromFile) {
    return (
      <section className="panel">
        <h2>{t('result.heading')}</h2>
        <p className="map-from-file" data-testid="map-from-file">{t('result.mapFromFile', { name: result.fromFile })}</p>
        <p className="disclaimer" role="note">{t('result.mapFromFileNote')}</p>
      </section>
    );
  }
  const combo = result.combination;
  const isDiff = combo?.kind === 'difference';
  const pct = (result.probability * 100).toFixed(1);
  const cov = result.residualizedWith;
  return (
    <section className="panel">
      <h2>{t('result.heading')}</h2>
      {isDiff && <p className="difference-label" data-testid="difference-label">{t('result.differenceLabel')}</p>}
      <div className="prediction" data-testid="prediction">
        <span className="prob">{isDiff && result.probability >= 0 ? '+' : ''}{pct}%</span>
        <span className="prob-label">
          {combo?.kind === 'average' ? t('result.meanLikelihood', { n: combo.members.length }) : isDiff ? t('result.differenceLikelihood') : t('result.likelihood')}
        </span>
        {!isDiff && <div className="prob-bar"><div style={{ width: `${pct}%` }} /></div>}
      </div>
      <p className="disclaimer" role="note">{t(DISCLAIMER[result.provenance])}</p>
      {result.preprocessed && <p className="disclaimer" data-testid="prediction-approx" role="note">{text(result.preprocessed.label)}</p>}
      <dl className="kv">
        <dt>{t('result.model')}</dt><dd>{result.modelLabel}</dd>
        <dt>{t('result.method')}</dt><dd>{result.methodLabel}</dd>
        <dt>{t('result.logits')}</dt><dd data-testid="logits">{result.logits.map((l) => l.toFixed(3)).join(', ')}</dd>
        <dt>{t('result.covariates')}</dt>
        <dd data-testid="result-covariates">{cov ? `${cov.age} y, ${cov.sex === 1 ? t('cov.female') : cov.sex === 0 ? t('cov.male') : t('cov.unknown')}, ${cov.tiv} cm³, ${cov.field} T` : t('result.rawInput')}</dd>
      </dl>
      {combo && (
        <>
          <h3>{t('result.members')}</h3>
          <ul className="members" data-testid="members">
            {combo.members.map((m, i) => (
              <li key={i}>{isDiff ? (i === 0 ? 'A: ' : 'B: ') : ''}{m.modelLabel} · {m.methodLabel}: {(m.probability * 100).toFixed(1)}%</li>
            ))}
          </ul>
        </>
      )}
      {result.notices.length > 0 && (
        <ul className="notices">
          {result.notices.map((n) => <li key={n}>{n}</li>)}
        </ul>
      )}
    </section>
  );
}
