import { cssGradient } from '../core/analysis/colormap';
import { useNumbers, useT } from './i18n';

/** The diverging colormap as drawn by the shaders, with the threshold gap in the middle. */
export function Colorbar({ threshold, hidden }: { threshold: number; hidden: boolean }) {
  const t = useT();
  const { num } = useNumbers();
  const gradient = cssGradient(threshold);
  return (
    <div className={`colorbar ${hidden ? 'off' : ''}`} aria-label={t('colorbar.label')}>
      <div className="colorbar-ramp" style={{ background: gradient }} />
      <div className="colorbar-ticks">
        <span>−1</span>
        <span>−{num(threshold, 2)}</span>
        <span>0</span>
        <span>+{num(threshold, 2)}</span>
        <span>+1</span>
      </div>
      <div className="colorbar-legend">
        <span>{t('colorbar.against')}</span>
        <span>{t('colorbar.for')}</span>
      </div>
    </div>
  );
}
