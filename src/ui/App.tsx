import { DropZone } from './DropZone';
import { LoadPanel } from './LoadPanel';
import { AnalysisPanel } from './AnalysisPanel';
import { Prediction } from './Prediction';
import { DisplayControls } from './DisplayControls';
import { Readouts } from './Readouts';
import { Diagnostics } from './Diagnostics';
import { ErrorBanner } from './ErrorBanner';
import { Viewer } from './Viewer';
import { CovariatesPanel } from './CovariatesPanel';
import { CombinePanel } from './CombinePanel';
import { HeaderControls } from './HeaderControls';
import { OfflineMark } from './OfflineMark';
import { HelpPanel } from './HelpPanel';
import { useShortcuts } from './useShortcuts';
import { useT } from './i18n';
import { ClusterPanel } from './research/ClusterPanel';
import { RegionTable } from './research/RegionTable';
import { ExportPanel } from './research/ExportPanel';
import { QcPanel } from './QcPanel';

export function App() {
  const t = useT();
  useShortcuts();
  return (
    <DropZone>
      <div className="app">
        <header className="app-header">
          <h1>{t('app.title')}</h1>
          <span className="tagline">{t('app.tagline')}</span>
          <span className="privacy" data-testid="privacy" title={t('app.privacyTitle')}>
            {t('app.privacy')}
          </span>
          <OfflineMark />
          <HeaderControls />
        </header>
        <ErrorBanner />
        <aside className="side-panel">
          <LoadPanel />
          <AnalysisPanel />
          <CovariatesPanel />
          <CombinePanel />
          <QcPanel />
          <Prediction />
          <Readouts />
          <DisplayControls />
          <ClusterPanel />
          <RegionTable />
          <ExportPanel />
          <Diagnostics />
        </aside>
        <main className="views">
          <Viewer />
        </main>
        <HelpPanel />
      </div>
    </DropZone>
  );
}
