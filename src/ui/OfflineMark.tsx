import { useOffline } from '../state/offline';
import { useT } from './i18n';

/** A small mark in the header once the service worker holds the whole app. */
export function OfflineMark() {
  const t = useT();
  const ready = useOffline((s) => s.ready);
  if (!ready) return null;
  return (
    <span className="offline-mark" data-testid="offline-ready" title={t('app.offlineTitle')}>
      {t('app.offline')}
    </span>
  );
}
