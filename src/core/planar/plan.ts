/**
 * The planar plan of a model: every weight uploaded once into wasm kernel memory in the forms
 * the rules need (w, [w+ ; w-], [w- ; w+], ones, w^2; forward and transposed), and every working
 * buffer allocated once, so that a forward or backward pass allocates nothing. Tensors are
 * planar float32 [C][D][H][W] (flat vectors after Flatten); the first Dense layer's rows are
 * reordered so that it reads the planar tensor in Keras' channels-last Flatten order.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvWeightsBuf, F32Buf, I32Buf, Shape3, WasmKernels } from '../kernels/wasm/index';
import { denseRowsNdhwcToPlanar, packConvWeights, paddedFloats, type ConvPacking } from '../kernels/wasm/layout';
import type { BatchNormLayer, Conv3DLayer, DenseLayer, Model } from '../model/types';

/** A planar tensor in kernel memory: `channels` planes of `shape`, or a flat vector (shape null). */
export interface PTensor {
  readonly buf: F32Buf;
  readonly channels: number;
  readonly shape: Shape3 | null;
}

/** Weight forms of a linear layer: as is, ones (flat rule), squared (w^2 rule). */
export type PlainVariant = 'all' | 'ones' | 'square';
/** Stacked forms over [x+ ; x-]: [w+ ; w-] (positive contributions) or [w- ; w+] (negative ones). */
export type SignedVariant = 'posneg' | 'negpos';
export type Variant = PlainVariant | SignedVariant;

export interface ConvPlan {
  readonly kind: 'conv3d';
  readonly layer: Conv3DLayer;
  readonly cin: number;
  readonly cout: number;
  readonly shape: Shape3;
  readonly relu: boolean;
  readonly fwd: Readonly<Record<Variant, ConvWeightsBuf>>;
  readonly tr: Readonly<Record<Variant, ConvWeightsBuf>>;
  readonly bias: F32Buf;
  readonly biasPos: F32Buf;
  readonly biasNeg: F32Buf;
}
export interface PoolPlan {
  readonly kind: 'maxPool3d';
  readonly channels: number;
  readonly shape: Shape3;
  /** Flat input index of each window's first maximum (set by the forward pass). */
  readonly argmax: I32Buf;
}
export interface BnPlan {
  readonly kind: 'batchNorm';
  readonly layer: BatchNormLayer;
  readonly channels: number;
  readonly scale: F32Buf;
  readonly offset: F32Buf;
  readonly zeros: F32Buf;
  /** innvestigate 1.0.9 surrogate k = gamma / sqrt(var^2 + eps) and b' = beta - mean / sqrt(var^2 + eps). */
  readonly k: F32Buf;
  readonly bPrime: F32Buf;
}
export interface DensePlan {
  readonly kind: 'dense';
  readonly layer: DenseLayer;
  readonly nin: number;
  readonly nout: number;
  readonly relu: boolean;
  /** Kernel [nin][nout], rows in the planar order of the input tensor. */
  readonly w: F32Buf;
  /** The same on the JS side, to derive the other weight forms on demand (see linear.ts). */
  readonly wHost: Float32Array;
  readonly bias: F32Buf;
  readonly biasPos: F32Buf;
  readonly biasNeg: F32Buf;
  /** Pre-activation output (the layer's output when it has no ReLU). */
  readonly z: F32Buf;
}
export interface ReshapePlan {
  readonly kind: 'flatten' | 'dropout';
}
export interface ActivationPlan {
  readonly kind: 'activation';
  readonly relu: boolean;
}

export type LayerPlan = ConvPlan | PoolPlan | BnPlan | DensePlan | ReshapePlan | ActivationPlan;

/** Working buffers shared by all layers (layers run one after another). */
export interface Scratch {
  /** Zero-padded conv input (pad3d, pad3dPosNeg, pad3dSafeDiv). */
  readonly pad: F32Buf;
  /** A layer-output-sized buffer: denominators, masked gradients. */
  readonly z: F32Buf;
  /** A layer-input-sized buffer: ones, the beta group, x+ / x- of dense layers. */
  readonly tmp: F32Buf;
  /** Stacked gradients [through w1 ; through w2] (2x layer input). */
  readonly g: F32Buf;
  /** Dense: second partial sum of a signed forward. */
  readonly zTmp: F32Buf;
  /** Dense: two weight-form slots (see linear.ts). */
  readonly w1: F32Buf;
  readonly w2: F32Buf;
  /** Relevance ping-pong. */
  readonly rA: F32Buf;
  readonly rB: F32Buf;
}

