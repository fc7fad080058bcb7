import { useEffect, useRef, useState } from 'react';
import { ViewerEngine } from '../render/ViewerEngine';
import type { ViewId } from '../render/viewGeometry';
import { setCrosshair, shownOverlay, useStore, type AppState } from '../state/store';
import { uiMessage, useMessage, useT, type MessageKey, type T } from './i18n';
import type { Message } from '../core/messages';
import { useNames } from './names';
import { onResetViews, pointerEntered, pointerLeft, viewClicked } from './viewCommands';
import { bindResearchToEngine } from './research/bindEngine';
import { SliceGuide } from './research/SliceGuide';

const TITLES: Record<ViewId, MessageKey> = { axial: 'view.axial', coronal: 'view.coronal', sagittal: 'view.sagittal', volume: 'view.3d' };

/** Which grid volumes the views show, chosen from the state (no voxel work: references only). */
function volumesOf(s: AppState): [Uint8Array | null, Uint8Array | null] {
  const warped = s.output?.result.preprocessed?.warped8;
  const scanBg = (s.view.backgroundSource === 'warped' && warped) || (s.output?.textures.background8 ?? null);
  const bg = s.view.backgroundSource === 'template' && s.assets.template8 ? s.assets.template8 : (scanBg ?? s.assets.template8);
  const overlay = shownOverlay(s) === 'fold-spread' ? s.output!.textures.spread8! : (s.output?.textures.display8 ?? null);
  return [bg, overlay];
}

/** Orientation letters at the left/right and top of each slice view. */
function sideLabels(id: ViewId, flipLR: boolean, t: T): [string, string, string] {
  if (id === 'sagittal') return [t('side.anterior'), t('side.posterior'), t('side.superior')];
  const lr: [string, string] = flipLR ? [t('side.right'), t('side.left')] : [t('side.left'), t('side.right')];
  return [lr[0], lr[1], id === 'axial' ? t('side.anterior') : t('side.superior')];
}

export function Viewer() {
  const t = useT();
  const tm = useMessage();
  const host = useRef<HTMLDivElement>(null);
  const regions = useRef<Partial<Record<ViewId, HTMLDivElement | null>>>({});
  const engineRef = useRef<ViewerEngine | null>(null);
  const [generation, setGeneration] = useState(0); // bump to rebuild the renderer from scratch
  const flipLR = useStore((s) => s.view.flipLR);
  const hasImage = useStore((s) => s.output !== null || s.assets.template8 !== null);
  const webglProblem = useStore((s) => s.webglProblem);

  useEffect(() => {
    let engine: ViewerEngine;
    let lostMessage: Message | null = null;
    try {
      engine = new ViewerEngine(host.current!, {
        onCrosshair: (v) => setCrosshair(v),
        onContextLost: () => {
          lostMessage = uiMessage('view.contextLost');
          useStore.setState({ webglProblem: lostMessage, error: lostMessage });
        },
        onContextRestored: () => useStore.setState((s) => ({ webglProblem: null, error: s.error === lostMessage ? null : s.error })),
      });
    } catch (e) {
      const msg = uiMessage('view.noWebgl', { reason: e instanceof Error ? e.message : String(e) });
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
      if (
        !prev ||
        s.output !== prev.output ||
        s.assets !== prev.assets ||
        s.view.backgroundSource !== prev.view.backgroundSource ||
        s.view.overlayMap !== prev.view.overlayMap
      ) {
        const [bg, display] = volumesOf(s);
        engine.setVolumes(bg, display);
      }
    };
    sync(useStore.getState());
    const unsubscribe = useStore.subscribe(sync);
    const stopReset = onResetViews(() => engine.resetViews());
    const unbindResearch = bindResearchToEngine(engine);
    return () => {
      unsubscribe();
      stopReset();
      unbindResearch();
      engine.dispose();
      engineRef.current = null;
    };
  }, [generation]);

  const view = (id: ViewId, testId: string) => {
    const [left, right, top] = sideLabels(id, flipLR, t);
    return (
      <div
        className={`view view-${id}`}
        data-testid={testId}
        ref={(el) => {
          regions.current[id] = el;
        }}
        onPointerEnter={() => pointerEntered(id)}
        onPointerLeave={() => pointerLeft(id)}
        onPointerDown={() => viewClicked(id)}
      >
        <span className="view-title">{t(TITLES[id])}</span>
        {id === 'volume' && <TemplateTag />}
        {id !== 'volume' && (
          <>
            <span className="orient orient-left">{left}</span>
            <span className="orient orient-right">{right}</span>
            <span className="orient orient-top">{top}</span>
            <SliceGuide id={id} />
          </>
        )}
        <div className="view-tools" onPointerDown={(e) => e.stopPropagation()}>
          <button type="button" title={t('view.zoomIn')} onClick={() => engineRef.current?.zoomView(id, 1.25)}>
            +
          </button>
          <button type="button" title={t('view.zoomOut')} onClick={() => engineRef.current?.zoomView(id, 0.8)}>
            −
          </button>
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
          <p>{t('view.emptyLine1')}</p>
          <p>{t('view.emptyLine2')}</p>
        </div>
      )}
      {webglProblem && (
        <div className="viewer-problem">
          <p>{tm(webglProblem)}</p>
          <button
            type="button"
            onClick={() => {
              useStore.setState({ webglProblem: null });
              setGeneration((g) => g + 1);
            }}
          >
            {t('view.restart')}
          </button>
        </div>
      )}
      <RunningMark />
      <p className="view-help">{t('view.help')}</p>
    </div>
  );
}

/** A running analysis is marked on the views, saying which map they still show. */
function RunningMark() {
  const t = useT();
  const names = useNames();
  const job = useStore((s) => s.job);
  const shown = useStore((s) => s.output?.choice);
  if (job?.kind !== 'analysis') return null;
  return (
    <div className="views-running" data-testid="views-running" role="status">
      <span className="spinner" aria-hidden="true" />
      {shown
        ? t('view.running', { method: names.method(job.method), shown: names.method(shown.method) })
        : t('view.runningFirst', { method: names.method(job.method) })}
    </div>
  );
}

/** When the views show the Colin27 template (no result yet, a refused scan, or chosen), they say so: it is not the user's scan. */
function TemplateTag() {
  const t = useT();
  const shows = useStore((s) => {
    const [bg] = volumesOf(s);
    return bg !== null && bg === s.assets.template8;
  });
  if (!shows) return null;
  return (
    <div className="template-tag" data-testid="template-tag">
      {t('view.templateTag')}
    </div>
  );
}
