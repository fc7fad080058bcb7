import { useStore } from '../state/store';
import { CAT12_GRID } from '../core/volume/grid';
import { voxelToWorld } from '../render/viewGeometry';
import { useT } from './i18n';

const GRID_DIMS = CAT12_GRID.dims;

const fmt = (x: number | undefined, digits = 3) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));

/** What is under the crosshair: coordinates, values, AAL region. Single-voxel reads only. */
export function Readouts() {
  const t = useT();
  const [i, j, k] = useStore((s) => s.crosshair);
  const output = useStore((s) => s.output);
  const assets = useStore((s) => s.assets);
  const idx = i + GRID_DIMS[0] * (j + GRID_DIMS[1] * k);
  const [x, y, z] = voxelToWorld([i, j, k]);
  const label = assets.atlasLabels?.[idx];
  const region = !assets.loaded
    ? t('cross.loadingAtlas')
    : label === undefined
      ? t('cross.noAtlas')
      : label === 0
        ? t('cross.outside')
        : (assets.regionNames.get(label) ?? t('cross.label', { label }));
  return (
    <section className="panel">
      <h2>{t('cross.heading')}</h2>
      <dl className="kv">
        <dt>{t('cross.mni')}</dt>
        <dd data-testid="coords">
          {x.toFixed(1)}, {y.toFixed(1)}, {z.toFixed(1)} <span className="hint">{t('cross.voxel', { i, j, k })}</span>
        </dd>
        <dt>{t('cross.region')}</dt>
        <dd data-testid="region">{region}</dd>
        <dt>{t('cross.scan')}</dt>
        <dd>{fmt(output?.result.background[idx])}</dd>
        <dt>{t('cross.relevance')}</dt>
        <dd>
          {output ? output.result.relevance[idx].toExponential(2) : '—'}
          <span className="hint"> {t('cross.display', { v: fmt(output?.result.display[idx], 2) })}</span>
        </dd>
      </dl>
    </section>
  );
}
