/**
 * One WebGLRenderer, one canvas, four views (axial, coronal, sagittal slices and a ray-marched
 * 3D view) drawn with scissor/viewport into the screen regions of four DOM elements.
 * Renders on demand (a change schedules one frame), so sliders cost one redraw each.
 * No React here: the UI creates an engine, feeds it data and settings, and listens to callbacks.
 * The views themselves: sliceViews.ts, volumeView.ts; input: interaction.ts.
 */
import * as THREE from 'three';
import type { GpuInfo } from '../state/store';
import { DEFAULT_VIEW_SETTINGS, type ViewSettings } from '../state/viewSettings';
import { gpuInfo } from './gpuInfo';
import { bindSliceInput, bindVolumeInput } from './interaction';
import { SliceViews, type Rect } from './sliceViews';
import { VolumeView, type Quality } from './volumeView';
import { pagingAxis, type Vec3, type ViewId } from './viewGeometry';
import { gridTexture } from './volumeTextures';
import { nearestGridTexture } from './outlines';

export interface EngineCallbacks {
  onCrosshair: (voxel: Vec3) => void;
  onContextLost: () => void;
  onContextRestored: () => void;
}

// The shaders write raw sRGB, so the clear colour is given as raw numbers too (no colour management).
const ALL_VIEWS: ViewId[] = ['axial', 'coronal', 'sagittal', 'volume'];
const VIEW_BG: [number, number, number] = [0x0b / 255, 0x0e / 255, 0x13 / 255];
const GAP_BG: [number, number, number] = [0x05 / 255, 0x07 / 255, 0x0a / 255];
/** After the last wheel step or settings change, the 3D view waits this long before its full-resolution frame (ms). */
const SETTLE_MS = 180;

export class ViewerEngine {
  readonly renderer: THREE.WebGLRenderer;
  private readonly canvas: HTMLCanvasElement;
  private readonly shared: Record<string, THREE.IUniform>;
  private readonly slices: SliceViews;
  private readonly volume: VolumeView;
  private regions: Partial<Record<ViewId, HTMLElement>> = {};
  private background = gridTexture(null);
  private display = gridTexture(null, 128);
  private keep = nearestGridTexture(null);
  private atlas = nearestGridTexture(null);
  private crosshair: Vec3 = [60, 84, 48];
  private settings: ViewSettings | null = null;
  private frameRequest = 0;
  /** Views to redraw in the next frame; the others keep their pixels (preserveDrawingBuffer). */
  private dirty = new Set<ViewId>(ALL_VIEWS);
  private layoutKey = '';
  private lost = false;
  private volumeQuality: Quality = 'full';
  private settleTimer = 0;
  private readonly cleanups: Array<() => void> = [];
  /** Frames drawn and the CPU time of the last one (ms), for diagnostics and tests. */
  frames = 0;
  lastFrameMs = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly callbacks: EngineCallbacks,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'viewer-canvas';
    this.renderer = new THREE.WebGLRenderer({
      canvas: this.canvas,
      antialias: false,
      alpha: false,
      powerPreference: 'high-performance',
      // Kept so a crosshair move redraws only the slices, not the (costly) ray-marched 3D view.
      preserveDrawingBuffer: true,
    });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.autoClear = false;
    this.renderer.setScissorTest(true);
    host.prepend(this.canvas);

    const d = DEFAULT_VIEW_SETTINGS;
    this.shared = {
      uBackground: { value: this.background },
      uDisplay: { value: this.display },
      uHasBackground: { value: 0 },
      uHasOverlay: { value: 0 },
      uThreshold: { value: d.threshold },
      uOpacity: { value: 1 - d.transparency },
      uBrightness: { value: d.brightness },
      uContrast: { value: d.contrast },
      uKeep: { value: this.keep },
      uUseKeep: { value: 0 },
      uAtlas: { value: this.atlas },
      uOutlineRegion: { value: 0 },
      uOutlineAll: { value: 0 },
    };
    this.slices = new SliceViews(this.shared);
    this.volume = new VolumeView(this.shared, VIEW_BG);

