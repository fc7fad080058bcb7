import { useEffect } from 'react';
import { useStore } from '../../state/store';
import { clusterStatsAt, medianUpdateMs, RESEARCH_OPTIONS, setResearchSettings, startResearch, useResearch } from '../../state/research';
import { useResearchStrings } from './strings';
import './research.css';

const BIN = 10;

/** Bars of the cluster-size histogram; bins wholly below the minimum size are dimmed. */
function SizeHistogram({ bins, minSize }: { bins: Uint32Array | null; minSize: number }) {
  const S = useResearchStrings();
  const counts = bins ? Array.from(bins) : new Array<number>(20).fill(0);
  const max = Math.max(1, ...counts);
  return (
    <svg
      className="cluster-histogram"
      data-testid="cluster-histogram"
      data-counts={counts.join(',')}
      viewBox={`0 0 ${counts.length} 1`}
      preserveAspectRatio="none"
      role="img"
      aria-label={S.histogramCaption}
    >
      {counts.map((c, b) => {
        const h = c > 0 ? Math.max(0.04, Math.sqrt(c / max)) : 0; // sqrt: a few large clusters stay visible next to many small ones
        const dropped = (b + 1) * BIN <= minSize;
        return (
          <rect key={b} x={b + 0.1} y={1 - h} width={0.8} height={h} className={dropped ? 'dropped' : 'kept'}>
            <title>{S.histogramBarTitle(b * BIN, b === counts.length - 1 ? null : (b + 1) * BIN - 1, c)}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export function ClusterPanel() {
  const S = useResearchStrings();
  useEffect(() => startResearch(), []);
  const minSize = useResearch((s) => s.settings.minClusterSize);
  const clusters = useResearch((s) => s.clusters);
  const recent = useResearch((s) => s.recentMs);
  const error = useResearch((s) => s.researchError);
  const crosshair = useStore((s) => s.crosshair);
  const outputKey = useStore((s) => s.output?.key ?? null);
  const current = clusters && clusters.key === outputKey ? clusters : null;
  const stats = current ? clusterStatsAt(current, crosshair) : null;
  const total = current ? current.table.positiveCount + current.table.negativeCount : 0;
  return (
    <section className="panel research-clusters">
      <h2>{S.clustersTitle}</h2>
      <label className="field slider">
        <span>{S.minClusterSize}</span>
        <input
          type="range"
          data-testid="min-cluster"
          min={RESEARCH_OPTIONS.minClusterSize.min}
          max={RESEARCH_OPTIONS.minClusterSize.max}
          step={RESEARCH_OPTIONS.minClusterSize.step}
          value={minSize}
          onChange={(e) => setResearchSettings({ minClusterSize: Number(e.currentTarget.value) })}
        />
        <output>{minSize}</output>
      </label>
      <SizeHistogram bins={current?.sizeHistogram ?? null} minSize={minSize} />
      <p className="hint histogram-caption">{S.histogramCaption}</p>
      {current && (
        <p className="hint" data-testid="clusters-kept" data-kept={current.keptCount} data-total={total}>
          {S.clustersKept(current.keptCount, total)}
        </p>
      )}
      {!current && outputKey && <p className="hint">{S.waitingForClusters}</p>}
      <h3>{S.clusterAtCrosshair}</h3>
      <div data-testid="cluster-stats" data-size={stats?.size ?? 0} data-kept={stats ? String(stats.kept) : 'none'}>
        {!stats ? (
          <p className="hint">{current ? S.noCluster : '—'}</p>
        ) : (
          <dl className="kv">
            <dt>{S.clusterSizeLabel}</dt>
            <dd>
              {S.clusterSize(stats.size, stats.sizeMm3)} <span className="hint">{stats.sign > 0 ? S.clusterPositive : S.clusterNegative}</span>
              {!stats.kept && <div className="hint">{S.clusterFiltered}</div>}
            </dd>
            <dt>{S.clusterMean}</dt>
            <dd>{stats.mean.toFixed(3)}</dd>
            <dt>{S.clusterPeak}</dt>
            <dd>
              {stats.peak.toFixed(3)} <span className="hint">{S.displayUnits}</span>
            </dd>
          </dl>
        )}
      </div>
      {current && (
        <p
          className="hint"
          data-testid="cluster-timing"
          data-threshold={current.threshold}
          data-min-size={current.minSize}
          data-relabelled={String(current.relabelled)}
          data-ms={current.roundTripMs.toFixed(1)}
          data-worker-ms={current.workerMs.toFixed(1)}
        >
          {S.updateTiming(current.roundTripMs, medianUpdateMs(recent))}
        </p>
      )}
      {error && <p className="hint research-error">{error}</p>}
    </section>
  );
}
