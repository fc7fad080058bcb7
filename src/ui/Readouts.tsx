import { useStore } from '../state/store';
import { GRID_DIMS } from '../worker/protocol';
import { voxelToWorld } from '../render/viewGeometry';

const fmt = (x: number | undefined, digits = 3) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));

/** What is under the crosshair: coordinates, values, AAL region. Single-voxel reads only. */
export function Readouts() {
  const [i, j, k] = useStore((s) => s.crosshair);
  const output = useStore((s) => s.output);
  const assets = useStore((s) => s.assets);
  const idx = i + GRID_DIMS[0] * (j + GRID_DIMS[1] * k);
  const [x, y, z] = voxelToWorld([i, j, k]);
  const label = assets.atlasLabels?.[idx];
  const region = !assets.loaded
    ? 'loading atlas…'
    : label === undefined
      ? 'atlas not available'
      : label === 0
        ? 'outside AAL regions'
        : (assets.regionNames.get(label) ?? `AAL label ${label}`);
  return (
    <section className="panel">
      <h2>Crosshair</h2>
      <dl className="kv">
        <dt>MNI (mm)</dt>
        <dd data-testid="coords">
          {x.toFixed(1)}, {y.toFixed(1)}, {z.toFixed(1)} <span className="hint">voxel {i}, {j}, {k}</span>
        </dd>
        <dt>Region</dt>
        <dd data-testid="region">{region}</dd>
        <dt>Scan</dt>
        <dd>{fmt(output?.result.background[idx])}</dd>
        <dt>Relevance</dt>
        <dd>
          {output ? output.result.relevance[idx].toExponential(2) : '—'}
          <span className="hint"> display {fmt(output?.result.display[idx], 2)}</span>
        </dd>
      </dl>
    </section>
  );
}
