import { useStore } from '../state/store';
import { LANGS, type Lang } from '../state/prefs';
import { setHelpOpen, setLang, toggleTheme } from '../state/habitsActions';
import { useT } from './i18n';

const LANG_NAMES: Record<Lang, string> = { en: 'English', de: 'Deutsch' };

/** Language, theme and help, at the right of the header. */
export function HeaderControls() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const theme = useStore((s) => s.theme);
  return (
    <span className="header-controls">
      <select data-testid="lang-select" aria-label={t('header.language')} value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
      <button type="button" data-testid="theme-toggle" aria-label={t('header.theme')} title={t('header.theme')} onClick={toggleTheme}>
        {theme === 'dark' ? `☀ ${t('header.themeToLight')}` : `☾ ${t('header.themeToDark')}`}
      </button>
      <button type="button" data-testid="help-button" title={t('header.help')} aria-label={t('header.help')} onClick={() => setHelpOpen(true)}>
        ?
      </button>
    </span>
  );
}
