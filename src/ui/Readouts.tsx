import { useStore } from '../state/store';
import { CAT12_GRID } from '../core/volume/grid';
import { voxelToWorld } from '../render/viewGeometry';
import { useNumbers, useT } from './i18n';

const GRID_DIMS = CAT12_GRID.dims;

/** AAL names as the region table writes them: "Frontal_Inf_Tri_L" -> "Frontal Inf Tri L". */
export const regionDisplayName = (name: string) => name.replace(/_/g, ' ');

/** What is under the crosshair: coordinates, values, AAL region. Single-voxel reads only. */
export function Readouts() {
  const t = useT();
  const { num } = useNumbers();
  const fmt = (x: number | undefined, digits: number) => (x === undefined ? '—' : num(x, digits));
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
        : regionDisplayName(assets.regionNames.get(label) ?? t('cross.label', { label }));
  return (
    <section className="panel">
      <h2>{t('cross.heading')}</h2>
      <dl className="kv">
        <dt>{t('cross.mni')}</dt>
        <dd data-testid="coords">
          {t('cross.coords', { x: num(x, 1), y: num(y, 1), z: num(z, 1) })} <span className="hint">{t('cross.voxel', { i, j, k })}</span>
        </dd>
        <dt>{t('cross.region')}</dt>
        <dd data-testid="region">{region}</dd>
        <dt>{t('cross.scan')}</dt>
        <dd>{fmt(output?.result.background[idx], 3)}</dd>
        <dt>{t('cross.relevance')}</dt>
        <dd>
          {/* The display value (smoothed, scaled to [-1, 1]) reads at a glance; the raw value, tiny, in fixed notation beside it. */}
          {fmt(output?.result.display[idx], 2)}
          <span className="hint"> {t('cross.raw', { v: fmt(output?.result.relevance[idx], 6) })}</span>
        </dd>
        {output?.result.spread && (
          <>
            <dt>{t('cross.spread')}</dt>
            <dd data-testid="spread-readout">
              {fmt(output.result.spread.display[idx], 2)}
              <span className="hint"> {t('cross.raw', { v: fmt(output.result.spread.relevance[idx], 6) })}</span>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
