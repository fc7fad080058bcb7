/**
 * Which WebGL renderer this browser would give tfjs. Through software rendering (SwiftShader in
 * headless Chrome and CI, Mesa's llvmpipe, Microsoft's Basic Render Driver) WebGL is far slower
 * than the WebAssembly SIMD kernels, so the worker prefers those there.
 */

/** True for renderer strings of software rasterisers. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render driver/i.test(renderer);
}

/** The unmasked renderer string (or the masked one), or null when WebGL is unavailable here. */
export function webglRenderer(): string | null {
  try {
    if (typeof OffscreenCanvas === 'undefined') return null;
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    // Give the context back at once: a page gets about 16, and tfjs and three.js need theirs.
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}
