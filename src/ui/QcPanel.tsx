/**
 * Quality control of the raw-T1 stage: the "approximate CAT12-like" label, the verdict with its
 * reason, tissue volumes and TIV, the QC figures, the warped scan with the template's outline, and
 * exports (maps as NIfTI, qc.json, the QC picture as PNG). Shown only for a preprocessed raw T1.
 */
import { useMemo } from 'react';
import { useStore } from '../state/store';
import { downloadBlob } from './research/exportPng';
import { useMessage, useT } from './i18n';

export function QcPanel() {
  const t = useT();
  const text = useMessage();
  const pre = useStore((s) => s.output?.result.preprocessed);
  // An off-page canvas makes the picture (an <img>: the page's only canvases stay the viewer's).
  const picture = useMemo(() => {
    if (!pre) return null;
    const c = document.createElement('canvas');
    c.width = pre.montage.width;
    c.height = pre.montage.height;
    c.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(pre.montage.rgba), pre.montage.width, pre.montage.height), 0, 0);
    return c;
  }, [pre]);
  const pictureUrl = useMemo(() => picture?.toDataURL('image/png') ?? '', [picture]);
  if (!pre) return null;
  const f = pre.figures;
  const ml = (x: number) => `${Math.round(x)} ml`;
  const seconds = Object.values(pre.seconds).reduce((a, b) => a + b, 0);
  // Synchronously, from the PNG already encoded for the <img>: a download started later (canvas.toBlob's
  // callback) falls outside the click's user activation, and Chromium may then block it as one of
  // several automatic downloads (seen on a loaded machine).
  const exportPicture = () => {
    const base64 = pictureUrl.slice(pictureUrl.indexOf(',') + 1);
    downloadBlob(new Blob([Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))], { type: 'image/png' }), 'qc.png');
  };
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
