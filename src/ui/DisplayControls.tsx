import { useStore, setView } from '../state/store';
import type { ClipAxis, VolumeMode } from '../state/viewSettings';
import { DEFAULT_VIEW_SETTINGS } from '../state/viewSettings';
import { Colorbar } from './Colorbar';

function Slider(props: { id: string; label: string; min: number; max: number; step: number; value: number; onChange: (v: number) => void; digits?: number }) {
  return (
    <label className="field slider">
      <span>{props.label}</span>
      <input
        type="range"
        data-testid={props.id}
        min={props.min}
        max={props.max}
        step={props.step}
        value={props.value}
        onChange={(e) => props.onChange(Number(e.currentTarget.value))}
      />
      <output>{props.value.toFixed(props.digits ?? 2)}</output>
    </label>
  );
}

export function DisplayControls() {
  const v = useStore((s) => s.view);
  const hasTemplate = useStore((s) => s.assets.template8 !== null);
  return (
    <section className="panel">
      <h2>Display</h2>
      <Colorbar threshold={v.threshold} hidden={v.hideOverlay} />
      <Slider id="threshold" label="Threshold |R|" min={0} max={1} step={0.01} value={v.threshold} onChange={(threshold) => setView({ threshold })} />
      <Slider id="transparency" label="Transparency" min={0} max={1} step={0.01} value={v.transparency} onChange={(transparency) => setView({ transparency })} />
      <label className="check">
        <input type="checkbox" data-testid="hide-overlay" checked={v.hideOverlay} onChange={(e) => setView({ hideOverlay: e.currentTarget.checked })} />
        Hide relevance overlay
      </label>
      <Slider id="brightness" label="Brightness" min={-0.5} max={0.5} step={0.01} value={v.brightness} onChange={(brightness) => setView({ brightness })} />
      <Slider id="contrast" label="Contrast" min={0.2} max={4} step={0.05} value={v.contrast} onChange={(contrast) => setView({ contrast })} />
      <label className="field">
        <span>Background</span>
        <select value={v.backgroundSource} onChange={(e) => setView({ backgroundSource: e.currentTarget.value as 'scan' | 'template' })}>
          <option value="scan">Analysed scan</option>
          <option value="template" disabled={!hasTemplate}>Colin27 T1 template{hasTemplate ? '' : ' (not available)'}</option>
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={v.flipLR} onChange={(e) => setView({ flipLR: e.currentTarget.checked })} />
        Radiological convention (subject&rsquo;s left on screen-right)
      </label>
      <label className="check">
        <input type="checkbox" checked={v.showCrosshair} onChange={(e) => setView({ showCrosshair: e.currentTarget.checked })} />
        Crosshair
      </label>
      <h3>3D view</h3>
      <div className="segmented" role="radiogroup">
        {(['glass', 'render'] as VolumeMode[]).map((m) => (
          <button key={m} type="button" role="radio" aria-checked={v.volumeMode === m} className={v.volumeMode === m ? 'on' : ''} onClick={() => setView({ volumeMode: m })}>
            {m === 'glass' ? 'Glass brain (MIP)' : 'Rendered brain'}
          </button>
        ))}
      </div>
      <label className="field">
        <span>Clip plane</span>
        <select value={v.clipAxis} onChange={(e) => setView({ clipAxis: e.currentTarget.value as ClipAxis })}>
          <option value="none">None</option>
          <option value="x">Left–right (x)</option>
          <option value="y">Posterior–anterior (y)</option>
          <option value="z">Inferior–superior (z)</option>
        </select>
      </label>
      {v.clipAxis !== 'none' && (
        <>
          <Slider id="clip-position" label="Clip position" min={0} max={1} step={0.01} value={v.clipPosition} onChange={(clipPosition) => setView({ clipPosition })} />
          <label className="check">
            <input type="checkbox" checked={v.clipFlip} onChange={(e) => setView({ clipFlip: e.currentTarget.checked })} />
            Keep the other side
          </label>
        </>
      )}
      <button type="button" className="link" onClick={() => setView(DEFAULT_VIEW_SETTINGS)}>Reset display settings</button>
    </section>
  );
}
