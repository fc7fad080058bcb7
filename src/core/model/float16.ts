/**
 * IEEE 754 binary16 (half float) conversion, shared by everything that writes or reads float16:
 * tfjs's {dtype: 'float16'} weight quantization (h5 import, training export) and float16
 * covariate-model maps. Rounding matches numpy's float32 -> float16 cast (nearest, ties to even).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a float32 value, rounded to nearest even; overflow gives infinity. */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // infinity, NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e >= 1) {
    // Normal half: keep 10 of the 23 mantissa bits; a carry out of the mantissa bumps the
    // exponent, which is the correct rounding (up to infinity).
    const half = (e << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    const up = rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1);
    return sign | (half + (up ? 1 : 0));
  }
  // Subnormal half: units of 2^-24. The float32 significand (with its implicit bit) is
  // m * 2^(exp - 150), i.e. m >> (126 - exp) units.
  const shift = 126 - exp;
  if (shift >= 25) return sign; // below half the smallest subnormal (m < 2^24)
  const m = mant | 0x800000;
  const half = m >>> shift;
  const rest = m & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  const up = rest > halfway || (rest === halfway && (half & 1) === 1);
  return sign | (half + (up ? 1 : 0));
}

/** IEEE 754 half bits -> number (exact: every half value is a double). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
