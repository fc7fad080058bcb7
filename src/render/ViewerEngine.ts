/**
 * One WebGLRenderer, one canvas, four views (axial, coronal, sagittal slices and a ray-marched
 * 3D view) drawn with scissor/viewport into the screen regions of four DOM elements.
 * Renders on demand (a change schedules one frame), so sliders cost one redraw each.
 * No React here: the UI creates an engine, feeds it data and settings, and listens to callbacks.
 */
import * as THREE from 'three';
import type { GpuInfo } from '../state/store';
import { DEFAULT_VIEW_SETTINGS, type ViewSettings } from '../state/viewSettings';
import { Orbit } from './orbit';
import { FULLSCREEN_VERTEX, SLICE_FRAGMENT, VOLUME_FRAGMENT, VOLUME_VERTEX } from './shaders';
import {
  BOX_CENTRE, BOX_MAX, BOX_MIN, SLICE_VIEWS, hvToWorld, pagingAxis, sliceOf, viewExtent, voxelToWorld, worldToHv, worldToVoxel,
  type SliceAxis, type Vec3, type ViewId,
} from './viewGeometry';
import { gridTexture } from './volumeTextures';
import { nearestGridTexture } from './outlines';

export interface EngineCallbacks {
  onCrosshair: (voxel: Vec3) => void;
  onContextLost: () => void;
  onContextRestored: () => void;
}

interface SliceView {
  axis: SliceAxis;
  zoom: number;
  pan: [number, number]; // mm
  scene: THREE.Scene;
  material: THREE.RawShaderMaterial;
}

// The shaders write raw sRGB, so the clear colour is given as raw numbers too (no colour management).
const ALL_VIEWS: ViewId[] = ['axial', 'coronal', 'sagittal', 'volume'];
const VIEW_BG: [number, number, number] = [0x0b / 255, 0x0e / 255, 0x13 / 255];
const GAP_BG: [number, number, number] = [0x05 / 255, 0x07 / 255, 0x0a / 255];

export class ViewerEngine {
  readonly renderer: THREE.WebGLRenderer;
  private readonly canvas: HTMLCanvasElement;
  private readonly shared: Record<string, THREE.IUniform>;
  private readonly slices = new Map<ViewId, SliceView>();
  private readonly volumeScene = new THREE.Scene();
  private readonly volumeMaterial: THREE.RawShaderMaterial;
  private readonly quad = new THREE.PlaneGeometry(2, 2);
  private readonly box: THREE.BoxGeometry;
  private readonly orbit = new Orbit();
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
  private readonly cleanups: Array<() => void> = [];
  /** Frames drawn and the CPU time of the last one (ms), for diagnostics and tests. */
  frames = 0;
  lastFrameMs = 0;

  constructor(private readonly host: HTMLElement, private readonly callbacks: EngineCallbacks) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'viewer-canvas';
    this.renderer = new THREE.WebGLRenderer({ canvas: this.canvas, antialias: false, alpha: false, powerPreference: 'high-performance',
      // Kept so a crosshair move redraws only the slices, not the (costly) ray-marched 3D view.
      preserveDrawingBuffer: true,
    });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.autoClear = false;
    this.renderer.setScissorTest(true);
    host.prepend(this.canvas);

    this.shared = {
      uBackground: { value: this.background },
      uDisplay: { value: this.display },
      uHasBackground: { value: 0 },
      uHasOverlay: { value: 0 },
      uThreshold: { value: DEFAULT_VIEW_SETTINGS.threshold },
      uOpacity: { value: 1 - DEFAULT_VIEW_SETTINGS.transparency },
      uBrightness: { value: DEFAULT_VIEW_SETTINGS.brightness },
      uContrast: { value: DEFAULT_VIEW_SETTINGS.contrast },
      uKeep: { value: this.keep },
      uUseKeep: { value: 0 },
      uAtlas: { value: this.atlas },
      uOutlineRegion: { value: 0 },
      uOutlineAll: { value: 0 },
    };

