/** What the diagnostics panel reports about the GPU behind a renderer. */
import type * as THREE from 'three';
import type { GpuInfo } from '../state/store';

export function gpuInfo(renderer: THREE.WebGLRenderer): GpuInfo {
  const gl = renderer.getContext() as WebGL2RenderingContext;
  const dbg = gl.getExtension('WEBGL_debug_renderer_info');
  return {
    renderer: String(dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)),
    vendor: String(dbg ? gl.getParameter(dbg.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR)),
    maxTextureSize: Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)),
    max3DTextureSize: Number(gl.getParameter(gl.MAX_3D_TEXTURE_SIZE)),
    precision: renderer.capabilities.precision,
    floatLinear: gl.getExtension('OES_texture_float_linear') !== null,
  };
}
