/**
 * GLSL (WebGL2) for the slice views and the volume ray marcher. Everything the sliders touch
 * is a uniform, so threshold/transparency/brightness changes cost one redraw, never an upload.
 * Grid facts (docs/model-grid.md): world x = -1.5 i + 90, y = 1.5 j - 126, z = 1.5 k - 72.
 */

import { OUTLINE_GLSL } from './outlines';
import { glslDiverging } from '../core/analysis/colormap';

const COMMON = /* glsl */ `
precision highp float;
precision highp sampler3D;
uniform sampler3D uBackground; // R8: windowed scan or template, 0..1
uniform sampler3D uDisplay;    // R8: display map, v = (b - 128) / 127
uniform float uHasBackground;
uniform float uHasOverlay;
uniform float uThreshold;
uniform float uOpacity;
uniform float uBrightness;
uniform float uContrast;
uniform sampler3D uKeep;       // R8 bytes 0/1: 1 where a voxel belongs to a cluster that survived the size filter
uniform float uUseKeep;        // 0 until the worker's cluster mask for this map arrives

vec3 worldToTex(vec3 w) {
  return vec3(((90.0 - w.x) / 1.5 + 0.5) / 121.0,
              ((w.y + 126.0) / 1.5 + 0.5) / 145.0,
              ((w.z + 72.0) / 1.5 + 0.5) / 121.0);
}
bool insideTex(vec3 tc) {
  return all(greaterThanEqual(tc, vec3(0.0))) && all(lessThanEqual(tc, vec3(1.0)));
}
float backgroundAt(vec3 tc) {
  float b = uHasBackground > 0.5 ? texture(uBackground, tc).r : 0.0;
  return clamp((b - 0.5) * uContrast + 0.5 + uBrightness, 0.0, 1.0);
}
float relevanceAt(vec3 tc) {
  // Voxels of clusters below the minimum size read as 0, so every view hides them alike.
  if (uUseKeep > 0.5 && texture(uKeep, tc).r * 255.0 < 0.5) return 0.0;
  return (texture(uDisplay, tc).r * 255.0 - 128.0) / 127.0;
}
bool overlayVisible(float d) {
  // 0.5/127: the byte quantum, so an all-zero map never paints at threshold 0
  return uHasOverlay > 0.5 && abs(d) >= max(uThreshold, 0.004);
}
// The relevance colormap (src/core/analysis/colormap.ts, shared with the colour bar and the PNG export).
${glslDiverging()}
`;

export const FULLSCREEN_VERTEX = /* glsl */ `
in vec3 position;
void main() { gl_Position = vec4(position.xy, 0.0, 1.0); }
`;

/** Copies a low-resolution rendering of the 3D view into its region (the viewport), scaled up with linear filtering. */
export const BLIT_VERTEX = /* glsl */ `
in vec3 position;
out vec2 vUv;
void main() { vUv = position.xy * 0.5 + 0.5; gl_Position = vec4(position.xy, 0.0, 1.0); }
`;
export const BLIT_FRAGMENT = /* glsl */ `
precision highp float;
uniform sampler2D uImage;
in vec2 vUv;
out vec4 outColor;
void main() { outColor = texture(uImage, vUv); }
`;

export const SLICE_FRAGMENT = /* glsl */ `
${COMMON}
uniform int uAxis;         // 0 axial, 1 coronal, 2 sagittal
uniform float uSlice;      // world mm along the view's normal
uniform vec2 uCenter;      // (h, v) mm at the region's centre
uniform float uMmPerPx;    // per device pixel
uniform vec4 uRegion;      // x, y, w, h in device pixels (origin bottom-left)
uniform float uFlip;       // +1 neurological (screen-right = +x), -1 radiological
uniform vec3 uCross;       // crosshair, world mm
uniform float uShowCross;
uniform float uPixelRatio;
${OUTLINE_GLSL}
out vec4 outColor;

void main() {
  vec2 p = gl_FragCoord.xy - (uRegion.xy + 0.5 * uRegion.zw);
  vec2 hv = uCenter + p * uMmPerPx;
  vec3 w;
  vec2 crossHV;
  if (uAxis == 0) { w = vec3(uFlip * hv.x, hv.y, uSlice); crossHV = vec2(uFlip * uCross.x, uCross.y); }
  else if (uAxis == 1) { w = vec3(uFlip * hv.x, uSlice, hv.y); crossHV = vec2(uFlip * uCross.x, uCross.z); }
  else { w = vec3(uSlice, -hv.x, hv.y); crossHV = vec2(-uCross.y, uCross.z); }
  vec3 tc = worldToTex(w);
  vec3 col = vec3(0.0);
  if (insideTex(tc)) {
    col = vec3(backgroundAt(tc));
    float d = relevanceAt(tc);
    if (overlayVisible(d)) col = mix(col, diverging(d), uOpacity);
    col = outlineColour(col, tc, uAxis);
  }
  if (uShowCross > 0.5) {
    vec2 dpx = abs(hv - crossHV) / uMmPerPx;
    bool gap = length(dpx) < 8.0 * uPixelRatio;
    if ((dpx.x < 0.6 * uPixelRatio || dpx.y < 0.6 * uPixelRatio) && !gap) col = mix(col, vec3(0.25, 0.95, 0.45), 0.75);
  }
  outColor = vec4(col, 1.0);
}
`;

