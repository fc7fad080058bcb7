/**
 * The three Conv3D(3x3x3, same, ReLU) -> MaxPool3D(2) blocks of the training engine on the wasm
 * kernels, for a batch of samples held in kernel memory (planar [C][D][H][W], one buffer per sample).
 * Forward: pad, conv with the ReLU fused, pool with argmax. Backward from the gradient at the
 * pooled output: route it to each window's winner (the pooling derivative; a window whose
 * maximum is <= 0 gets nothing, ReLU's derivative there being 0), pad it, then the weight
 * gradient (conv3d_wgrad) and the input gradient (the transposed conv the LRP path uses).
 */
import type { ConvWeightsBuf, F32Buf, I32Buf, Shape3, WasmKernels } from '../../core/kernels/wasm/index';
import { packConvWeights, paddedFloats } from '../../core/kernels/wasm/layout';
import type { ConvRunner } from '../../core/planar/linear';

export interface ConvBlock {
  readonly cin: number;
  readonly cout: number;
  /** Spatial size of the conv (its input and output); the pooled size is half, floored. */
  readonly shape: Shape3;
  readonly pooledShape: Shape3;
  readonly wForward: ConvWeightsBuf;
  readonly wTranspose: ConvWeightsBuf;
  readonly bias: F32Buf;
  /** Per sample: pooled output and the flat index of each window's winner (-1: no gradient). */
  readonly pooled: F32Buf[];
  readonly argmax: I32Buf[];
  /** Gradients of the last backward: kernel in Keras layout, bias. */
  readonly dw: F32Buf;
  readonly db: F32Buf;
}

/** Scratch shared by all blocks, sized for the largest. */
export interface ConvScratch {
  /** Conv output before pooling; in the backward pass the routed gradient. */
  z: F32Buf;
  /** Padded conv input and padded output gradient. */
  padX: F32Buf;
  padG: F32Buf;
}

const vol = (s: Shape3): number => s.d * s.h * s.w;
const half = (s: Shape3): Shape3 => ({ d: s.d >> 1, h: s.h >> 1, w: s.w >> 1 });

export function allocBlocks(k: WasmKernels, input: Shape3, channels: number[], maxBatch: number): { blocks: ConvBlock[]; scratch: ConvScratch } {
  const blocks: ConvBlock[] = [];
  let s = input,
    z = 0,
    px = 0,
    pg = 0;
  for (let l = 0; l + 1 < channels.length; l++) {
    const cin = channels[l]!,
      cout = channels[l + 1]!;
    const p = half(s);
    const n = cout * vol(p);
    const zeros = new Float32Array(27 * cin * cout);
    blocks.push({
      cin,
      cout,
      shape: s,
      pooledShape: p,
      wForward: k.uploadConvWeights(zeros, cin, cout),
      wTranspose: k.uploadConvWeights(zeros, cin, cout, { direction: 'transpose', part: 'all' }),
      bias: k.allocF32(cout),
      pooled: Array.from({ length: maxBatch }, () => k.allocF32(n)),
      argmax: Array.from({ length: maxBatch }, () => k.allocI32(n)),
      dw: k.allocF32(27 * cin * cout),
      db: k.allocF32(cout),
    });
    z = Math.max(z, cout * vol(s));
    px = Math.max(px, paddedFloats(cin, s.d, s.h, s.w));
    pg = Math.max(pg, paddedFloats(cout, s.d, s.h, s.w));
    s = p;
  }
  return { blocks, scratch: { z: k.allocF32(z), padX: k.allocF32(px), padG: k.allocF32(pg) } };
}

/** Uploads a block's weights (Keras kernel [3][3][3][cin][cout], bias) in both packed forms. */
export function setBlockWeights(k: WasmKernels, b: ConvBlock, kernel: Float32Array, bias: Float32Array): void {
  k.write(b.wForward.buf, packConvWeights(kernel, b.cin, b.cout).data);
  k.write(b.wTranspose.buf, packConvWeights(kernel, b.cin, b.cout, { direction: 'transpose', part: 'all' }).data);
  k.write(b.bias, bias);
}

/** pooled[sample] = maxpool(relu(conv(x) + bias)); with `training`, losing windows marked for the backward pass. */
export async function blockForward(
  k: WasmKernels,
  run: ConvRunner,
  b: ConvBlock,
  sc: ConvScratch,
  x: F32Buf,
  sample: number,
  training: boolean,
): Promise<void> {
  const z = k.sub(sc.z, 0, b.cout * vol(b.shape));
  k.pad3d(x, sc.padX, b.cin, b.shape);
  await run.conv3dPadded(sc.padX, z, b.wForward, b.bias, b.shape, true);
  const pooled = b.pooled[sample]!,
    arg = b.argmax[sample]!;
  k.maxpool3d(z, pooled, arg, b.cout, b.shape);
  if (!training) return;
  // A window whose maximum is 0 (all pre-activations <= 0) passes no gradient through the ReLU.
  const pv = k.view(pooled),
    av = k.view(arg);
  for (let i = 0; i < pv.length; i++) if (!(pv[i]! > 0)) av[i] = -1;
}

/**
 * For one sample: dw, db += the gradients from dPooled (the gradient at the pooled output); with
 * dx, also the gradient at the block's input x. The caller zeroes dw and db before the batch.
 */
export async function blockBackward(
  k: WasmKernels,
  run: ConvRunner,
  b: ConvBlock,
  sc: ConvScratch,
  x: F32Buf,
  dPooled: F32Buf,
  sample: number,
  dx: F32Buf | null,
): Promise<void> {
  const dz = k.sub(sc.z, 0, b.cout * vol(b.shape));
  k.maxpool3dRoute(dPooled, b.argmax[sample]!, dz); // skips the -1 entries
  k.pad3d(dz, sc.padG, b.cout, b.shape);
  k.pad3d(x, sc.padX, b.cin, b.shape);
  k.conv3dWeightGrad(sc.padX, sc.padG, b.dw, b.db, b.cin, b.cout, b.shape);
  if (dx) await run.conv3dPadded(sc.padG, dx, b.wTranspose, null, b.shape, false);
}
