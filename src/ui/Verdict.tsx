/**
 * The verdict block, always in view beside the slices: what the page needs (first visit), the
 * refusal of an image the model was not made for, or the result with its disclaimer and the
 * input gate's warnings; a running job is named here without pushing anything away.
 */
import { useEffect, useRef, useState } from 'react';
import { useStore } from '../state/store';
import { cancelAnalysis, loadDemo } from '../state/actions';
import type { ModelProvenance } from '../core/model/catalog';
import { useMessage, useNumbers, useT, type MessageKey } from './i18n';
import { useNames } from './names';
import { overallFraction, secondsLeft, STAGE_KEY } from './progress';

/** The disclaimer that fits where the model's weights come from. */
export const DISCLAIMER: Record<ModelProvenance, MessageKey> = {
  'synthetic-demo': 'app.disclaimer',
  untrained: 'app.disclaimerUntrained',
  imported: 'app.disclaimerImported',
};

/** The demo the first-visit card offers: an AD case, where the map has most to show. */
function firstAdDemo(demos: { id: string; group: string }[]): string | undefined {
  return (demos.find((d) => d.group === 'AD') ?? demos[0])?.id;
}

export function Verdict() {
  const output = useStore((s) => s.output);
  const refusal = useStore((s) => s.refusal);
  const job = useStore((s) => s.job);
  return (
    <section className="verdict panel" data-testid="verdict" aria-live="polite">
      {refusal ? <Refused /> : output ? <Result /> : job ? null : <FirstVisit />}
      {job && <Running />}
    </section>
  );
}

function FirstVisit() {
  const t = useT();
  const demos = useStore((s) => s.demos);
  const demo = firstAdDemo(demos);
  return (
    <div className="first-visit" data-testid="first-visit">
      <h2>{t('verdict.firstTitle')}</h2>
      <p>{t('verdict.firstBody')}</p>
      <p className="row-start">
        <button type="button" className="primary" data-testid="try-demo" disabled={!demo} onClick={() => demo && void loadDemo(demo)}>
          {t('verdict.tryDemo')}
        </button>
        <span className="hint">{t('verdict.orOpen')}</span>
      </p>
    </div>
  );
}

function Refused() {
  const t = useT();
  const tm = useMessage();
  const refusal = useStore((s) => s.refusal)!;
  return (
    <div className="refusal" data-testid="refusal" role="alert">
      <h2>{t('verdict.refusedTitle', { name: refusal.scanName })}</h2>
      {refusal.decision.reasons.map((r) => (
        <p key={r.key}>{tm(r)}</p>
      ))}
    </div>
  );
}

function Result() {
  const t = useT();
  const tm = useMessage();
  const { pct } = useNumbers();
  const output = useStore((s) => s.output)!;
  const { result } = output;
  if (result.fromFile) {
    return (
      <div className="verdict-result">
        <p className="map-from-file" data-testid="map-from-file">
          {t('result.mapFromFile', { name: result.fromFile })}
        </p>
        <p className="disclaimer" role="note">
          {t('result.mapFromFileNote')}
        </p>
      </div>
    );
  }
  const combo = result.combination;
  const isDiff = combo?.kind === 'difference';
  // A raw T1's quality control can doubt the map made from it, as the gate can doubt a scan.
  const qcDoubtful = result.preprocessed?.verdict === 'doubtful';
  const doubtful = result.gate.verdict === 'doubtful' || qcDoubtful;
  const warnings = [...(result.gate.verdict === 'doubtful' ? result.gate.reasons : []), ...(qcDoubtful ? result.preprocessed!.reasons : [])];
  const warned = new Set(warnings.map((w) => w.text));
  const notices = result.notices.filter((n) => !warned.has(n.text));
  const label =
    combo?.kind === 'ensemble'
      ? t('result.meanLikelihoodFolds', { n: combo.members.length })
      : combo?.kind === 'average'
        ? t('result.meanLikelihood', { n: combo.members.length })
        : isDiff
          ? t('result.differenceLikelihood')
          : t('result.likelihood');
  return (
    <div className="verdict-result">
      <div className={`prediction ${doubtful ? 'doubtful' : ''}`} data-testid="prediction">
        <span className="prob">{pct(result.probability, 1, isDiff)}</span>
        <span className="prob-label">{label}</span>
        {!isDiff && (
          <div className="prob-bar">
            <div style={{ width: `${(result.probability * 100).toFixed(1)}%` }} />
          </div>
        )}
      </div>
      <div className="verdict-notes">
        {doubtful && (
          <div className="input-warning" data-testid="input-warning" role="alert">
            <strong>{t('verdict.warningTitle')}</strong>
            {warnings.map((r) => (
              <span key={r.key}> {tm(r)}</span>
            ))}
          </div>
        )}
        <p className="disclaimer" role="note">
          {t(DISCLAIMER[result.provenance])}
        </p>
        {result.preprocessed && (
          <p className="disclaimer" data-testid="prediction-approx" role="note">
            {tm(result.preprocessed.label)}
          </p>
        )}
        {notices.length > 0 && (
          <ul className="notices" data-testid="notices">
            {notices.map((n) => (
              <li key={n.text}>{tm(n)}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** The job in progress: one line with its stage and, for long stages, the time left; Cancel beside it. */
function Running() {
  const t = useT();
  const { pct } = useNumbers();
  const names = useNames();
  const job = useStore((s) => s.job)!;
  const progress = useStore((s) => s.progress);
  const shown = useStore((s) => s.output?.choice);
  const stageStart = useRef<{ stage: string; at: number } | null>(null);
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  if (progress && stageStart.current?.stage !== progress.stage) stageStart.current = { stage: progress.stage, at: Date.now() };
  const left = progress && stageStart.current ? secondsLeft(stageStart.current.at, progress.fraction) : null;
  const stage = progress ? t(STAGE_KEY[progress.stage]!) : '';
  return (
    <div className="verdict-running" data-testid="progress" role="status">
      <span>
        {job.kind === 'analysis' && shown && (shown.method !== job.method || shown.modelId !== job.modelId)
          ? t('verdict.rerunning', { method: names.method(job.method), shown: names.method(shown.method) })
          : t(job.kind === 'importing' ? 'verdict.importing' : 'verdict.running', { name: job.name, stage, pct: pct(overallFraction(progress), 0) })}
        {progress?.member && (
          <span data-testid="progress-member">
            {' · '}
            {t(`verdict.member.${progress.member.unit}`, { n: progress.member.index, count: progress.member.count })}
          </span>
        )}
        {left !== null && <span className="hint"> · {t('verdict.estimate', { seconds: left })}</span>}
      </span>
      {job.kind === 'analysis' && (
        <button type="button" onClick={cancelAnalysis}>
          {t('verdict.cancel')}
        </button>
      )}
    </div>
  );
}
