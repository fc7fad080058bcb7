import { useT } from './i18n';

/** The diverging colormap as drawn by the shaders, with the threshold gap in the middle. */
export function Colorbar({ threshold, hidden }: { threshold: number; hidden: boolean }) {
  const t = useT();
  const lo = ((1 - threshold) / 2) * 100; // position of -threshold, percent from the left (-1)
  const hi = ((1 + threshold) / 2) * 100;
  const gradient = `linear-gradient(to right, rgb(26,255,255) 0%, rgb(13,51,255) ${lo}%, transparent ${lo}%, transparent ${hi}%, rgb(219,20,0) ${hi}%, rgb(255,255,26) 100%)`;
  return (
    <div className={`colorbar ${hidden ? 'off' : ''}`} aria-label={t('colorbar.label')}>
      <div className="colorbar-ramp" style={{ background: gradient }} />
      <div className="colorbar-ticks">
        <span>−1</span>
        <span>−{threshold.toFixed(2)}</span>
        <span>0</span>
        <span>+{threshold.toFixed(2)}</span>
        <span>+1</span>
      </div>
      <div className="colorbar-legend">
        <span>{t('colorbar.against')}</span>
        <span>{t('colorbar.for')}</span>
      </div>
    </div>
  );
}
