import { useMemo, useState } from 'react';
import type { LobeScore, RegionScore } from '../../core/analysis/regions';
import { setCrosshair, useStore } from '../../state/store';
import { setResearchSettings, useResearch, voxelIndex, voxelOfIndex } from '../../state/research';
import { useResearchStrings } from './strings';

const isHippocampus = (name: string) => /^Hippocampus(_|$)/.test(name);
const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-2 && Math.abs(x) < 1e4 ? x.toFixed(3) : x.toExponential(2));

/** Where a lobe row jumps: the target of its highest-scoring region (whole brain: of all regions). */
function lobeTarget(lobe: LobeScore, regions: RegionScore[], targets: Int32Array): number {
  const members = lobe.key === 'wholeBrain' ? regions : regions.filter((r) => lobe.regionIndices.includes(r.index));
  const best = [...members].sort((a, b) => b.positiveSum - a.positiveSum).find((r) => (targets[r.index] ?? -1) >= 0);
  return best ? targets[best.index] : -1;
}

/** Outline toggles and the paper's region/lobe scores, sorted by score; a row click jumps there. */
export function RegionTable() {
  const S = useResearchStrings();
  const [tab, setTab] = useState<'regions' | 'lobes'>('regions');
  const regions = useStore((s) => s.output?.result.regions ?? null);
  const outputKey = useStore((s) => s.output?.key ?? null);
  const labels = useStore((s) => s.assets.atlasLabels);
  const crosshair = useStore((s) => s.crosshair);
  const settings = useResearch((s) => s.settings);
  const targets = useResearch((s) => (s.regionTargets && s.regionTargets.key === outputKey ? s.regionTargets.targets : null));
  const currentLabel = labels ? labels[voxelIndex(crosshair)] : 0;
  const sortedRegions = useMemo(() => (regions ? [...regions.regions].sort((a, b) => b.positiveSum - a.positiveSum) : []), [regions]);
  const sortedLobes = useMemo(() => (regions ? [...regions.lobes].sort((a, b) => b.positiveSum - a.positiveSum) : []), [regions]);
  const jump = (v: number) => {
    if (v >= 0) setCrosshair(voxelOfIndex(v));
  };
  return (
    <section className="panel research-regions">
      <h2>{S.atlasTitle}</h2>
      <label className="check">
        <input
          type="checkbox"
          data-testid="region-outline-current"
          checked={settings.showRegionOutline}
          onChange={(e) => setResearchSettings({ showRegionOutline: e.currentTarget.checked })}
        />
        {S.outlineCurrent}
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="region-outline-toggle"
          checked={settings.showAllOutlines}
          onChange={(e) => setResearchSettings({ showAllOutlines: e.currentTarget.checked })}
        />
        {S.outlineAll}
      </label>
      <h3>{S.regionTableTitle}</h3>
      {!regions ? (
        <p className="hint">{outputKey ? S.noRegions : S.exportNeedsResult}</p>
      ) : (
        <>
          <div className="segmented" role="tablist">
            {(['regions', 'lobes'] as const).map((t) => (
              <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'on' : ''} onClick={() => setTab(t)}>
                {t === 'regions' ? S.tabRegions : S.tabLobes}
              </button>
            ))}
          </div>
          <p className="hint">{S.regionTableHint}</p>
          <div className="region-table-wrap">
            <table className="region-table" data-testid="region-table" data-kind={tab}>
              <thead>
                <tr>
                  <th>{tab === 'regions' ? S.colRegion : S.colLobe}</th>
                  <th className="num">{S.colScore}</th>
                  <th className="num">{S.colNegative}</th>
                  <th className="num">{S.colVoxels}</th>
                </tr>
              </thead>
              <tbody>
                {tab === 'regions'
                  ? sortedRegions.map((r) => (
                      <tr
                        key={r.index}
                        data-region={r.name}
                        data-label={r.index}
                        className={`${isHippocampus(r.name) ? 'hippocampus' : ''} ${r.index === currentLabel ? 'current' : ''}`}
                        onClick={() => targets && jump(targets[r.index] ?? -1)}
                      >
                        <td title={r.name}>
                          {r.name.replace(/_[LR]$/, '').replace(/_/g, ' ')}
                          {r.hemisphere !== '-' && <span className="hemi"> {r.hemisphere}</span>}
                        </td>
                        <td className="num">{fmt(r.positiveSum)}</td>
                        <td className="num">{fmt(r.negativeSum)}</td>
                        <td className="num">{r.voxels}</td>
                      </tr>
                    ))
                  : sortedLobes.map((l) => (
                      <tr
                        key={l.key}
                        data-region={l.label}
                        className={l.key === 'hippocampus' ? 'hippocampus' : ''}
                        onClick={() => targets && jump(lobeTarget(l, regions.regions, targets))}
                      >
                        <td>{l.label}</td>
                        <td className="num">{fmt(l.positiveSum)}</td>
                        <td className="num">{fmt(l.negativeSum)}</td>
                        <td className="num">{l.voxels}</td>
                      </tr>
                    ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
