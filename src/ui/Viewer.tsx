import { useEffect, useRef, useState } from 'react';
import { ViewerEngine } from '../render/ViewerEngine';
import type { ViewId } from '../render/viewGeometry';
import { setCrosshair, useStore, type AppState } from '../state/store';
import { bindResearchToEngine } from './research/bindEngine';
import { SliceGuide } from './research/SliceGuide';

const CONTEXT_LOST = 'The graphics (WebGL) context was lost, e.g. after a GPU reset or memory pressure; restoring the views…';

const TITLES: Record<ViewId, string> = { axial: 'Axial', coronal: 'Coronal', sagittal: 'Sagittal', volume: '3D' };

/** Which grid volumes the views show, chosen from the state (no voxel work: references only). */
function volumesOf(s: AppState): [Uint8Array | null, Uint8Array | null] {
  const scanBg = s.output?.textures.background8 ?? null;
  const bg = s.view.backgroundSource === 'template' && s.assets.template8 ? s.assets.template8 : (scanBg ?? s.assets.template8);
  return [bg, s.output?.textures.display8 ?? null];
}

/** Orientation letters at the left/right and top of each slice view. */
function sideLabels(id: ViewId, flipLR: boolean): [string, string, string] {
  if (id === 'sagittal') return ['A', 'P', 'S'];
  const lr: [string, string] = flipLR ? ['R', 'L'] : ['L', 'R'];
  return [lr[0], lr[1], id === 'axial' ? 'A' : 'S'];
}

export function Viewer() {
  const host = useRef<HTMLDivElement>(null);
  const regions = useRef<Partial<Record<ViewId, HTMLDivElement | null>>>({});
  const engineRef = useRef<ViewerEngine | null>(null);
  const [generation, setGeneration] = useState(0); // bump to rebuild the renderer from scratch
  const flipLR = useStore((s) => s.view.flipLR);
  const hasImage = useStore((s) => s.output !== null || s.assets.template8 !== null);
  const webglProblem = useStore((s) => s.webglProblem);

  useEffect(() => {
    let engine: ViewerEngine;
    try {
      engine = new ViewerEngine(host.current!, {
        onCrosshair: (v) => setCrosshair(v),
        onContextLost: () => useStore.setState({ webglProblem: CONTEXT_LOST, error: CONTEXT_LOST }),
        onContextRestored: () =>
          useStore.setState((s) => ({ webglProblem: null, error: s.error === CONTEXT_LOST ? null : s.error })),
      });
    } catch (e) {
      const msg = `This browser could not start WebGL2 (${e instanceof Error ? e.message : String(e)}); enable hardware acceleration or try another browser. The analysis still works.`;
      useStore.setState({ webglProblem: msg, error: msg });
      return;
    }
    engineRef.current = engine;
    const els = Object.fromEntries(Object.entries(regions.current).filter(([, el]) => el)) as Partial<Record<ViewId, HTMLElement>>;
    engine.setRegions(els);
    useStore.setState({ gpu: engine.info() });

    const sync = (s: AppState, prev?: AppState) => {
      if (!prev || s.view !== prev.view) engine.setSettings(s.view);
      if (!prev || s.crosshair !== prev.crosshair) engine.setCrosshair(s.crosshair);
      if (!prev || s.output !== prev.output || s.assets !== prev.assets || s.view.backgroundSource !== prev.view.backgroundSource) {
        const [bg, display] = volumesOf(s);
        engine.setVolumes(bg, display);
      }
    };
    sync(useStore.getState());
    const unsubscribe = useStore.subscribe(sync);
    const unbindResearch = bindResearchToEngine(engine);
    return () => {
      unsubscribe();
      unbindResearch();
      engine.dispose();
      engineRef.current = null;
    };
  }, [generation]);

  const view = (id: ViewId, testId: string) => {
    const [left, right, top] = sideLabels(id, flipLR);
    return (
      <div className={`view view-${id}`} data-testid={testId} ref={(el) => { regions.current[id] = el; }}>
        <span className="view-title">{TITLES[id]}</span>
        {id !== 'volume' && (
          <>
            <span className="orient orient-left">{left}</span>
            <span className="orient orient-right">{right}</span>
            <span className="orient orient-top">{top}</span>
            <SliceGuide id={id} />
          </>
        )}
        <div className="view-tools" onPointerDown={(e) => e.stopPropagation()}>
          <button type="button" title="Zoom in" onClick={() => engineRef.current?.zoomView(id, 1.25)}>+</button>
          <button type="button" title="Zoom out" onClick={() => engineRef.current?.zoomView(id, 0.8)}>−</button>
        </div>
      </div>
    );
  };

  return (
    <div className="viewer" ref={host} key={generation}>
      <div className="view-grid">
        {view('axial', 'view-axial')}
        {view('coronal', 'view-coronal')}
        {view('sagittal', 'view-sagittal')}
        {view('volume', 'view-3d')}
      </div>
      {!hasImage && !webglProblem && (
        <div className="viewer-empty">
          <p>Drop a NIfTI gray-matter map (CAT12 mwp1, .nii / .nii.gz) anywhere on the page,</p>
          <p>or open a file or a demo case in the panel.</p>
        </div>
      )}
      {webglProblem && (
        <div className="viewer-problem">
          <p>{webglProblem}</p>
          <button type="button" onClick={() => { useStore.setState({ webglProblem: null }); setGeneration((g) => g + 1); }}>
            Restart the views
          </button>
        </div>
      )}
      <p className="view-help">Click/drag: move crosshair · wheel: page slices · Ctrl+wheel or +/−: zoom · Shift/right-drag: pan · double-click: reset · 3D: drag to rotate, wheel to zoom</p>
    </div>
  );
}
