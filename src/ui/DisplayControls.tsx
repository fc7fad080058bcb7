import { useStore, setView, shownOverlay } from '../state/store';
import type { BackgroundSource, ClipAxis, NumberOption, OverlayMap, VolumeMode } from '../state/viewSettings';
import { DEFAULT_VIEW_SETTINGS, VIEW_OPTIONS } from '../state/viewSettings';
import { Colorbar } from './Colorbar';
import { useNumbers, useT } from './i18n';

/** A range input whose range and step come from the option's schema entry. */
function Slider(props: { id: string; label: string; option: NumberOption; value: number; onChange: (v: number) => void; digits?: number }) {
  const { num } = useNumbers();
  return (
    <label className="field slider">
      <span>{props.label}</span>
      <input
        type="range"
        data-testid={props.id}
        min={props.option.min}
        max={props.option.max}
        step={props.option.step}
        value={props.value}
        onChange={(e) => props.onChange(Number(e.currentTarget.value))}
      />
      <output>{num(props.value, props.digits ?? 2)}</output>
    </label>
  );
}

export function DisplayControls() {
  const t = useT();
  const v = useStore((s) => s.view);
  const hasTemplate = useStore((s) => s.assets.template8 !== null);
  const preprocessed = useStore((s) => s.output?.result.preprocessed !== undefined);
  const spreadFolds = useStore((s) => s.output?.result.spread?.folds);
  const overlay = useStore(shownOverlay);
  return (
    <section className="panel">
      <h2>{t('display.heading')}</h2>
      <Colorbar threshold={v.threshold} hidden={v.hideOverlay} spreadFolds={overlay === 'fold-spread' ? spreadFolds : undefined} />
      <label className="field">
        <span>{t('display.overlayMap')}</span>
        {/* The map on screen: a fold-spread choice waits, unshown, for the next ensemble result. */}
        <select data-testid="overlay-map" value={overlay} onChange={(e) => setView({ overlayMap: e.currentTarget.value as OverlayMap })}>
          <option value="relevance">{t('display.overlayRelevance')}</option>
          <option value="fold-spread" disabled={spreadFolds === undefined}>
            {t('display.overlaySpread')}
            {spreadFolds === undefined ? t('display.overlaySpreadOnly') : ''}
          </option>
        </select>
      </label>
      <Slider
        id="threshold"
        label={t('display.threshold')}
        option={VIEW_OPTIONS.threshold}
        value={v.threshold}
        onChange={(threshold) => setView({ threshold })}
      />
      <Slider
        id="transparency"
        label={t('display.transparency')}
        option={VIEW_OPTIONS.transparency}
        value={v.transparency}
        onChange={(transparency) => setView({ transparency })}
      />
      <label className="check">
        <input type="checkbox" data-testid="hide-overlay" checked={v.hideOverlay} onChange={(e) => setView({ hideOverlay: e.currentTarget.checked })} />
        {t('display.hideOverlay')}
      </label>
      <Slider
        id="brightness"
        label={t('display.brightness')}
        option={VIEW_OPTIONS.brightness}
        value={v.brightness}
        onChange={(brightness) => setView({ brightness })}
      />
      <Slider id="contrast" label={t('display.contrast')} option={VIEW_OPTIONS.contrast} value={v.contrast} onChange={(contrast) => setView({ contrast })} />
      <label className="field">
        <span>{t('display.background')}</span>
        <select
          data-testid="background-source"
          value={v.backgroundSource}
          onChange={(e) => setView({ backgroundSource: e.currentTarget.value as BackgroundSource })}
        >
          <option value="scan">{preprocessed ? t('display.bgGmMap') : t('display.bgScan')}</option>
          {preprocessed && <option value="warped">{t('display.bgWarped')}</option>}
          <option value="template" disabled={!hasTemplate}>
            {t('display.bgTemplate')}
            {hasTemplate ? '' : t('display.notAvailable')}
          </option>
        </select>
      </label>
      <label className="check">
        <input type="checkbox" data-testid="flip-lr" checked={v.flipLR} onChange={(e) => setView({ flipLR: e.currentTarget.checked })} />
        {t('display.radiological')}
      </label>
      <label className="check">
        <input type="checkbox" checked={v.showCrosshair} onChange={(e) => setView({ showCrosshair: e.currentTarget.checked })} />
        {t('display.crosshair')}
      </label>
      <h3>{t('display.3d')}</h3>
      <div className="segmented" role="radiogroup">
        {(['glass', 'render'] as VolumeMode[]).map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={v.volumeMode === m}
            className={v.volumeMode === m ? 'on' : ''}
            onClick={() => setView({ volumeMode: m })}
          >
            {m === 'glass' ? t('display.glass') : t('display.render')}
          </button>
        ))}
      </div>
      <label className="field">
        <span>{t('display.clip')}</span>
        <select value={v.clipAxis} onChange={(e) => setView({ clipAxis: e.currentTarget.value as ClipAxis })}>
          <option value="none">{t('display.clipNone')}</option>
          <option value="x">{t('display.clipX')}</option>
          <option value="y">{t('display.clipY')}</option>
          <option value="z">{t('display.clipZ')}</option>
        </select>
      </label>
      {v.clipAxis !== 'none' && (
        <>
          <Slider
            id="clip-position"
            label={t('display.clipPosition')}
            option={VIEW_OPTIONS.clipPosition}
            value={v.clipPosition}
            onChange={(clipPosition) => setView({ clipPosition })}
          />
          <label className="check">
            <input type="checkbox" checked={v.clipFlip} onChange={(e) => setView({ clipFlip: e.currentTarget.checked })} />
            {t('display.clipFlip')}
          </label>
        </>
      )}
      <button type="button" className="link" onClick={() => setView(DEFAULT_VIEW_SETTINGS)}>
        {t('display.reset')}
      </button>
    </section>
  );
}
