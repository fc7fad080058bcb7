/**
 * The three slice views (axial, coronal, sagittal): one full-screen quad each with the slice
 * shader, their zoom and pan, and the mapping between screen points and voxels.
 */
import * as THREE from 'three';
import { FULLSCREEN_VERTEX, SLICE_FRAGMENT } from './shaders';
import {
  BOX_CENTRE,
  SLICE_VIEWS,
  hvToWorld,
  sliceOf,
  viewExtent,
  voxelToWorld,
  worldToHv,
  worldToVoxel,
  type SliceAxis,
  type Vec3,
  type ViewId,
} from './viewGeometry';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface SliceView {
  axis: SliceAxis;
  zoom: number;
  pan: [number, number]; // mm
  scene: THREE.Scene;
  material: THREE.RawShaderMaterial;
}

const MIN_ZOOM = 0.5;
const MAX_ZOOM = 12;

export class SliceViews {
  private readonly views = new Map<ViewId, SliceView>();
  private readonly quad = new THREE.PlaneGeometry(2, 2);
  private flip = 1;

  constructor(shared: Record<string, THREE.IUniform>) {
    for (const { id, axis } of SLICE_VIEWS) {
      const material = new THREE.RawShaderMaterial({
        glslVersion: THREE.GLSL3,
        vertexShader: FULLSCREEN_VERTEX,
        fragmentShader: SLICE_FRAGMENT,
        depthTest: false,
        depthWrite: false,
        uniforms: {
          ...shared,
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
      this.views.set(id, { axis, zoom: 1, pan: [0, 0], scene, material });
    }
  }

  ids(): ViewId[] {
    return [...this.views.keys()];
  }

  axisOf(id: ViewId): SliceAxis | undefined {
    return this.views.get(id)?.axis;
  }

  setDisplay(flipLR: boolean, showCrosshair: boolean): void {
    this.flip = flipLR ? -1 : 1;
    for (const v of this.views.values()) {
      v.material.uniforms.uFlip.value = this.flip;
      v.material.uniforms.uShowCross.value = showCrosshair ? 1 : 0;
    }
  }

  reset(id?: ViewId): void {
    for (const [vid, v] of this.views) {
      if (id && vid !== id) continue;
      v.zoom = 1;
      v.pan = [0, 0];
    }
  }

  zoom(id: ViewId, factor: number): void {
    const v = this.views.get(id);
    if (v) v.zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, v.zoom * factor));
  }

  /** Pans by a pointer move of (dx, dy) CSS px in a view of the given size. */
  pan(id: ViewId, dx: number, dy: number, width: number, height: number): void {
    const v = this.views.get(id);
    if (!v) return;
    const mm = this.mmPerCssPx(v, width, height);
    v.pan = [v.pan[0] - dx * mm, v.pan[1] + dy * mm];
  }

  /** Screen point (CSS px inside a view of size w x h) -> voxel (fractional), on the crosshair's slice. */
  pointToVoxel(id: ViewId, px: number, py: number, w: number, h: number, crosshair: Vec3): Vec3 | null {
    const v = this.views.get(id);
    if (!v) return null;
    const mm = this.mmPerCssPx(v, w, h);
    const [ch, cv] = this.viewCentre(v);
    const hv: [number, number] = [ch + (px - w / 2) * mm, cv - (py - h / 2) * mm];
    return worldToVoxel(hvToWorld(v.axis, hv, sliceOf(v.axis, voxelToWorld(crosshair)), this.flip));
  }

  /** Draws one slice view into its region (CSS px, origin bottom-left). */
  draw(renderer: THREE.WebGLRenderer, camera: THREE.Camera, id: ViewId, r: Rect, crosshair: Vec3): void {
    const v = this.views.get(id);
    if (!v) return;
    const pr = renderer.getPixelRatio();
    const crossWorld = voxelToWorld(crosshair);
    const u = v.material.uniforms;
    u.uSlice.value = sliceOf(v.axis, crossWorld);
    u.uCenter.value.set(...this.viewCentre(v));
    u.uMmPerPx.value = this.mmPerCssPx(v, r.w, r.h) / pr;
    // Match three's own rounding of the viewport so the shader's centre is the viewport's.
    u.uRegion.value.set(Math.round(r.x * pr), Math.round(r.y * pr), Math.round(r.w * pr), Math.round(r.h * pr));
    u.uCross.value.set(...crossWorld);
    u.uPixelRatio.value = pr;
    renderer.setViewport(r.x, r.y, r.w, r.h);
    renderer.setScissor(r.x, r.y, r.w, r.h);
    renderer.render(v.scene, camera);
  }

  dispose(): void {
    for (const v of this.views.values()) v.material.dispose();
    this.quad.dispose();
  }

  private mmPerCssPx(v: SliceView, w: number, h: number): number {
    const [eh, ev] = viewExtent(v.axis);
    return (Math.max(eh / w, ev / h) * 1.04) / v.zoom;
  }

  private viewCentre(v: SliceView): [number, number] {
    const c = worldToHv(v.axis, BOX_CENTRE, this.flip);
    return [c[0] + v.pan[0], c[1] + v.pan[1]];
  }
}
