/**
 * Atlas outlines and the cluster mask for the slice views.
 *
 * Outlines come from the label volume itself, voxel by voxel, on the grid the map lives on (the
 * original app drew a copy shifted 3 voxels along y). A voxel is on a region's outline when one of
 * its 4 in-plane neighbours (in the slice being drawn) has another label or lies outside the grid:
 * the same rule as core/analysis/outlines.ts sliceOutline, evaluated per fragment with exact
 * texelFetch reads of an R8 label texture (no filtering, so no half-voxel shift either).
 */
import * as THREE from 'three';
import { gridTexture } from './volumeTextures';

export const OUTLINE_GLSL = /* glsl */ `
uniform sampler3D uAtlas;        // R8 labels (byte = label), read with texelFetch only
uniform float uOutlineRegion;    // label whose outline is drawn bright (0 = none)
uniform float uOutlineAll;       // 1: thin outlines of every region
int atlasLabel(ivec3 v) {
  if (any(lessThan(v, ivec3(0))) || any(greaterThanEqual(v, ivec3(121, 145, 121)))) return 0;
  return int(texelFetch(uAtlas, v, 0).r * 255.0 + 0.5);
}
vec3 outlineColour(vec3 col, vec3 tc, int axis) {
  if (uOutlineRegion < 0.5 && uOutlineAll < 0.5) return col;
  ivec3 v = ivec3(floor(tc * vec3(121.0, 145.0, 121.0)));
  int l = atlasLabel(v);
  if (l == 0) return col;
  // In-plane voxel axes: axial (0) i,j; coronal (1) i,k; sagittal (2) j,k.
  ivec3 a = axis == 2 ? ivec3(0, 1, 0) : ivec3(1, 0, 0);
  ivec3 b = axis == 0 ? ivec3(0, 1, 0) : ivec3(0, 0, 1);
  bool edge = atlasLabel(v + a) != l || atlasLabel(v - a) != l || atlasLabel(v + b) != l || atlasLabel(v - b) != l;
  if (!edge) return col;
  if (l == int(uOutlineRegion + 0.5)) return mix(col, vec3(1.0, 0.95, 0.3), 0.9);
  if (uOutlineAll > 0.5) return mix(col, vec3(0.85, 0.88, 0.92), 0.45);
  return col;
}
`;

/** R8 grid texture with nearest filtering (labels, masks): no blending between voxels. */
export function nearestGridTexture(data: Uint8Array | null): THREE.Data3DTexture {
  return gridTexture(data, 0, THREE.NearestFilter);
}
