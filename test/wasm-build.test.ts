/**
 * The committed kernel binaries are what scripts/build-wasm.sh makes of
 * wasm/kernels.c.
 *
 * Everywhere (no compiler needed): both binaries export exactly the expected
 * functions and import only the memory; the scalar one really is scalar;
 * BUILD-INFO.json, written by the build script, records the hashes of the
 * sources it built from, and these must equal the current sources' hashes
 * (an edit of kernels.c without a rebuild fails here) and the binaries' hashes.
 *
 * Where clang and wasm-ld are installed: a fresh build into a temporary folder
 * must be byte-identical to the committed binaries when the compiler is the one
 * recorded in BUILD-INFO.json; with another clang version the bytes may
 * legitimately differ, so then only the fresh build's exports are compared.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KERNEL_EXPORTS } from '../src/core/kernels/wasm/index';
import { KERNELS_DIR, kernelBytes, loadNodeKernels } from './helpers/wasm-kernels-node';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

interface BuildInfo {
  compiler: string;
  kernels_c_sha256: string;
  build_script_sha256: string;
  simd_wasm_sha256: string;
  scalar_wasm_sha256: string;
  simd_threads_wasm_sha256: string;
}
const info = JSON.parse(readFileSync(join(KERNELS_DIR, 'BUILD-INFO.json'), 'utf8')) as BuildInfo;

function exportsOf(bytes: Uint8Array<ArrayBuffer>): string[] {
  return WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => `${e.name}:${e.kind}`);
}
const VARIANTS = ['simd', 'scalar', 'simd-threads'] as const;
const expectedExports = KERNEL_EXPORTS.map((n) => `${n}:${n === '__heap_base' ? 'global' : 'function'}`);

describe('committed wasm kernel binaries', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: exports exactly the kernel list, imports only env.memory`, () => {
      const bytes = kernelBytes(variant);
      expect(exportsOf(bytes)).toEqual(expectedExports);
      const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
      expect(imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    });
  }

  it('each build reports the SIMD / threads features of its variant', async () => {
    // WasmKernels checks has_simd() and has_threads() against the variant it was loaded as.
    for (const v of VARIANTS) await expect(loadNodeKernels(v)).resolves.toBeTruthy();
    // ...and a mislabelled binary is refused.
    const { loadWasmKernels } = await import('../src/core/kernels/wasm/index');
    await expect(loadWasmKernels({ simd: kernelBytes('scalar') }, { variant: 'simd' })).rejects.toThrow(/has_simd=0/);
  });

  it('BUILD-INFO.json matches the current sources and the committed binaries', () => {
    expect(sha256(readFileSync(join(ROOT, 'wasm/kernels.c')))).toBe(info.kernels_c_sha256);
    expect(sha256(readFileSync(join(ROOT, 'scripts/build-wasm.sh')))).toBe(info.build_script_sha256);
    expect(sha256(kernelBytes('simd'))).toBe(info.simd_wasm_sha256);
    expect(sha256(kernelBytes('scalar'))).toBe(info.scalar_wasm_sha256);
    expect(sha256(kernelBytes('simd-threads'))).toBe(info.simd_threads_wasm_sha256);
  });

  const clang = spawnSync('clang', ['--version'], { encoding: 'utf8' });
  const haveLld = spawnSync('wasm-ld', ['--version']).status === 0;
  const noToolchain = clang.status !== 0 || !haveLld;
  // The other tests of this file still run without them: exports, imports, BUILD-INFO hashes.
  if (noToolchain) console.warn('wasm-build: SKIPPED the fresh build: clang or wasm-ld is not installed (apt install clang lld)');

  it.skipIf(noToolchain)('a fresh build (clang + wasm-ld) equals the committed binaries', () => {
    const out = mkdtempSync(join(tmpdir(), 'wasm-build-'));
    try {
      execFileSync('sh', [join(ROOT, 'scripts/build-wasm.sh'), out], { stdio: 'pipe' });
      const sameCompiler = clang.stdout.split('\n')[0] === info.compiler;
      for (const variant of VARIANTS) {
        const fresh = new Uint8Array(readFileSync(join(out, `kernels-${variant}.wasm`)));
        if (sameCompiler) expect(sha256(fresh), `${variant} differs from a fresh build`).toBe(sha256(kernelBytes(variant)));
        else expect(exportsOf(fresh)).toEqual(expectedExports);
      }
      if (!sameCompiler) console.warn(`wasm-build: clang differs from ${info.compiler}; compared exports only`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
