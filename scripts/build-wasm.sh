#!/bin/sh
# Builds the hand-written kernels (wasm/kernels.c) into two committed binaries:
#   src/core/kernels/wasm/kernels-simd.wasm    (SIMD128)
#   src/core/kernels/wasm/kernels-scalar.wasm  (same source, no SIMD: fallback)
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

$CLANG $COMMON -msimd128 -o "$OUT/kernels-simd.wasm" wasm/kernels.c
$CLANG $COMMON -mno-simd128 -o "$OUT/kernels-scalar.wasm" wasm/kernels.c
# Provenance, checked by test/wasm-build.test.ts even where clang is absent:
# the sources' hashes catch a kernels.c edited without rebuilding.
sha() { sha256sum "$1" | cut -d' ' -f1; }
cat > "$OUT/BUILD-INFO.json" <<JSON
{
  "compiler": "$($CLANG --version | head -n 1)",
  "kernels_c_sha256": "$(sha wasm/kernels.c)",
  "build_script_sha256": "$(sha scripts/build-wasm.sh)",
  "simd_wasm_sha256": "$(sha "$OUT/kernels-simd.wasm")",
  "scalar_wasm_sha256": "$(sha "$OUT/kernels-scalar.wasm")"
}
JSON
ls -l "$OUT"/kernels-*.wasm
