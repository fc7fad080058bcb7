import { describe, expect, it } from 'vitest';
import { applyToPoint } from '../src/core/volume/affine';
import { CAT12_GRID } from '../src/core/volume/grid';
import { MODEL_INPUT_SHAPE, gridToModelTensor, modelIndexToGridVoxel, modelTensorToGrid } from '../src/core/volume/modelTensor';
import type { Volume } from '../src/core/volume/types';

const [NX, NY, NZ] = [121, 145, 121];
// Distinct, exactly representable (float32) value per voxel that encodes its (i, j, k).
const code = (i: number, j: number, k: number) => i + 128 * j + 32768 * k;
const decode = (v: number): [number, number, number] => [v % 128, Math.floor(v / 128) % 256, Math.floor(v / 32768)];

function codedGrid(): Volume<Float32Array> {
  const data = new Float32Array(NX * NY * NZ);
  for (let k = 0; k < NZ; k++) for (let j = 0; j < NY; j++) for (let i = 0; i < NX; i++) data[i + NX * (j + NY * k)] = code(i, j, k);
  return { dims: [NX, NY, NZ], data, affine: CAT12_GRID.affine };
}

/** The doc's recipe step by step on nested arrays: crop, reorder to (k, i, j), reverse all axes. */
function referenceTensor(v: Volume<Float32Array>): Float32Array {
  const at = (i: number, j: number, k: number) => v.data[i + NX * (j + NY * k)]!;
  // 1. crop -> cropped[i'][j'][k'] (100 x 120 x 100)
  const cropped: number[][][] = [];
  for (let i = 10; i < 110; i++) {
    const plane: number[][] = [];
    for (let j = 13; j < 133; j++) {
      const row: number[] = [];
      for (let k = 5; k < 105; k++) row.push(at(i, j, k));
      plane.push(row);
    }
    cropped.push(plane);
  }
  // 2. reorder to (k, i, j) -> 100 x 100 x 120
  const reordered: number[][][] = [];
  for (let k = 0; k < 100; k++) {
    const p: number[][] = [];
    for (let i = 0; i < 100; i++) {
      const r: number[] = [];
      for (let j = 0; j < 120; j++) r.push(cropped[i]![j]![k]!);
      p.push(r);
    }
    reordered.push(p);
  }
  // 3. reverse all three axes
  const reversed = reordered.reverse().map((p) => p.reverse().map((r) => r.slice().reverse()));
  return Float32Array.from(reversed.flat(2));
}

describe('grid <-> model tensor', () => {
  const grid = codedGrid();
  const t = gridToModelTensor(grid);

  it('has the model input shape', () => {
    expect(MODEL_INPUT_SHAPE).toEqual([1, 100, 100, 120, 1]);
    expect(t.length).toBe(100 * 100 * 120);
  });

  it('equals the doc recipe (crop, reorder (k,i,j), reverse all) applied literally', () => {
    expect(t).toEqual(referenceTensor(grid));
  });

  it('holds grid voxel (109 - s, 132 - c, 104 - a) at a*12000 + s*120 + c', () => {
    for (const [a, s, c] of [
      [0, 0, 0],
      [99, 99, 119],
      [0, 99, 0],
      [99, 0, 119],
      [17, 42, 101],
      [50, 3, 77],
    ] as const) {
      expect(decode(t[a * 12000 + s * 120 + c]!)).toEqual([109 - s, 132 - c, 104 - a]);
      expect(modelIndexToGridVoxel(a, s, c)).toEqual([109 - s, 132 - c, 104 - a]);
    }
  });

  it('runs superior->inferior, left->right (x -73.5..+75), anterior->posterior', () => {
    const world = (a: number, s: number, c: number) => applyToPoint(CAT12_GRID.affine, modelIndexToGridVoxel(a, s, c));
    // axis 1: x from -73.5 to +75 in 1.5 mm steps
    expect(world(0, 0, 0)[0]).toBe(-73.5);
    expect(world(0, 99, 0)[0]).toBe(75);
    expect(world(0, 1, 0)[0] - world(0, 0, 0)[0]).toBe(1.5);
    // axis 0: z decreases (superior -> inferior)
    expect(world(1, 0, 0)[2] - world(0, 0, 0)[2]).toBe(-1.5);
    // axis 2: y decreases (anterior -> posterior)
    expect(world(0, 0, 1)[1] - world(0, 0, 0)[1]).toBe(-1.5);
    // each axis moves exactly one world coordinate
    expect(world(1, 0, 0).slice(0, 2)).toEqual(world(0, 0, 0).slice(0, 2));
    expect(world(0, 1, 0).slice(1)).toEqual(world(0, 0, 0).slice(1));
  });

  it('round-trips inside the crop and is zero outside', () => {
    const back = modelTensorToGrid(t);
    expect(back.dims).toEqual([121, 145, 121]);
    expect(back.affine).toEqual(Array.from(CAT12_GRID.affine));
    let inside = 0;
    for (let k = 0; k < NZ; k++)
      for (let j = 0; j < NY; j++)
        for (let i = 0; i < NX; i++) {
          const n = i + NX * (j + NY * k);
          const inCrop = i >= 10 && i < 110 && j >= 13 && j < 133 && k >= 5 && k < 105;
          if (inCrop) {
            inside++;
            if (back.data[n] !== grid.data[n]) throw new Error(`mismatch at ${i},${j},${k}`);
          } else if (back.data[n] !== 0) throw new Error(`non-zero outside crop at ${i},${j},${k}`);
        }
    expect(inside).toBe(100 * 120 * 100);
    expect(gridToModelTensor(back)).toEqual(t);
  });

  it('accepts a bare Float32Array and replaces NaN by 0', () => {
    const data = grid.data.slice();
    data[109 + NX * (132 + NY * 104)] = NaN; // model [0,0,0]
    const tt = gridToModelTensor(data);
    expect(tt[0]).toBe(0);
    expect(tt[1]).toBe(code(109, 131, 104));
  });

  it('refuses a volume that is not on the grid', () => {
    const ras = Array.from(CAT12_GRID.affine);
    ras[0] = 1.5;
    ras[3] = -90;
    expect(() => gridToModelTensor({ ...grid, affine: ras })).toThrow(/CAT12/);
    expect(() => gridToModelTensor(new Float32Array(10))).toThrow();
    expect(() => modelTensorToGrid(new Float32Array(10))).toThrow();
  });
});
