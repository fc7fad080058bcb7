/** R8 3D textures for grid volumes: linear filtering works on every WebGL2 GPU for R8. */
import * as THREE from 'three';
import { CAT12_GRID } from '../core/volume/grid';

const GRID_DIMS = CAT12_GRID.dims;

/**
 * A grid-sized R8 texture of `data`, or a 1-voxel placeholder of `fill` before there is data.
 * Linear filtering for smooth maps; nearest for labels and masks (no blending between voxels).
 */
export function gridTexture(
  data: Uint8Array | null,
  fill = 0,
  filter: typeof THREE.LinearFilter | typeof THREE.NearestFilter = THREE.LinearFilter,
): THREE.Data3DTexture {
  const tex = data ? new THREE.Data3DTexture(data, GRID_DIMS[0], GRID_DIMS[1], GRID_DIMS[2]) : new THREE.Data3DTexture(new Uint8Array([fill]), 1, 1, 1);
  tex.format = THREE.RedFormat;
  tex.type = THREE.UnsignedByteType;
  tex.minFilter = filter;
  tex.magFilter = filter;
  tex.wrapS = tex.wrapT = tex.wrapR = THREE.ClampToEdgeWrapping;
  tex.unpackAlignment = 1;
  tex.generateMipmaps = false;
  tex.needsUpdate = true;
  return tex;
}
