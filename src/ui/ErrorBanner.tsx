import { useStore } from '../state/store';
import { dismissError } from '../state/actions';
import { useMessage, useT } from './i18n';

export function ErrorBanner() {
  const t = useT();
  const tm = useMessage();
  const error = useStore((s) => s.error);
  const notes = useStore((s) => s.errorNotes);
  if (!error) return null;
  return (
    <div className="error" data-testid="error" role="alert">
      <span>{[error, ...notes].map(tm).join(' ')}</span>
      <button type="button" aria-label={t('error.dismiss')} onClick={dismissError}>
        ×
      </button>
    </div>
  );
}
