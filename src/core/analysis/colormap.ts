/**
 * The relevance colormap, defined once: diverging, positive dark red -> yellow, negative blue ->
 * cyan, with brightness growing with |d| above the threshold and a gap below it. The shaders
 * (as GLSL generated from these numbers), the page's colour bar and the PNG export all use it.
 */
export type Rgb8 = readonly [number, number, number];

export const COLORMAP = {
  positive: { from: [219, 20, 0] as Rgb8, to: [255, 255, 26] as Rgb8 },
  negative: { from: [13, 51, 255] as Rgb8, to: [26, 255, 255] as Rgb8 },
} as const;

/** Position in the ramp (0 at the threshold, 1 at |d| = 1). */
export function rampFraction(d: number, threshold: number): number {
  return Math.min(1, Math.max(0, (Math.abs(d) - threshold) / Math.max(1 - threshold, 1e-3)));
}

/** The colour of display value d in [-1, 1], or null inside the threshold gap. */
export function colourAt(d: number, threshold: number): Rgb8 | null {
  if (Math.abs(d) < threshold) return null;
  const f = rampFraction(d, threshold);
  const { from, to } = d > 0 ? COLORMAP.positive : COLORMAP.negative;
  return [0, 1, 2].map((i) => Math.round(from[i]! + (to[i]! - from[i]!) * f)) as unknown as Rgb8;
}

const rgb = (c: Rgb8) => `rgb(${c[0]},${c[1]},${c[2]})`;

/** A CSS gradient of the colour bar from -1 (left) to +1 (right), transparent inside the gap. */
export function cssGradient(threshold: number): string {
  const lo = ((1 - threshold) / 2) * 100; // position of -threshold, percent from the left (-1)
  const hi = ((1 + threshold) / 2) * 100;
  const { positive: p, negative: n } = COLORMAP;
  return `linear-gradient(to right, ${rgb(n.to)} 0%, ${rgb(n.from)} ${lo}%, transparent ${lo}%, transparent ${hi}%, ${rgb(p.from)} ${hi}%, ${rgb(p.to)} 100%)`;
}

const vec3 = (c: Rgb8) => `vec3(${c.map((x) => (x / 255).toFixed(4)).join(', ')})`;

/** GLSL `vec3 diverging(float d)` with these colours (needs uniform float uThreshold). */
export function glslDiverging(): string {
  const { positive: p, negative: n } = COLORMAP;
  return `vec3 diverging(float d) {
  float t = clamp((abs(d) - uThreshold) / max(1.0 - uThreshold, 1e-3), 0.0, 1.0);
  return d > 0.0 ? mix(${vec3(p.from)}, ${vec3(p.to)}, t)
                 : mix(${vec3(n.from)}, ${vec3(n.to)}, t);
}`;
}
