/**
 * Our own layer list, built from the Keras topology (tfjs-layers cannot run the paper's model:
 * its BatchNormalization refuses rank-5 tensors). Layers are plain data; the forward pass and
 * the LRP rules read them and execute through a `Kernels` implementation (see kernels.ts).
 */
import type * as tf from '@tensorflow/tfjs';

export type Activation = 'relu' | 'softmax' | 'linear';

export interface Conv3DLayer {
  kind: 'conv3d';
  name: string;
  /** [3,3,3,in,out], channels-last Keras/tfjs layout. */
  kernel: tf.Tensor5D;
  /** [out]; zeros when use_bias is false. */
  bias: tf.Tensor1D;
  activation: Activation;
}
export interface MaxPool3DLayer {
  kind: 'maxPool3d';
  name: string;
  /** Pool size = strides = 2 in every axis, 'valid' (odd sizes floor). */
  size: 2;
}
export interface BatchNormLayer {
  kind: 'batchNorm';
  name: string;
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  movingMean: tf.Tensor1D;
  movingVariance: tf.Tensor1D;
  epsilon: number;
  /** True affine map used by the forward pass: y = x * scale + offset (per channel). */
  scale: tf.Tensor1D;
  offset: tf.Tensor1D;
}
export interface FlattenLayer {
  kind: 'flatten';
  name: string;
}
export interface DropoutLayer {
  kind: 'dropout';
  name: string;
}
export interface DenseLayer {
  kind: 'dense';
  name: string;
  /** [in, out] */
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
  activation: Activation;
}
export interface ActivationLayer {
  kind: 'activation';
  name: string;
  activation: Activation;
}

export type Layer = Conv3DLayer | MaxPool3DLayer | BatchNormLayer | FlattenLayer | DropoutLayer | DenseLayer | ActivationLayer;

export type LayerKind = Layer['kind'];

export interface Model {
  name: string;
  /** Input shape without batch: [D, H, W, C] (the paper's: [100, 100, 120, 1]). */
  inputShape: [number, number, number, number];
  /** Layers in order; a final softmax is kept as the layer's activation (see forward.ts). */
  layers: Layer[];
  /** Number of outputs (logits). */
  outputs: number;
  /** Releases every weight tensor. */
  dispose(): void;
}
