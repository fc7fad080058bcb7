import { cssGradient } from '../core/analysis/colormap';
import { useNumbers, useT } from './i18n';

/**
 * The diverging colormap as drawn by the shaders, with the threshold gap in the middle. For the
 * fold-spread map (an SD, never negative) only its upper half, with a legend that says what it is.
 */
export function Colorbar({ threshold, hidden, spreadFolds }: { threshold: number; hidden: boolean; spreadFolds?: number }) {
  const t = useT();
  const { num } = useNumbers();
  const gradient = cssGradient(threshold);
  if (spreadFolds !== undefined) {
    return (
      <div className={`colorbar ${hidden ? 'off' : ''}`} aria-label={t('colorbar.spreadLabel')} data-testid="spread-legend">
        {/* The right half of the same ramp: the shader maps the spread's 0..1 onto it. */}
        <div className="colorbar-ramp" style={{ background: gradient, backgroundSize: '200% 100%', backgroundPosition: 'right' }} />
        <div className="colorbar-ticks">
          <span>0</span>
          <span>{num(threshold, 2)}</span>
          <span>1</span>
        </div>
        <p className="hint">{t('colorbar.spreadLegend', { n: spreadFolds })}</p>
        <p className="hint">{t('colorbar.spreadScale')}</p>
      </div>
    );
  }
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