export interface PlanarPlan {
  readonly model: Model;
  readonly layers: LayerPlan[];
  /** acts[i] is the input of layer i; acts[n] the logits. Buffers of layers that change nothing are shared. */
  readonly acts: PTensor[];
  readonly scratch: Scratch;
}

/** Why the planar engine cannot run this model's forward pass, or null. */
export function unsupportedLayer(model: Model): string | null {
  if (model.inputShape.length !== 4) return `its input shape [${model.inputShape.join(',')}] is not a 3D volume with channels`;
  const n = model.layers.length;
  let reordered = false; // a flat vector in planar, not channels-last, order
  for (let i = 0; i < n; i++) {
    const l = model.layers[i]!;
    const act = l.kind === 'conv3d' || l.kind === 'dense' || l.kind === 'activation' ? l.activation : 'linear';
    if (act === 'softmax' && i !== n - 1) return `layer ${l.name} has a softmax before the output`;
    if (l.kind === 'flatten') reordered = model.inputShape[3] > 1 || model.layers.slice(0, i).some((p) => p.kind === 'conv3d');
    if (l.kind === 'dense') reordered = false;
    if (l.kind === 'batchNorm' && reordered) return `layer ${l.name} normalises a flattened multi-channel volume`;
  }
  return null;
}

const vol = (s: Shape3): number => s.d * s.h * s.w;
const host = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