export const VOLUME_VERTEX = /* glsl */ `
in vec3 position;
uniform mat4 modelMatrix;
uniform mat4 viewMatrix;
uniform mat4 projectionMatrix;
out vec3 vWorld;
void main() {
  vec4 w = modelMatrix * vec4(position, 1.0);
  vWorld = w.xyz;
  gl_Position = projectionMatrix * viewMatrix * w;
}
`;

export const VOLUME_FRAGMENT = /* glsl */ `
${COMMON}
uniform vec3 cameraPosition;
uniform vec3 uBoxMin;
uniform vec3 uBoxMax;
uniform int uMode;          // 0 glass-brain MIP of relevance, 1 rendered brain with relevance
uniform float uClipOn;
uniform vec3 uClipNormal;   // keep points with dot(p, n) >= uClipOffset
uniform float uClipOffset;
uniform vec3 uViewBg;
uniform float uStep;        // mm
in vec3 vWorld;
out vec4 outColor;

vec3 gradientAt(vec3 tc) {
  vec3 e = vec3(1.0 / 121.0, 1.0 / 145.0, 1.0 / 121.0);
  return vec3(texture(uBackground, tc + vec3(e.x, 0, 0)).r - texture(uBackground, tc - vec3(e.x, 0, 0)).r,
              texture(uBackground, tc + vec3(0, e.y, 0)).r - texture(uBackground, tc - vec3(0, e.y, 0)).r,
              texture(uBackground, tc + vec3(0, 0, e.z)).r - texture(uBackground, tc - vec3(0, 0, e.z)).r);
}

void main() {
  vec3 ro = cameraPosition;
  vec3 rd = normalize(vWorld - ro);
  vec3 inv = 1.0 / rd;
  vec3 t0 = (uBoxMin - ro) * inv;
  vec3 t1 = (uBoxMax - ro) * inv;
  vec3 tmin = min(t0, t1);
  vec3 tmax = max(t0, t1);
  float tNear = max(max(max(tmin.x, tmin.y), tmin.z), 0.0);
  float tFar = min(min(tmax.x, tmax.y), tmax.z);
  if (uClipOn > 0.5) {
    float dn = dot(rd, uClipNormal);
    float pn = dot(ro, uClipNormal);
    if (abs(dn) < 1e-6) { if (pn < uClipOffset) tFar = -1.0; }
    else {
      float t = (uClipOffset - pn) / dn;
      if (dn > 0.0) tNear = max(tNear, t); else tFar = min(tFar, t);
    }
  }
  if (tNear >= tFar) { outColor = vec4(uViewBg, 1.0); return; }
  // Jitter the first sample per pixel so the fixed step does not show as wood-grain rings.
  float jitter = fract(sin(dot(gl_FragCoord.xy, vec2(12.9898, 78.233))) * 43758.5453);
  float t = tNear + jitter * uStep;
  if (uMode == 0) {
    float density = 0.0;
    float best = 0.0;
    for (int s = 0; s < 512; s++) {
      if (t > tFar) break;
      vec3 tc = worldToTex(ro + rd * t);
      density += backgroundAt(tc);
      float d = relevanceAt(tc);
      if (abs(d) > abs(best)) best = d;
      t += uStep;
    }
    float glass = 1.0 - exp(-density * uStep * 0.012);
    vec3 col = mix(uViewBg, vec3(0.78, 0.8, 0.85), 0.55 * glass);
    if (overlayVisible(best)) col = mix(col, diverging(best), 1.0 - 0.5 * (1.0 - uOpacity));
    outColor = vec4(col, 1.0);
    return;
  }
  vec4 acc = vec4(0.0); // premultiplied, front to back
  for (int s = 0; s < 512; s++) {
    if (t > tFar || acc.a > 0.97) break;
    vec3 tc = worldToTex(ro + rd * t);
    float b = backgroundAt(tc);
    float a = smoothstep(0.12, 0.45, b) * 0.06;
    vec3 c = vec3(0.86, 0.84, 0.8) * (0.45 + 0.55 * b);
    if (a > 0.004) {
      vec3 g = gradientAt(tc);
      float gl = length(g);
      if (gl > 1e-3) c *= 0.45 + 0.55 * abs(dot(g / gl, rd));
    }
    float d = relevanceAt(tc);
    if (overlayVisible(d)) {
      c = mix(c, diverging(d), uOpacity);
      a = max(a, 0.35 * uOpacity);
    }
    acc.rgb += (1.0 - acc.a) * a * c;
    acc.a += (1.0 - acc.a) * a;
    t += uStep;
  }
  outColor = vec4(acc.rgb + (1.0 - acc.a) * uViewBg, 1.0);
}
`;
