/**
 * A 3D image: voxels in Fortran order (i fastest: index = i + nx * (j + ny * k)),
 * and the affine that maps voxel indices (i, j, k) to world millimetres.
 */
export type Mat4 = readonly number[]; // 16 numbers, row-major, last row 0 0 0 1

export type VoxelArray = Float32Array | Float64Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

export type Dims3 = readonly [number, number, number];

export interface Volume<T extends VoxelArray = VoxelArray> {
  readonly dims: Dims3;
  readonly data: T;
  readonly affine: Mat4;
}
