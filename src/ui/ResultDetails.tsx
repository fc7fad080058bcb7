import { useStore } from '../state/store';
import { useNumbers, useT } from './i18n';
import { useNames } from './names';

/** How the result on screen was made: model, method, logits, covariates, members of a combination. The verdict block shows the result itself. */
export function ResultDetails() {
  const t = useT();
  const { num, pct } = useNumbers();
  const names = useNames();
  const output = useStore((s) => s.output);
  if (!output) return null;
  const { result, choice } = output;
  const combo = result.combination;
  const isDiff = combo?.kind === 'difference';
  const cov = result.residualizedWith;
  const sex = (c: number) => (c === 1 ? t('cov.female') : c === 0 ? t('cov.male') : t('cov.unknown'));
  return (
    <section className="panel" data-testid="result-details">
      <h2>{t('result.heading')}</h2>
      {isDiff && (
        <p className="difference-label" data-testid="difference-label">
          {t('result.differenceLabel')}
        </p>
      )}
      <dl className="kv">
        <dt>{t('result.model')}</dt>
        <dd>{combo?.kind === 'average' ? t('result.meanOf', { n: combo.members.length }) : names.model(choice.modelId)}</dd>
        <dt>{t('result.method')}</dt>
        <dd data-testid="result-method">{names.method(choice.method)}</dd>
        <dt>{t('result.logits')}</dt>
        <dd data-testid="logits">{result.logits.map((l) => num(l, 3)).join('; ')}</dd>
        <dt>{t('result.covariates')}</dt>
        <dd data-testid="result-covariates">
          {cov ? `${num(cov.age)} ${t('result.years')}, ${sex(cov.sex)}, ${num(cov.tiv)} cm³, ${num(cov.field)} T` : t('result.rawInput')}
        </dd>
      </dl>
      {combo && (
        <>
          <h3>{t('result.members')}</h3>
          <ul className="members" data-testid="members">
            {combo.members.map((m, i) => (
              <li key={i}>
                {isDiff ? (i === 0 ? 'A: ' : 'B: ') : ''}
                {names.modelByLabel(m.modelLabel)} · {names.method(m.method)}: {pct(m.probability)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