    this.listen(this.canvas, 'webglcontextlost', (e) => {
      e.preventDefault();
      this.lost = true;
      this.callbacks.onContextLost();
    });
    this.listen(this.canvas, 'webglcontextrestored', () => {
      this.lost = false;
      // three re-creates its GL state; our textures must be uploaded again.
      for (const t of [this.background, this.display, this.keep, this.atlas]) t.needsUpdate = true;
      this.callbacks.onContextRestored();
      this.requestRender();
    });
    const resize = new ResizeObserver(() => this.resize());
    resize.observe(host);
    this.cleanups.push(() => resize.disconnect());
    this.resize();
  }

  /** The DOM elements whose screen rectangles the views occupy (and which receive the pointer). */
  setRegions(regions: Partial<Record<ViewId, HTMLElement>>): void {
    this.regions = regions;
    for (const [id, el] of Object.entries(regions) as Array<[ViewId, HTMLElement]>) {
      if (id === 'volume') this.bindVolume(el);
      else this.bindSlice(id, el);
    }
    this.requestRender('all');
  }

  setVolumes(background: Uint8Array | null, display: Uint8Array | null): void {
    if (this.background.image.data !== background) {
      this.background.dispose();
      this.background = gridTexture(background);
      this.shared.uBackground.value = this.background;
      this.shared.uHasBackground.value = background ? 1 : 0;
    }
    if (this.display.image.data !== display) {
      this.display.dispose();
      this.display = gridTexture(display, 128);
      this.shared.uDisplay.value = this.display;
    }
    this.applyOverlayFlag();
    this.requestRender('all');
  }

  /** Cluster mask (bytes 0/1 on the grid) hiding clusters below the minimum size; null shows all. */
  setClusterMask(mask: Uint8Array | null): void {
    if (this.keep.image.data === mask || (!mask && this.shared.uUseKeep.value === 0)) return;
    this.keep.dispose();
    this.keep = nearestGridTexture(mask);
    this.shared.uKeep.value = this.keep;
    this.shared.uUseKeep.value = mask ? 1 : 0;
    this.requestRender('all');
  }

  /** Atlas labels for the outlines (bytes on the grid). */
  setAtlasLabels(labels: Uint8Array | null): void {
    if (this.atlas.image.data === labels) return;
    this.atlas.dispose();
    this.atlas = nearestGridTexture(labels);
    this.shared.uAtlas.value = this.atlas;
    this.requestRender('slices');
  }

  /** Outline of one region (label, 0 = none) and, optionally, of all regions. */
  setOutlines(region: number, all: boolean): void {
    if (this.shared.uOutlineRegion.value === region && this.shared.uOutlineAll.value === (all ? 1 : 0)) return;
    this.shared.uOutlineRegion.value = region;
    this.shared.uOutlineAll.value = all ? 1 : 0;
    this.requestRender('slices');
  }

  setSettings(s: ViewSettings): void {
    this.settings = s;
    this.shared.uThreshold.value = s.threshold;
    this.shared.uOpacity.value = 1 - s.transparency;
    this.shared.uBrightness.value = s.brightness;
    this.shared.uContrast.value = s.contrast;
    this.applyOverlayFlag();
    this.volume.setSettings(s);
    this.slices.setDisplay(s.flipLR, s.showCrosshair);
    // A slider drag sends a stream of settings: the 3D view follows at low resolution, then settles.
    this.requestRender('slices');
    this.moveVolume(true);
  }

  setCrosshair(voxel: Vec3): void {
    this.crosshair = voxel;
    this.requestRender('slices');
  }

  resetViews(): void {
    this.slices.reset();
    this.volume.orbit.reset();
    this.requestRender('all');
  }

  /** Zoom of a view by a factor (buttons in the UI). */
  zoomView(id: ViewId, factor: number): void {
    if (id === 'volume') this.volume.orbit.zoom(1 / factor);
    else this.slices.zoom(id, factor);
    this.requestRender(id);
  }

  info(): GpuInfo {
    return gpuInfo(this.renderer);
  }

  /** Schedules one frame that redraws the given views (default: all). */
  requestRender(which: 'all' | 'slices' | ViewId = 'all'): void {
    if (which === 'all' || which === 'slices') for (const id of this.slices.ids()) this.dirty.add(id);
    if (which === 'all') this.dirty.add('volume');
    else if (which !== 'slices') this.dirty.add(which);
    if (this.frameRequest || this.lost) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.render();
    });
  }

  dispose(): void {
    cancelAnimationFrame(this.frameRequest);
    clearTimeout(this.settleTimer);
    for (const c of this.cleanups.splice(0)) c();
    this.slices.dispose();
    this.volume.dispose();
    for (const t of [this.background, this.display, this.keep, this.atlas]) t.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss(); // give the context back now: a page gets about 16
    this.canvas.remove();
  }

  // ---------------------------------------------------------------- drawing

  private applyOverlayFlag(): void {
    const hasData = this.display.image.width > 1;
    this.shared.uHasOverlay.value = hasData && !(this.settings?.hideOverlay ?? false) ? 1 : 0;
  }

  private clearColor([r, g, b]: [number, number, number]): void {
    this.renderer.setClearColor(new THREE.Color().setRGB(r, g, b, THREE.SRGBColorSpace), 1);
  }

  private resize(): void {
    const { clientWidth: w, clientHeight: h } = this.host;
    if (w > 0 && h > 0) this.renderer.setSize(w, h, true);
    this.requestRender();
  }

  /** Region of a view in CSS pixels, origin at the canvas's bottom-left (as setViewport wants). */
  private regionRect(id: ViewId): Rect | null {
    const el = this.regions[id];
    if (!el) return null;
    const c = this.canvas.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return null;
    return { x: r.left - c.left, y: c.bottom - r.bottom, w: r.width, h: r.height };
  }

  private render(): void {
    if (this.lost) return;
    const t0 = performance.now();
    // A moved or resized region invalidates every view (and the gaps between them).
    const rects = ALL_VIEWS.map((id) => this.regionRect(id));
    const key = JSON.stringify([rects, this.canvas.width, this.canvas.height]);
    if (key !== this.layoutKey) {
      this.layoutKey = key;
      for (const id of ALL_VIEWS) this.dirty.add(id);
      this.renderer.setScissorTest(false);
      this.clearColor(GAP_BG);
      this.renderer.clear();
    }
    this.renderer.setScissorTest(true); // again every frame: a restored context starts with it off
    const dirty = this.dirty;
    this.dirty = new Set();
    for (const id of this.slices.ids()) {
      const r = this.regionRect(id);
      if (r && dirty.has(id)) this.slices.draw(this.renderer, this.volume.orbit.camera, id, r, this.crosshair);
    }
    const r = this.regionRect('volume');
    if (r && dirty.has('volume')) {
      this.renderer.setViewport(r.x, r.y, r.w, r.h);
      this.renderer.setScissor(r.x, r.y, r.w, r.h);
      this.clearColor(VIEW_BG);
      this.renderer.clear();
      this.volume.draw(this.renderer, r, this.volumeQuality);
      this.canvas.dataset.volumeQuality = this.volumeQuality;
    }
    this.frames++;
    this.lastFrameMs = performance.now() - t0;
    this.canvas.dataset.frames = String(this.frames);
  }

  // ---------------------------------------------------------------- interaction

  private listen(el: HTMLElement, type: string, fn: (e: Event) => void, opts?: AddEventListenerOptions): void {
    el.addEventListener(type, fn, opts);
    this.cleanups.push(() => el.removeEventListener(type, fn, opts));
  }

  private bindSlice(id: ViewId, el: HTMLElement): void {
    const axis = this.slices.axisOf(id)!;
    bindSliceInput(el, (...a) => this.listen(...a), {
      point: (x, y) => {
        const r = el.getBoundingClientRect();
        const vox = this.slices.pointToVoxel(id, x - r.left, y - r.top, r.width, r.height, this.crosshair);
        if (!vox) return;
        // Keep the slice index of this view (only the in-plane coordinates move).
        const keep = pagingAxis(axis).index;
        vox[keep] = this.crosshair[keep];
        this.callbacks.onCrosshair(vox);
      },
      pan: (dx, dy) => {
        const r = el.getBoundingClientRect();
        this.slices.pan(id, dx, dy, r.width, r.height);
        this.requestRender(id);
      },
      zoom: (f) => this.zoomView(id, f),
      page: (direction) => {
        const { index, sign } = pagingAxis(axis);
        const next: Vec3 = [...this.crosshair];
        next[index] += direction * sign;
        this.callbacks.onCrosshair(next);
      },
      reset: () => {
        this.slices.reset(id);
        this.requestRender(id);
      },
    });
  }

  /**
   * Drags and wheel steps draw the 3D view at low resolution. It settles to full resolution when
   * the drag is released, or SETTLE_MS after the last wheel step (not during a held drag: one
   * full frame on a software rasteriser would stall the next move for seconds).
   */
  private moveVolume(settleLater: boolean): void {
    this.volumeQuality = 'low';
    this.requestRender('volume');
    clearTimeout(this.settleTimer);
    if (settleLater) this.settleTimer = window.setTimeout(() => this.settleVolume(), SETTLE_MS);
  }

  private settleVolume(): void {
    clearTimeout(this.settleTimer);
    if (this.volumeQuality === 'full') return;
    this.volumeQuality = 'full';
    this.requestRender('volume');
  }

  private bindVolume(el: HTMLElement): void {
    bindVolumeInput(el, (...a) => this.listen(...a), {
      rotate: (dx, dy) => {
        this.volume.orbit.rotate(dx, dy);
        this.moveVolume(false);
      },
      zoom: (f) => {
        this.volume.orbit.zoom(f);
        this.moveVolume(true);
      },
      release: () => this.settleVolume(),
      reset: () => {
        this.volume.orbit.reset();
        this.requestRender('volume');
      },
    });
  }
}
