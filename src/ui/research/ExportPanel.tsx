import { useState } from 'react';
import { version as appVersion } from '../../../package.json';
import { lobesCsv, regionsCsv } from '../../core/analysis/tables';
import { exportNifti, useResearch, type MapKind, type MapSpace } from '../../state/research';
import { buildSessionReport, resultFields, sha256Hex } from '../../state/sessionReport';
import { shownOverlay, useStore } from '../../state/store';
import { downloadBlob, renderLayoutPng } from './exportPng';
import { useResearchStrings, type NiftiExportKind } from './strings';
import { formatPercent, translate, translateMessage, useMessage, useT } from '../i18n';
import { DISCLAIMER } from '../Verdict';
import { useNames } from '../names';
import type { AppState } from '../../state/store';

/** The doubts and the disclaimer of the result on screen, in `lang`: every export carries them. */
function cautions(s: AppState, lang: AppState['lang']): { warnings: string[]; disclaimer: string } {
  const r = s.output!.result;
  return {
    warnings: r.gate.verdict === 'doubtful' ? r.gate.reasons.map((m) => translateMessage(lang, m)) : [],
    disclaimer: translate(lang, DISCLAIMER[r.provenance]),
  };
}

/** CSV with the cautions as leading `#` comment lines (pandas: comment='#'). */
function withCautions(csv: string, c: { warnings: string[]; disclaimer: string }): string {
  return [...c.warnings.map((w) => `# warning: ${w}`), `# ${c.disclaimer}`, csv].join('\n');
}

type NiftiChoice = NiftiExportKind;

/** File name stem of the scan: "sub-01_mwp1.nii.gz" -> "sub-01_mwp1". */
function stem(name: string | undefined): string {
  return (name ?? 'scan').replace(/\.nii(\.gz)?$/i, '').replace(/[^\w.-]+/g, '_') || 'scan';
}

