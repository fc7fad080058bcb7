/** The one relevance colormap: the colours the shaders, the colour bar and the PNG use. */
import { describe, expect, it } from 'vitest';
import { colourAt, COLORMAP, cssGradient, glslDiverging } from '../src/core/analysis/colormap';

describe('colormap', () => {
  it('is empty inside the threshold gap and runs from dark to bright beyond it', () => {
    expect(colourAt(0.3, 0.4)).toBeNull();
    expect(colourAt(-0.39, 0.4)).toBeNull();
    expect(colourAt(0.4, 0.4)).toEqual(COLORMAP.positive.from);
    expect(colourAt(1, 0.4)).toEqual(COLORMAP.positive.to);
    expect(colourAt(-1, 0.4)).toEqual(COLORMAP.negative.to);
    const half = colourAt(0.7, 0.4)!; // half way: (219+255)/2, (20+255)/2, (0+26)/2
    [237, 137.5, 13].forEach((want, i) => expect(Math.abs(half[i]! - want)).toBeLessThanOrEqual(0.5));
  });
  it('the CSS bar and the GLSL carry the same end colours', () => {
    const css = cssGradient(0.4);
    expect(css).toContain('rgb(219,20,0) 70%');
    expect(css).toContain('rgb(13,51,255) 30%');
    expect(glslDiverging()).toContain('mix(vec3(0.8588, 0.0784, 0.0000), vec3(1.0000, 1.0000, 0.1020), t)');
  });
});
