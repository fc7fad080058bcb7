/** Loading the numpy/scipy reference fixtures (Node-only test helper). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dims3 } from '../../src/core/volume/types';

const dir = fileURLToPath(new URL('../fixtures/analysis/', import.meta.url));

function bytes(b64: string): Uint8Array {
  const buf = Buffer.from(b64, 'base64');
  return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}
export const f32 = (b64: string): Float32Array => new Float32Array(bytes(b64).buffer);
export const i32 = (b64: string): Int32Array => new Int32Array(bytes(b64).buffer);

interface Raw {
  smooth: { dims: number[]; sigma: number; input: string; output: string }[];
  percentile: { input: string; q: number[]; absPercentiles: number[] }[];
  display: { dims: number[]; raw: string; fixed: string; adaptive: string; percentile: number };
  clusters: { dims: number[]; threshold: number; display: string; labels: string; positiveCount: number; negativeCount: number }[];
}

export const fixtures: Raw = JSON.parse(readFileSync(dir + 'analysis_fixtures.json', 'utf8'));

export const dims3 = (d: number[]): Dims3 => [d[0], d[1], d[2]];

/** The AAL 116 list: index, name, code. */
export function aal116(): { index: number; name: string; code: number }[] {
  return readFileSync(dir + 'aal116.txt', 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [index, name, code] = line.trim().split(/\s+/);
      return { index: Number(index), name, code: Number(code) };
    });
}

/** Small seeded PRNG (mulberry32) so the random tests are reproducible. */
export { mulberry32 as rng } from '../../src/training/prng';
