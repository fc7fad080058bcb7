/** The worker prefers wasm-simd over WebGL when WebGL renders in software; these are real renderer strings. */
import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer } from '../src/worker/webglRenderer';

describe('isSoftwareRenderer', () => {
  it('recognises software rasterisers', () => {
    for (const r of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'Google SwiftShader',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'ANGLE (Mesa, llvmpipe (LLVM 15.0.7 256 bits), OpenGL 4.5)',
      'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)',
    ])
      expect(isSoftwareRenderer(r), r).toBe(true);
  });
  it('leaves hardware GPUs alone', () => {
    for (const r of [
      'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'ANGLE (Apple, ANGLE Metal Renderer: Apple M1, Unspecified Version)',
      'Mali-G78',
      'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
      'WebKit WebGL',
    ])
      expect(isSoftwareRenderer(r), r).toBe(false);
  });
});
