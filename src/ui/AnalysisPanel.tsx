import { useStore } from '../state/store';
import { cancelAnalysis, setMethod, setModel } from '../state/actions';
import { METHODS, MODELS, PIPELINE_STAGES } from '../worker/protocol';

const STAGE_LABEL: Record<string, string> = {
  reading: 'Reading',
  grid: 'Model grid',
  forward: 'Forward pass',
  relevance: 'Relevance',
  post: 'Post-processing',
};

export function AnalysisPanel() {
  const modelId = useStore((s) => s.modelId);
  const method = useStore((s) => s.method);
  const status = useStore((s) => s.status);
  const progress = useStore((s) => s.progress);
  const busy = status === 'running' || status === 'loading';
  const stageIndex = progress ? PIPELINE_STAGES.indexOf(progress.stage) : -1;
  const overall = progress ? (stageIndex + progress.fraction) / PIPELINE_STAGES.length : 0;
  return (
    <section className="panel">
      <h2>Analysis</h2>
      <label className="field">
        <span>Model</span>
        <select data-testid="model-select" value={modelId} onChange={(e) => void setModel(e.currentTarget.value)}>
          {MODELS.map((m) => (
            <option key={m.id} value={m.id}>{m.label}</option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Method</span>
        <select data-testid="method-select" value={method} onChange={(e) => void setMethod(e.currentTarget.value)}>
          {METHODS.map((m) => (
            <option key={m.id} value={m.id}>{m.label}</option>
          ))}
        </select>
      </label>
      {busy && progress && (
        <div className="progress" data-testid="progress" role="status">
          <div className="progress-stages">
            {PIPELINE_STAGES.map((s, i) => (
              <span key={s} className={i < stageIndex ? 'done' : i === stageIndex ? 'active' : ''}>{STAGE_LABEL[s]}</span>
            ))}
          </div>
          <progress max={1} value={overall} />
          <div className="row">
            <span className="hint">
              {STAGE_LABEL[progress.stage]} {Math.round(progress.fraction * 100)}%{progress.message ? ` — ${progress.message}` : ''}
            </span>
            <button type="button" onClick={cancelAnalysis}>Cancel</button>
          </div>
        </div>
      )}
    </section>
  );
}