export function ExportPanel() {
  const S = useResearchStrings();
  const t = useT();
  const tm = useMessage();
  const names = useNames();
  const output = useStore((s) => s.output);
  const refusal = useStore((s) => s.refusal);
  const [choice, setChoice] = useState<NiftiChoice>('raw-grid');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = (what: string, job: () => Promise<void>) => async () => {
    setBusy(what);
    setError(null);
    try {
      await job();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  const niftiJob = async () => {
    const [kind, space] = choice.split('-') as [MapKind, MapSpace];
    const file = await exportNifti(kind, space);
    downloadBlob(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: 'application/gzip' }), `${stem(useStore.getState().scan?.name)}_${file.name}`);
  };
  const pngJob = async () => {
    const s = useStore.getState();
    const canvas = document.querySelector<HTMLCanvasElement>('canvas.viewer-canvas');
    if (!canvas || !s.output) throw new Error(S.exportNeedsResult);
    const views = (['axial', 'coronal', 'sagittal', 'volume'] as const)
      .map((id): { title: string; el: Element | null } => ({ title: S.viewTitles[id], el: document.querySelector(`.view-${id}`) }))
      .filter((v): v is { title: string; el: Element } => v.el !== null);
    const { choice, result } = s.output;
    const blob = await renderLayoutPng(canvas, views, {
      threshold: s.view.threshold,
      minClusterSize: useResearch.getState().settings.minClusterSize,
      overlayHidden: s.view.hideOverlay,
      // A map opened from a file has no probability (NaN): the caption says so with a dash.
      probabilityLine: S.pngProbability(Number.isFinite(result.probability) ? formatPercent(s.lang, result.probability) : '—'),
      subtitle: `${s.scan?.name ?? ''} · ${result.combination?.kind === 'average' ? t('result.meanOf', { n: result.combination.members.length }) : names.model(choice.modelId)} · ${names.method(choice.method)}`,
      ...cautions(s, s.lang),
      ...(shownOverlay(s) === 'fold-spread' && result.spread ? { spreadLegend: t('colorbar.spreadLegend', { n: result.spread.folds }) } : {}),
    });
    downloadBlob(blob, `${stem(s.scan?.name)}_views.png`);
  };
  const csvJob = (lobes: boolean) => async () => {
    const s = useStore.getState();
    const r = s.output?.result.regions;
    if (!r) throw new Error(S.noRegions);
    const text = withCautions(lobes ? lobesCsv(r.lobes) : regionsCsv(r.regions), cautions(s, 'en'));
    downloadBlob(new Blob([text], { type: 'text/csv' }), `${stem(s.scan?.name)}_${lobes ? 'lobes' : 'regions'}.csv`);
  };
  const reportJob = async () => {
    const s = useStore.getState();
    if (!s.output || !s.scan) throw new Error(S.exportNeedsResult);
    const c = useResearch.getState().clusters;
    const current = c && c.key === s.output.key ? c : null;
    const report = buildSessionReport({
      appVersion,
      createdAt: new Date(),
      scan: { fileName: s.scan.name, sha256: await sha256Hex(s.scan.bytes), bytes: s.scan.bytes.length, source: s.scan.source },
      model: { id: s.output.choice.modelId, label: s.output.result.modelLabel },
      method: { id: s.output.choice.method, label: s.output.result.methodLabel },
      ...resultFields(s.output.result),
      disclaimer: cautions(s, 'en').disclaimer,
      threshold: s.view.threshold,
      transparency: s.view.transparency,
      minClusterSize: useResearch.getState().settings.minClusterSize,
      clusters: current ? { shown: current.keptCount, total: current.table.positiveCount + current.table.negativeCount } : null,
      lobes: s.output.result.regions?.lobes ?? null,
    });
    downloadBlob(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }), `${stem(s.scan.name)}_session.json`);
  };

  const disabled = !output || busy !== null;
  return (
    <section className="panel research-exports">
      <h2>{S.exportsTitle}</h2>
      {refusal ? (
        <p className="hint" data-testid="export-refused">
          {t('export.refused', { reason: refusal.decision.reasons.map(tm).join(' ') })}
        </p>
      ) : (
        !output && <p className="hint">{S.exportNeedsResult}</p>
      )}
      {output?.result.gate.verdict === 'doubtful' && (
        <p className="hint" data-testid="export-warned">
          {t('export.warned')}
        </p>
      )}
      <div className="export-buttons">
        <div className="export-row">
          <select data-testid="export-nifti-kind" value={choice} onChange={(e) => setChoice(e.currentTarget.value as NiftiChoice)}>
            {(Object.keys(S.exportNiftiKinds) as NiftiChoice[])
              // The fold-spread map exists only for a fold ensemble.
              .filter((k) => !k.startsWith('spread') || output?.result.spread)
              .map((k) => (
                <option key={k} value={k}>
                  {S.exportNiftiKinds[k]}
                </option>
              ))}
          </select>
          <button type="button" data-testid="export-nifti" disabled={disabled} onClick={run('nifti', niftiJob)}>
            {busy === 'nifti' ? S.exportBusy : S.exportNifti}
          </button>
        </div>
        <button type="button" data-testid="export-png" disabled={disabled} onClick={run('png', pngJob)}>
          {S.exportPng}
        </button>
        <div className="export-row">
          <button type="button" data-testid="export-csv" disabled={disabled || !output?.result.regions} onClick={run('csv', csvJob(false))}>
            {S.exportCsv}
          </button>
          <button type="button" data-testid="export-lobes-csv" disabled={disabled || !output?.result.regions} onClick={run('csv', csvJob(true))}>
            {S.exportLobesCsv}
          </button>
        </div>
        <button type="button" data-testid="export-report" disabled={disabled} onClick={run('report', reportJob)}>
          {S.exportReport}
        </button>
      </div>
      {error && (
        <p className="hint research-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
