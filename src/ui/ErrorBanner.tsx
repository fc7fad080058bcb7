import { useStore } from '../state/store';
import { dismissError } from '../state/actions';

export function ErrorBanner() {
  const error = useStore((s) => s.error);
  if (!error) return null;
  return (
    <div className="error" data-testid="error" role="alert">
      <span>{error}</span>
      <button type="button" aria-label="Dismiss" onClick={dismissError}>×</button>
    </div>
  );
}
