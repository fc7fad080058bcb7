#!/bin/sh
# Builds the hand-written kernels (wasm/kernels.c) into three committed binaries:
#   src/core/kernels/wasm/kernels-simd.wasm          (SIMD128)
#   src/core/kernels/wasm/kernels-scalar.wasm        (same source, no SIMD: fallback)
#   src/core/kernels/wasm/kernels-simd-threads.wasm  (SIMD128, imports a shared memory for workers)
# Needs Debian's clang + lld (wasm-ld). No libc, no Emscripten.
# Usage: scripts/build-wasm.sh [OUTDIR]   (default: src/core/kernels/wasm)
set -eu
cd "$(dirname "$0")/.."
CLANG="${CLANG:-clang}"
OUT="${1:-src/core/kernels/wasm}"
mkdir -p "$OUT"

# -ffreestanding: no libc, and no loop idioms turned into memset/memcpy calls.
# -ffp-contract=off: never fuse multiply-add, so both builds round identically.
# --import-memory: the TypeScript side owns the one WebAssembly.Memory.
# --stack-first: the 64 KiB stack sits below the arena (__heap_base), so a
#   stack overflow traps instead of silently overwriting tensors.
COMMON="--target=wasm32 -O3 -ffreestanding -nostdlib -fno-exceptions -ffp-contract=off \
  -Wall -Wextra -Werror -Wno-unused-parameter \
  -Wl,--no-entry -Wl,--import-memory -Wl,--stack-first -Wl,-z,stack-size=65536 \
  -Wl,--export=__heap_base -Wl,--strip-all"

# Threads: every worker instantiates the module on the same shared memory, and
# each instance starts its __stack_pointer at the same address. That is only
# safe while no kernel uses the in-memory stack, so refuse a build that does.
for simd in -msimd128 -mno-simd128; do
  if $CLANG --target=wasm32 -O3 -ffreestanding -ffp-contract=off $simd -S -o - wasm/kernels.c |
    grep -q 'global.get[[:space:]]*__stack_pointer'; then
    echo "build-wasm: a kernel uses the linear-memory stack ($simd); threads would share it" >&2
    exit 1
  fi
done

$CLANG $COMMON -msimd128 -o "$OUT/kernels-simd.wasm" wasm/kernels.c
$CLANG $COMMON -mno-simd128 -o "$OUT/kernels-scalar.wasm" wasm/kernels.c
# 1 GiB maximum: shared memories must declare one; the model needs about 200 MiB.
$CLANG $COMMON -msimd128 -matomics -mbulk-memory -Wl,--shared-memory -Wl,--max-memory=1073741824 \
  -o "$OUT/kernels-simd-threads.wasm" wasm/kernels.c
# Provenance, checked by test/wasm-build.test.ts even where clang is absent:
# the sources' hashes catch a kernels.c edited without rebuilding.
sha() { sha256sum "$1" | cut -d' ' -f1; }
cat > "$OUT/BUILD-INFO.json" <<JSON
{
  "compiler": "$($CLANG --version | head -n 1)",
  "kernels_c_sha256": "$(sha wasm/kernels.c)",
  "build_script_sha256": "$(sha scripts/build-wasm.sh)",
  "simd_wasm_sha256": "$(sha "$OUT/kernels-simd.wasm")",
  "scalar_wasm_sha256": "$(sha "$OUT/kernels-scalar.wasm")",
  "simd_threads_wasm_sha256": "$(sha "$OUT/kernels-simd-threads.wasm")"
}
JSON
ls -l "$OUT"/kernels-*.wasm
