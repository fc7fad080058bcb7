import { useStore } from '../state/store';

export function Prediction() {
  const output = useStore((s) => s.output);
  const status = useStore((s) => s.status);
  if (!output) {
    return (
      <section className="panel">
        <h2>Result</h2>
        <p className="hint">{status === 'running' ? 'Analysing…' : 'Open a scan or pick a demo case to start.'}</p>
      </section>
    );
  }
  const { result } = output;
  const pct = (result.probability * 100).toFixed(1);
  return (
    <section className="panel">
      <h2>Result</h2>
      <div className="prediction" data-testid="prediction">
        <span className="prob">{pct}%</span>
        <span className="prob-label">likelihood of Alzheimer&rsquo;s disease (softmax of the AD neuron)</span>
        <div className="prob-bar"><div style={{ width: `${pct}%` }} /></div>
      </div>
      <p className="disclaimer" role="note">
        Demonstration model trained on synthetic data — not a diagnostic device; this is not a diagnosis.
      </p>
      <dl className="kv">
        <dt>Model</dt><dd>{result.modelLabel}</dd>
        <dt>Method</dt><dd>{result.methodLabel}</dd>
        <dt>Logits</dt><dd>{result.logits.map((l) => l.toFixed(3)).join(', ')}</dd>
      </dl>
      {result.notices.length > 0 && (
        <ul className="notices">
          {result.notices.map((n) => <li key={n}>{n}</li>)}
        </ul>
      )}
    </section>
  );
}
