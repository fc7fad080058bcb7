/**
 * Quality control of the raw-T1 stage: the "approximate CAT12-like" label, the verdict with its
 * reason, tissue volumes and TIV, the QC figures, the warped scan with the template's outline, and
 * exports (maps as NIfTI, qc.json, the QC picture as PNG). Shown only for a preprocessed raw T1.
 */
import { useEffect, useMemo, useState } from 'react';
import { encodePngRgb } from '../core/cohort/png';
import { useStore } from '../state/store';
import { downloadBlob } from './research/exportPng';
import { useMessage, useT } from './i18n';

export function QcPanel() {
  const t = useT();
  const text = useMessage();
  const pre = useStore((s) => s.output?.result.preprocessed);
  // The picture as PNG bytes (the core's encoder: no canvas), shown through a blob: URL and
  // downloaded as the same bytes inside the click. Not a data: URL (the policy's img-src has none)
  // and not canvas.toBlob (its callback runs outside the click's user activation, and Chromium then
  // blocks the download as one of several automatic ones).
  const png = useMemo(() => {
    if (!pre) return null;
    const { width, height, rgba } = pre.montage;
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) rgb.set(rgba.subarray(p * 4, p * 4 + 3), p * 3);
    return new Blob([encodePngRgb(rgb, width, height) as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  }, [pre]);
  const pictureUrl = useObjectUrl(png);
  const exportPicture = () => png && downloadBlob(png, 'qc.png');
  if (!pre) return null;
  const f = pre.figures;
  const ml = (x: number) => `${Math.round(x)} ml`;
  const seconds = Object.values(pre.seconds).reduce((a, b) => a + b, 0);
  return (
    <section className="panel" data-testid="qc-panel">
      <h2>{t('qc.heading')}</h2>
      <p className="approx-label" data-testid="approx-label" role="note">
        {text(pre.label)}
      </p>
      <p data-testid="qc-verdict" className={`qc-verdict qc-${pre.verdict}`}>
        <strong>
          {t('qc.verdict')}: {t(`qc.verdict.${pre.verdict}`)}
        </strong>{' '}
        — {text(pre.reason)}
      </p>
      {pre.reasons.length > 1 && (
        <ul className="notices">
          {pre.reasons.slice(1).map((m) => (
            <li key={m.key}>{text(m)}</li>
          ))}
        </ul>
      )}
      <img data-testid="qc-picture" className="qc-picture" src={pictureUrl} alt={t('qc.picture')} style={{ width: '100%' }} />
      <p className="hint">{t('qc.picture')}</p>
      <dl className="kv" data-testid="qc-volumes">
        <dt>{t('qc.gm')}</dt>
        <dd>{ml(pre.volumes.gm_ml)}</dd>
        <dt>{t('qc.wm')}</dt>
        <dd>{ml(pre.volumes.wm_ml)}</dd>
        <dt>{t('qc.csf')}</dt>
        <dd>{ml(pre.volumes.csf_ml)}</dd>
        <dt>{t('qc.tiv')}</dt>
        <dd data-testid="qc-tiv">{ml(pre.volumes.tiv_ml)}</dd>
        <dt>{t('qc.gmTiv')}</dt>
        <dd>{((f.gm_tiv ?? 0) * 100).toFixed(1)}%</dd>
        <dt>{t('qc.registration')}</dt>
        <dd>{(f.registration_r ?? 0).toFixed(3)}</dd>
        <dt>{t('qc.gmMatch')}</dt>
        <dd>{(f.gm_r_nonlinear ?? 0).toFixed(3)}</dd>
        <dt>{t('qc.coverage')}</dt>
        <dd>{Math.round((f.coverage ?? 0) * 100)}%</dd>
        <dt>{t('qc.bias')}</dt>
        <dd>
          {(f.bias_p05 ?? 1).toFixed(2)}–{(f.bias_p95 ?? 1).toFixed(2)}
        </dd>
        <dt>{t('qc.seconds')}</dt>
        <dd>{seconds.toFixed(1)} s</dd>
      </dl>
      <p className="hint">{t('qc.exportHint')}</p>
      <div className="row wrap" data-testid="qc-exports">
        {pre.files.map((file) => (
          <button key={file.name} type="button" onClick={() => downloadBlob(new Blob([file.bytes as Uint8Array<ArrayBuffer>]), file.name)}>
            {file.name}
          </button>
        ))}
        <button type="button" onClick={exportPicture}>
          {t('qc.exportPicture')}
        </button>
      </div>
    </section>
  );
}

/** A blob: URL for a blob, revoked when the blob changes or the component goes. */
function useObjectUrl(blob: Blob | null): string {
  const [url, setUrl] = useState('');
  useEffect(() => {
    if (!blob) return setUrl('');
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url;
}
