/**
 * The ray-marched 3D view (glass brain or rendered brain, clip plane), drawn progressively: while
 * the user drags or zooms it is drawn at a quarter of the resolution per axis (1/16 of the rays)
 * and scaled up, so that a software rasteriser answers a drag quickly; once the pointer rests, at
 * full resolution.
 */
import * as THREE from 'three';
import type { ViewSettings } from '../state/viewSettings';
import { Orbit } from './orbit';
import { BLIT_FRAGMENT, BLIT_VERTEX, VOLUME_FRAGMENT, VOLUME_VERTEX } from './shaders';
import type { Rect } from './sliceViews';
import { BOX_CENTRE, BOX_MAX, BOX_MIN } from './viewGeometry';

export type Quality = 'full' | 'low';

/** Pixels per axis in low quality: 1/4 (1/16 of the rays). */
const LOW_FACTOR = 4;

export class VolumeView {
  readonly orbit = new Orbit();
  private readonly scene = new THREE.Scene();
  private readonly material: THREE.RawShaderMaterial;
  private readonly box: THREE.BoxGeometry;
  private readonly blitScene = new THREE.Scene();
  private readonly blitMaterial: THREE.RawShaderMaterial;
  private readonly quad = new THREE.PlaneGeometry(2, 2);
  private lowTarget: THREE.WebGLRenderTarget | null = null;

  constructor(shared: Record<string, THREE.IUniform>, viewBg: [number, number, number]) {
    const size = new THREE.Vector3(BOX_MAX[0] - BOX_MIN[0], BOX_MAX[1] - BOX_MIN[1], BOX_MAX[2] - BOX_MIN[2]);
    this.box = new THREE.BoxGeometry(size.x, size.y, size.z);
    this.material = new THREE.RawShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader: VOLUME_VERTEX,
      fragmentShader: VOLUME_FRAGMENT,
      side: THREE.BackSide, // back faces: works with the camera inside the box too
      uniforms: {
        ...shared,
        uBoxMin: { value: new THREE.Vector3(...BOX_MIN) },
        uBoxMax: { value: new THREE.Vector3(...BOX_MAX) },
        uMode: { value: 0 },
        uClipOn: { value: 0 },
        uClipNormal: { value: new THREE.Vector3(1, 0, 0) },
        uClipOffset: { value: 0 },
        uViewBg: { value: new THREE.Vector3(...viewBg) },
        uStep: { value: 1.0 },
      },
    });
    const boxMesh = new THREE.Mesh(this.box, this.material);
    boxMesh.position.set(...BOX_CENTRE);
    this.scene.add(boxMesh);

    this.blitMaterial = new THREE.RawShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader: BLIT_VERTEX,
      fragmentShader: BLIT_FRAGMENT,
      depthTest: false,
      depthWrite: false,
      uniforms: { uImage: { value: null } },
    });
    const blit = new THREE.Mesh(this.quad, this.blitMaterial);
    blit.frustumCulled = false;
    this.blitScene.add(blit);
  }

  setSettings(s: ViewSettings): void {
    const u = this.material.uniforms;
    u.uMode.value = s.volumeMode === 'glass' ? 0 : 1;
    u.uClipOn.value = s.clipAxis === 'none' ? 0 : 1;
    if (s.clipAxis !== 'none') {
      const a = s.clipAxis === 'x' ? 0 : s.clipAxis === 'y' ? 1 : 2;
      const sign = s.clipFlip ? -1 : 1;
      const pos = BOX_MIN[a] + s.clipPosition * (BOX_MAX[a] - BOX_MIN[a]);
      u.uClipNormal.value.copy(new THREE.Vector3(0, 0, 0).setComponent(a, sign));
      u.uClipOffset.value = sign * pos;
    }
  }

  /** Draws the view into its region (CSS px, origin bottom-left), the region already cleared. */
  draw(renderer: THREE.WebGLRenderer, r: Rect, quality: Quality): void {
    this.orbit.update(r.w / r.h);
    if (quality === 'full') {
      renderer.setViewport(r.x, r.y, r.w, r.h);
      renderer.setScissor(r.x, r.y, r.w, r.h);
      renderer.render(this.scene, this.orbit.camera);
      return;
    }
    const pr = renderer.getPixelRatio();
    const w = Math.max(1, Math.round((r.w * pr) / LOW_FACTOR));
    const h = Math.max(1, Math.round((r.h * pr) / LOW_FACTOR));
    if (!this.lowTarget || this.lowTarget.width !== w || this.lowTarget.height !== h) {
      this.lowTarget?.dispose();
      this.lowTarget = new THREE.WebGLRenderTarget(w, h, { minFilter: THREE.LinearFilter, magFilter: THREE.LinearFilter, depthBuffer: false });
    }
    // Render targets take device pixels; setViewport/setScissor on a target ignore the pixel ratio.
    renderer.setRenderTarget(this.lowTarget);
    this.lowTarget.viewport.set(0, 0, w, h);
    this.lowTarget.scissor.set(0, 0, w, h);
    this.lowTarget.scissorTest = true;
    renderer.clear(); // with the view's background colour, set by the caller
    renderer.render(this.scene, this.orbit.camera);
    renderer.setRenderTarget(null);
    this.blitMaterial.uniforms.uImage.value = this.lowTarget.texture;
    renderer.setViewport(r.x, r.y, r.w, r.h);
    renderer.setScissor(r.x, r.y, r.w, r.h);
    renderer.render(this.blitScene, this.orbit.camera);
  }

  dispose(): void {
    this.material.dispose();
    this.blitMaterial.dispose();
    this.box.dispose();
    this.quad.dispose();
    this.lowTarget?.dispose();
  }
}
