/** What the JavaScript engine offers: SIMD128, and shared memory for the threads build. */

/**
 * True when the engine validates a tiny module that uses a SIMD128 instruction
 * (a function returning i32x4.splat(0)).
 */
export function simdSupported(): boolean {
  // (module (func (result v128) i32.const 0 i32x4.splat))
  const bytes = new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // magic, version
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7b, // type: () -> v128
    0x03,
    0x02,
    0x01,
    0x00, // func 0 has type 0
    0x0a,
    0x08,
    0x01,
    0x06,
    0x00,
    0x41,
    0x00,
    0xfd,
    0x11,
    0x0b, // body: i32.const 0; i32x4.splat; end
  ]);
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** True where SIMD works and a shared memory can be made (browsers: crossOriginIsolated). */
export function threadsSupported(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated === false) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return false;
  }
  return simdSupported();
}