export function buildPlan(k: WasmKernels, model: Model): PlanarPlan {
  const why = unsupportedLayer(model);
  if (why) throw new Error(`The planar engine cannot run this model: ${why}.`);
  const [D, H, W, C] = model.inputShape;
  const n = model.layers.length;
  const layers: LayerPlan[] = [];
  let cur: PTensor = { buf: k.allocF32(D * H * W * C), channels: C, shape: { d: D, h: H, w: W } };
  const acts: PTensor[] = [cur];
  // Scratch sizes, the maximum over the layers.
  let flattened: PTensor | null = null; // the multi-channel volume the current flat vector came from
  let pad = 0,
    z = 0,
    tmp = 0,
    g = 0,
    nout = 0,
    wDense = 0,
    maxLen = cur.buf.length;
  for (let i = 0; i < n; i++) {
    const layer = model.layers[i]!;
    let next: PTensor = cur;
    switch (layer.kind) {
      case 'conv3d': {
        const shape = cur.shape!;
        const cin = cur.channels,
          cout = layer.bias.shape[0];
        const kernel = host(layer.kernel);
        const squared = kernel.map((v) => Math.fround(v * v));
        const ones = new Float32Array(kernel.length).fill(1);
        const pack = (src: Float32Array, p: ConvPacking) => k.uploadPacked(packConvWeights(src, cin, cout, p));
        const forms = (direction: ConvPacking['direction']): Record<Variant, ConvWeightsBuf> => ({
          all: pack(kernel, { direction, part: 'all' }),
          posneg: pack(kernel, { direction, part: 'posneg' }),
          negpos: pack(kernel, { direction, part: 'negpos' }),
          ones: pack(ones, { direction, part: 'all' }),
          square: pack(squared, { direction, part: 'all' }),
        });
        const b = host(layer.bias);
        layers.push({
          kind: 'conv3d',
          layer,
          cin,
          cout,
          shape,
          relu: layer.activation === 'relu',
          fwd: forms('forward'),
          tr: forms('transpose'),
          bias: k.upload(b),
          biasPos: k.upload(b.map((v) => (v > 0 ? v : 0))),
          biasNeg: k.upload(b.map((v) => (v < 0 ? v : 0))),
        });
        next = { buf: k.allocF32(cout * vol(shape)), channels: cout, shape };
        pad = Math.max(pad, paddedFloats(2 * cin, shape.d, shape.h, shape.w), paddedFloats(cout, shape.d, shape.h, shape.w));
        z = Math.max(z, cout * vol(shape));
        tmp = Math.max(tmp, cin * vol(shape));
        g = Math.max(g, 2 * cin * vol(shape));
        break;
      }
      case 'maxPool3d': {
        const s = cur.shape!;
        const out: Shape3 = { d: s.d >> 1, h: s.h >> 1, w: s.w >> 1 };
        const len = cur.channels * vol(out);
        layers.push({ kind: 'maxPool3d', channels: cur.channels, shape: s, argmax: k.allocI32(len) });
        next = { buf: k.allocF32(len), channels: cur.channels, shape: out };
        break;
      }
      case 'batchNorm': {
        const c = layer.gamma.shape[0];
        // The surrogate with the same float32 ops as rules.ts (bnInnvestigateRule), so both agree exactly.
        const [kk, bb] = tf.tidy(() => {
          const t = tf.sqrt(tf.add(tf.square(layer.movingVariance), layer.epsilon));
          return [host(tf.div(layer.gamma, t)), host(tf.sub(layer.beta, tf.div(layer.movingMean, t)))];
        });
        layers.push({
          kind: 'batchNorm',
          layer,
          channels: c,
          scale: k.upload(host(layer.scale)),
          offset: k.upload(host(layer.offset)),
          zeros: k.upload(new Float32Array(c)),
          k: k.upload(kk!),
          bPrime: k.upload(bb!),
        });
        // Channels-last BN on a flat vector normalises each element: planar [C][1].
        next = { buf: k.allocF32(cur.buf.length), channels: cur.channels, shape: cur.shape };
        z = Math.max(z, cur.buf.length);
        tmp = Math.max(tmp, cur.buf.length);
        break;
      }
      case 'flatten':
        if (cur.shape && cur.channels > 1) flattened = cur;
        layers.push({ kind: 'flatten' });
        next = { buf: cur.buf, channels: 1, shape: null };
        break;
      case 'dropout':
        layers.push({ kind: 'dropout' });
        break;
      case 'dense': {
        const nin = cur.buf.length,
          no = layer.bias.shape[0];
        const raw = host(layer.kernel);
        // The Flatten before it took channels-last order; our tensor is planar.
        const s = flattened;
        flattened = null;
        const wHost = s ? denseRowsNdhwcToPlanar(raw, s.shape!.d, s.shape!.h, s.shape!.w, s.channels, no) : Float32Array.from(raw);
        const b = host(layer.bias);
        const relu = layer.activation === 'relu';
        const zb = k.allocF32(no);
        layers.push({
          kind: 'dense',
          layer,
          nin,
          nout: no,
          relu,
          w: k.upload(wHost),
          wHost,
          bias: k.upload(b),
          biasPos: k.upload(b.map((v) => (v > 0 ? v : 0))),
          biasNeg: k.upload(b.map((v) => (v < 0 ? v : 0))),
          z: zb,
        });
        next = { buf: relu ? k.allocF32(no) : zb, channels: 1, shape: null };
        z = Math.max(z, no);
        tmp = Math.max(tmp, nin);
        g = Math.max(g, 2 * nin);
        nout = Math.max(nout, no);
        wDense = Math.max(wDense, nin * no);
        break;
      }
      case 'activation': {
        const relu = layer.activation === 'relu';
        layers.push({ kind: 'activation', relu });
        if (relu) next = { buf: k.allocF32(cur.buf.length), channels: cur.channels, shape: cur.shape };
        z = Math.max(z, cur.buf.length);
        break;
      }
    }
    acts.push(next);
    cur = next;
    maxLen = Math.max(maxLen, cur.buf.length);
  }
  const scratch: Scratch = {
    pad: k.allocF32(Math.max(pad, 4)),
    z: k.allocF32(Math.max(z, 1)),
    tmp: k.allocF32(Math.max(tmp, 1)),
    g: k.allocF32(Math.max(g, 2)),
    zTmp: k.allocF32(Math.max(nout, 1)),
    w1: k.allocF32(Math.max(wDense, 1)),
    w2: k.allocF32(Math.max(wDense, 1)),
    rA: k.allocF32(maxLen),
    rB: k.allocF32(maxLen),
  };
  // Commit every page now: the first touch of fresh wasm memory is slow (see WasmKernels.prefault).
  k.prefault();
  return { model, layers, acts, scratch };
}
