import { useState } from 'react';
import { useStore, type AppState } from '../state/store';
import { useT } from './i18n';

/** The gate's class, verdict and figures (e.g. brainCoverage 0.24) of the result or the refusal on screen. */
function gateLine(s: AppState): string {
  const g = s.output?.result.gate ?? s.refusal?.decision;
  if (!g) return '—';
  const figures = Object.entries(g.figures)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(3)}`)
    .join(', ');
  return `${g.scanClass}, ${g.verdict} (${figures})`;
}

/** In English on purpose: a report to paste into an issue. */
function report(s: AppState): string {
  const r = s.output?.result;
  const lines = [
    `relevance-viewer diagnostics — ${new Date().toISOString()}`,
    `user agent: ${navigator.userAgent}`,
    `cross-origin isolated: ${String(globalThis.crossOriginIsolated ?? false)}; hardware threads: ${navigator.hardwareConcurrency}`,
    `tfjs backend: ${r?.backend ?? '(no analysis yet)'}`,
    `GPU: ${s.gpu ? `${s.gpu.renderer} (${s.gpu.vendor})` : '(no WebGL)'}`,
    `shader precision: ${s.gpu?.precision ?? '—'}; max texture ${s.gpu?.maxTextureSize ?? '—'}, max 3D texture ${s.gpu?.max3DTextureSize ?? '—'}; float linear filtering: ${s.gpu ? String(s.gpu.floatLinear) : '—'}`,
    `model: ${r?.modelLabel ?? s.modelId}; method: ${r?.methodLabel ?? s.method}`,
    `timings (ms): ${
      r
        ? Object.entries(r.timings)
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join(', ')
        : '—'
    }`,
    `engine notes: ${r?.engineNotes.map((m) => m.text).join(' | ') || '—'}`,
    `notices: ${r?.notices.map((m) => m.text).join(' | ') || '—'}`,
    `input gate: ${gateLine(s)}`,
    `assets missing: ${s.assets.missing.join(' | ') || 'none'}`,
    `webgl: ${s.webglProblem?.text ?? 'ok'}`,
  ];
  return lines.join('\n');
}

export function Diagnostics() {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <details className="panel diagnostics" data-testid="diagnostics" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('diag.heading')}</summary>
      {open && <DiagnosticsBody />}
    </details>
  );
}

/** Mounted only while the panel is open: it follows the whole state (crosshair included). */
function DiagnosticsBody() {
  const t = useT();
  const state = useStore();
  const [copied, setCopied] = useState(false);
  const text = report(state);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API refused (insecure context, permissions): fall back to a selection copy.
      const ta = document.createElement('textarea');
      ta.value = text;
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <>
      <pre>{text}</pre>
      <button type="button" onClick={() => void copy()}>
        {copied ? t('diag.copied') : t('diag.copy')}
      </button>
    </>
  );
}
