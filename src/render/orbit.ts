/** A minimal orbit camera for the 3D view (rotate about the brain's centre, zoom by distance). */
import * as THREE from 'three';
import { BOX_CENTRE } from './viewGeometry';

export class Orbit {
  azimuth = 2.4; // radians about world z; starts as a left-anterior-superior view
  elevation = 0.35;
  distance = 520;
  readonly camera = new THREE.PerspectiveCamera(32, 1, 10, 3000);

  constructor() {
    this.camera.up.set(0, 0, 1);
    this.update(1);
  }

  rotate(dxPx: number, dyPx: number): void {
    this.azimuth -= dxPx * 0.008;
    this.elevation = Math.max(-1.5, Math.min(1.5, this.elevation + dyPx * 0.008));
  }

  zoom(factor: number): void {
    this.distance = Math.max(150, Math.min(1500, this.distance * factor));
  }

  reset(): void {
    this.azimuth = 2.4;
    this.elevation = 0.35;
    this.distance = 520;
  }

  update(aspect: number): void {
    const [cx, cy, cz] = BOX_CENTRE;
    const c = Math.cos(this.elevation);
    this.camera.position.set(
      cx + this.distance * c * Math.cos(this.azimuth),
      cy + this.distance * c * Math.sin(this.azimuth),
      cz + this.distance * Math.sin(this.elevation),
    );
    this.camera.lookAt(cx, cy, cz);
    this.camera.aspect = aspect;
    this.camera.updateProjectionMatrix();
  }
}
