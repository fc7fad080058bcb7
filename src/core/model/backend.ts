/**
 * Choosing the tfjs backend. cpu and webgl ship with @tensorflow/tfjs; wasm is loaded on demand.
 * Hosts tell where the .wasm binaries are (Node: node_modules/@tensorflow/tfjs-backend-wasm/dist/,
 * a bundler: the URLs it emits).
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';

export type BackendName = 'cpu' | 'wasm' | 'webgl';

export interface BackendOptions {
  /** Directory or URL prefix of tfjs-backend-wasm's .wasm files (wasm only). */
  wasmPath?: string;
}

export async function setBackend(name: BackendName, opts: BackendOptions = {}): Promise<string> {
  if (name !== 'cpu' && name !== 'wasm' && name !== 'webgl') {
    throw new InputError(`Unknown backend "${String(name)}"; choose cpu, wasm or webgl.`);
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (opts.wasmPath) wasm.setWasmPaths(opts.wasmPath);
  }
  if (name === 'webgl') {
    // Never half precision: relevance maps must agree with cpu to ~1e-4.
    tf.env().set('WEBGL_FORCE_F16_TEXTURES', false);
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new InputError(`The ${name} backend could not be started here; choose another backend.`);
  await tf.ready();
  if (name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
    throw new InputError('This GPU cannot compute in 32-bit floats, which the relevance maps need; choose the wasm backend.');
  }
  return tf.getBackend();
}
