import { DropZone } from './DropZone';
import { LoadPanel } from './LoadPanel';
import { AnalysisPanel } from './AnalysisPanel';
import { Prediction } from './Prediction';
import { DisplayControls } from './DisplayControls';
import { Readouts } from './Readouts';
import { Diagnostics } from './Diagnostics';
import { ErrorBanner } from './ErrorBanner';
import { Viewer } from './Viewer';
import { ClusterPanel } from './research/ClusterPanel';
import { RegionTable } from './research/RegionTable';
import { ExportPanel } from './research/ExportPanel';

export function App() {
  return (
    <DropZone>
      <div className="app">
        <header className="app-header">
          <h1>relevance-viewer</h1>
          <span className="tagline">Why does the CNN see Alzheimer&rsquo;s disease in this scan? LRP relevance, in your browser.</span>
          <span className="privacy" title="The scan is read and analysed by this page's own code; no upload happens.">
            Nothing leaves this computer: the scan is analysed inside this page
          </span>
        </header>
        <ErrorBanner />
        <aside className="side-panel">
          <LoadPanel />
          <AnalysisPanel />
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
      </div>
    </DropZone>
  );
}