    for (const { id, axis } of SLICE_VIEWS) {
      const material = new THREE.RawShaderMaterial({
        glslVersion: THREE.GLSL3,
        vertexShader: FULLSCREEN_VERTEX,
        fragmentShader: SLICE_FRAGMENT,
        depthTest: false,
        depthWrite: false,
        uniforms: {
          ...this.shared,
          uAxis: { value: axis },
          uSlice: { value: 0 },
          uCenter: { value: new THREE.Vector2() },
          uMmPerPx: { value: 1 },
          uRegion: { value: new THREE.Vector4() },
          uFlip: { value: 1 },
          uCross: { value: new THREE.Vector3() },
          uShowCross: { value: 1 },
          uPixelRatio: { value: 1 },
        },
      });
      const scene = new THREE.Scene();
      const mesh = new THREE.Mesh(this.quad, material);
      mesh.frustumCulled = false;
      scene.add(mesh);
      this.slices.set(id, { axis, zoom: 1, pan: [0, 0], scene, material });
    }

    const size = new THREE.Vector3(BOX_MAX[0] - BOX_MIN[0], BOX_MAX[1] - BOX_MIN[1], BOX_MAX[2] - BOX_MIN[2]);
    this.box = new THREE.BoxGeometry(size.x, size.y, size.z);
    this.volumeMaterial = new THREE.RawShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader: VOLUME_VERTEX,
      fragmentShader: VOLUME_FRAGMENT,
      side: THREE.BackSide, // back faces: works with the camera inside the box too
      uniforms: {
        ...this.shared,
        uBoxMin: { value: new THREE.Vector3(...BOX_MIN) },
        uBoxMax: { value: new THREE.Vector3(...BOX_MAX) },
        uMode: { value: 0 },
        uClipOn: { value: 0 },
        uClipNormal: { value: new THREE.Vector3(1, 0, 0) },
        uClipOffset: { value: 0 },
        uViewBg: { value: new THREE.Vector3(...VIEW_BG) },
        uStep: { value: 1.0 },
      },
    });
    const boxMesh = new THREE.Mesh(this.box, this.volumeMaterial);
    boxMesh.position.set(...BOX_CENTRE);
    this.volumeScene.add(boxMesh);

    const onLost = (e: Event) => {
      e.preventDefault();
      this.lost = true;
      this.callbacks.onContextLost();
    };
    const onRestored = () => {
      this.lost = false;
      // three re-creates its GL state; our textures must be uploaded again.
      this.background.needsUpdate = true;
      this.display.needsUpdate = true;
      this.keep.needsUpdate = true;
      this.atlas.needsUpdate = true;
      this.callbacks.onContextRestored();
      this.requestRender();
    };
    this.listen(this.canvas, 'webglcontextlost', onLost);
    this.listen(this.canvas, 'webglcontextrestored', onRestored);
    const resize = new ResizeObserver(() => this.resize());
    resize.observe(host);
    this.cleanups.push(() => resize.disconnect());
    this.resize();
  }

  /** The DOM elements whose screen rectangles the views occupy (and which receive the pointer). */
  setRegions(regions: Partial<Record<ViewId, HTMLElement>>): void {
    this.regions = regions;
    for (const [id, el] of Object.entries(regions) as Array<[ViewId, HTMLElement]>) {
      if (id === 'volume') this.bindVolumeInteraction(el);
      else this.bindSliceInteraction(id, el);
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
    const u = this.volumeMaterial.uniforms;
    u.uMode.value = s.volumeMode === 'glass' ? 0 : 1;
    u.uClipOn.value = s.clipAxis === 'none' ? 0 : 1;
    if (s.clipAxis !== 'none') {
      const a = s.clipAxis === 'x' ? 0 : s.clipAxis === 'y' ? 1 : 2;
      const sign = s.clipFlip ? -1 : 1;
      const n = new THREE.Vector3(0, 0, 0).setComponent(a, sign);
      const pos = BOX_MIN[a] + s.clipPosition * (BOX_MAX[a] - BOX_MIN[a]);
      u.uClipNormal.value.copy(n);
      u.uClipOffset.value = sign * pos;
    }
    for (const v of this.slices.values()) {
      v.material.uniforms.uFlip.value = s.flipLR ? -1 : 1;
      v.material.uniforms.uShowCross.value = s.showCrosshair ? 1 : 0;
    }
    this.requestRender('all');
  }

  setCrosshair(voxel: Vec3): void {
    this.crosshair = voxel;
    this.requestRender('slices');
  }

  resetViews(): void {
    for (const v of this.slices.values()) {
      v.zoom = 1;
      v.pan = [0, 0];
    }
    this.orbit.reset();
    this.requestRender('all');
  }

  info(): GpuInfo {
    const gl = this.renderer.getContext() as WebGL2RenderingContext;
    const dbg = gl.getExtension('WEBGL_debug_renderer_info');
    return {
      renderer: String(dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)),
      vendor: String(dbg ? gl.getParameter(dbg.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR)),
      maxTextureSize: Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)),
      max3DTextureSize: Number(gl.getParameter(gl.MAX_3D_TEXTURE_SIZE)),
      precision: this.renderer.capabilities.precision,
      floatLinear: gl.getExtension('OES_texture_float_linear') !== null,
    };
  }

  /** Schedules one frame that redraws the given views (default: all). */
  requestRender(which: 'all' | 'slices' | ViewId = 'all'): void {
    if (which === 'all' || which === 'slices') for (const { id } of SLICE_VIEWS) this.dirty.add(id);
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
    for (const c of this.cleanups.splice(0)) c();
    for (const v of this.slices.values()) v.material.dispose();
    this.volumeMaterial.dispose();
    this.quad.dispose();
    this.box.dispose();
    this.background.dispose();
    this.display.dispose();
    this.keep.dispose();
    this.atlas.dispose();
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
  private regionRect(id: ViewId): { x: number; y: number; w: number; h: number } | null {
    const el = this.regions[id];
    if (!el) return null;
    const c = this.canvas.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return null;
    return { x: r.left - c.left, y: c.bottom - r.bottom, w: r.width, h: r.height };
  }

  private mmPerCssPx(v: SliceView, w: number, h: number): number {
    const [eh, ev] = viewExtent(v.axis);
    return (Math.max(eh / w, ev / h) * 1.04) / v.zoom;
  }

  private viewCentre(v: SliceView): [number, number] {
    const c = worldToHv(v.axis, BOX_CENTRE, this.settings?.flipLR ? -1 : 1);
    return [c[0] + v.pan[0], c[1] + v.pan[1]];
  }

  private render(): void {
    if (this.lost) return;
    const t0 = performance.now();
    const pr = this.renderer.getPixelRatio();
    const crossWorld = voxelToWorld(this.crosshair);
    // A moved or resized region invalidates every view (and the gaps between them).
    const rects = ALL_VIEWS.map((id) => this.regionRect(id));
    const key = JSON.stringify([rects, this.canvas.width, this.canvas.height]);
    if (key !== this.layoutKey) {
      this.layoutKey = key;
      for (const id of ALL_VIEWS) this.dirty.add(id);
      this.renderer.setScissorTest(false);
      this.clearColor(GAP_BG);
      this.renderer.clear();
      this.renderer.setScissorTest(true);
    }
    this.renderer.setScissorTest(true); // again every frame: a restored context starts with it off
    const dirty = this.dirty;
    this.dirty = new Set();
    for (const [id, v] of this.slices) {
      const r = this.regionRect(id);
      if (!r || !dirty.has(id)) continue;
      const u = v.material.uniforms;
      u.uSlice.value = sliceOf(v.axis, crossWorld);
      u.uCenter.value.set(...this.viewCentre(v));
      u.uMmPerPx.value = this.mmPerCssPx(v, r.w, r.h) / pr;
      // Match three's own rounding of the viewport so the shader's centre is the viewport's.
      u.uRegion.value.set(Math.round(r.x * pr), Math.round(r.y * pr), Math.round(r.w * pr), Math.round(r.h * pr));
      u.uCross.value.set(...crossWorld);
      u.uPixelRatio.value = pr;
      this.renderer.setViewport(r.x, r.y, r.w, r.h);
      this.renderer.setScissor(r.x, r.y, r.w, r.h);
      this.renderer.render(v.scene, this.orbit.camera);
    }
    const r = this.regionRect('volume');
    if (r && dirty.has('volume')) {
      this.renderer.setViewport(r.x, r.y, r.w, r.h);
      this.renderer.setScissor(r.x, r.y, r.w, r.h);
      this.clearColor(VIEW_BG);
      this.renderer.clear();
      this.orbit.update(r.w / r.h);
      this.renderer.render(this.volumeScene, this.orbit.camera);
    }
    this.frames++;
    this.lastFrameMs = performance.now() - t0;
    this.canvas.dataset.frames = String(this.frames);
  }

  // ---------------------------------------------------------------- interaction

  private listen<K extends keyof HTMLElementEventMap>(el: HTMLElement, type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions): void;
  private listen(el: HTMLElement, type: string, fn: (e: Event) => void, opts?: AddEventListenerOptions): void;
  private listen(el: HTMLElement, type: string, fn: (e: Event) => void, opts?: AddEventListenerOptions): void {
    el.addEventListener(type, fn, opts);
    this.cleanups.push(() => el.removeEventListener(type, fn, opts));
  }

  /** Screen point (client px) in a slice view -> voxel (fractional), on the crosshair's slice. */
  private pointToVoxel(id: ViewId, clientX: number, clientY: number): Vec3 | null {
    const v = this.slices.get(id);
    const el = this.regions[id];
    if (!v || !el) return null;
    const r = el.getBoundingClientRect();
    const mm = this.mmPerCssPx(v, r.width, r.height);
    const [ch, cv] = this.viewCentre(v);
    const hv: [number, number] = [ch + (clientX - r.left - r.width / 2) * mm, cv - (clientY - r.top - r.height / 2) * mm];
    const slice = sliceOf(v.axis, voxelToWorld(this.crosshair));
    return worldToVoxel(hvToWorld(v.axis, hv, slice, this.settings?.flipLR ? -1 : 1));
  }

  private bindSliceInteraction(id: ViewId, el: HTMLElement): void {
    const v = this.slices.get(id)!;
    let mode: 'none' | 'cross' | 'pan' = 'none';
    let last = [0, 0];
    const moveCross = (e: PointerEvent) => {
      const vox = this.pointToVoxel(id, e.clientX, e.clientY);
      if (!vox) return;
      // Keep the slice index of this view (only the in-plane coordinates move).
      const keep = pagingAxis(v.axis).index;
      vox[keep] = this.crosshair[keep];
      this.callbacks.onCrosshair(vox);
    };
    this.listen(el, 'pointerdown', (e) => {
      el.setPointerCapture(e.pointerId);
      mode = e.button === 0 && !e.shiftKey ? 'cross' : 'pan';
      last = [e.clientX, e.clientY];
      if (mode === 'cross') moveCross(e);
    });
    this.listen(el, 'pointermove', (e) => {
      if (mode === 'cross') moveCross(e);
      else if (mode === 'pan') {
        const r = el.getBoundingClientRect();
        const mm = this.mmPerCssPx(v, r.width, r.height);
        v.pan = [v.pan[0] - (e.clientX - last[0]) * mm, v.pan[1] + (e.clientY - last[1]) * mm];
        last = [e.clientX, e.clientY];
        this.requestRender(id);
      }
    });
    const end = () => { mode = 'none'; };
    this.listen(el, 'pointerup', end);
    this.listen(el, 'pointercancel', end);
    this.listen(el, 'contextmenu', (e) => e.preventDefault());
    this.listen(el, 'dblclick', () => { v.zoom = 1; v.pan = [0, 0]; this.requestRender(id); });
    this.listen(el, 'wheel', (e) => {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey || e.altKey) {
        v.zoom = Math.max(0.5, Math.min(12, v.zoom * (e.deltaY < 0 ? 1.15 : 1 / 1.15)));
        this.requestRender(id);
        return;
      }
      const { index, sign } = pagingAxis(v.axis);
      const next: Vec3 = [...this.crosshair];
      next[index] += (e.deltaY < 0 ? 1 : -1) * sign;
      this.callbacks.onCrosshair(next);
    }, { passive: false });
  }

  /** Zoom of a slice view by a factor (buttons in the UI). */
  zoomView(id: ViewId, factor: number): void {
    if (id === 'volume') this.orbit.zoom(1 / factor);
    else {
      const v = this.slices.get(id);
      if (v) v.zoom = Math.max(0.5, Math.min(12, v.zoom * factor));
    }
    this.requestRender(id);
  }

  private bindVolumeInteraction(el: HTMLElement): void {
    let dragging = false;
    let last = [0, 0];
    this.listen(el, 'pointerdown', (e) => {
      el.setPointerCapture(e.pointerId);
      dragging = true;
      last = [e.clientX, e.clientY];
    });
    this.listen(el, 'pointermove', (e) => {
      if (!dragging) return;
      this.orbit.rotate(e.clientX - last[0], e.clientY - last[1]);
      last = [e.clientX, e.clientY];
      this.requestRender('volume');
    });
    const end = () => { dragging = false; };
    this.listen(el, 'pointerup', end);
    this.listen(el, 'pointercancel', end);
    this.listen(el, 'dblclick', () => { this.orbit.reset(); this.requestRender('volume'); });
    this.listen(el, 'wheel', (e) => {
      e.preventDefault();
      this.orbit.zoom(e.deltaY > 0 ? 1.1 : 1 / 1.1);
      this.requestRender('volume');
    }, { passive: false });
  }
}
