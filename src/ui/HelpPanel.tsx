import { useStore } from '../state/store';
import { setHelpOpen } from '../state/habitsActions';
import { SHORTCUTS } from './shortcuts';
import { useT } from './i18n';

/** Shortcuts, privacy and the disclaimer; opened with ? or the header's button. */
export function HelpPanel() {
  const t = useT();
  const open = useStore((s) => s.helpOpen);
  if (!open) return null;
  return (
    <div className="help-backdrop" onClick={() => setHelpOpen(false)}>
      <div
        className="help-panel panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        data-testid="help-panel"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="row">
          <h2 id="help-title">{t('help.heading')}</h2>
          <button type="button" onClick={() => setHelpOpen(false)}>
            {t('help.close')}
          </button>
        </div>
        <h3>{t('help.inputHeading')}</h3>
        <p data-testid="help-input">{t('help.input')}</p>
        <h3>{t('help.shortcuts')}</h3>
        <dl className="kv shortcuts">
          {SHORTCUTS.map((s) => (
            <div key={s.keys} className="shortcut">
              <dt>
                <kbd>{s.keys}</kbd>
              </dt>
              <dd>{t(s.help)}</dd>
            </div>
          ))}
        </dl>
        <h3>{t('help.privacyHeading')}</h3>
        <p>
          {t('app.privacy')}. {t('app.privacyTitle')}
        </p>
        <h3>{t('help.disclaimerHeading')}</h3>
        <p className="disclaimer">{t('app.disclaimer')}</p>
        <h3>{t('help.modelsHeading')}</h3>
        <p>{t('help.models')}</p>
      </div>
    </div>
  );
}
