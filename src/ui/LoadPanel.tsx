import { useRef } from 'react';
import { useStore } from '../state/store';
import { loadDemo, loadFile } from '../state/actions';

export function LoadPanel() {
  const demos = useStore((s) => s.demos);
  const scan = useStore((s) => s.scan);
  const input = useRef<HTMLInputElement>(null);
  return (
    <section className="panel">
      <h2>Scan</h2>
      <div className="row">
        <button type="button" className="primary" onClick={() => input.current?.click()}>
          Open NIfTI…
        </button>
        <input
          ref={input}
          data-testid="file-input"
          type="file"
          accept=".nii,.nii.gz,.gz"
          hidden
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = ''; // picking the same file again still fires
            if (f) void loadFile(f);
          }}
        />
        <span className="hint">or drop it anywhere</span>
      </div>
      <label className="field">
        <span>Demo case</span>
        <select
          data-testid="demo-select"
          value=""
          disabled={demos.length === 0}
          onChange={(e) => e.currentTarget.value && void loadDemo(e.currentTarget.value)}
        >
          <option value="">{demos.length ? 'Choose a demo case…' : 'No demo cases available'}</option>
          {demos.map((d) => (
            <option key={d.id} value={d.id}>
              {d.id} — {d.group}, {d.age} y, {String(d.sex)}
            </option>
          ))}
        </select>
      </label>
      {scan && (
        <p className="scan-name" title={`SHA-256 prefix ${scan.hash}`}>
          {scan.name} <span className="hint">({(scan.bytes.length / 2 ** 20).toFixed(1)} MB, {scan.source})</span>
        </p>
      )}
    </section>
  );
}
