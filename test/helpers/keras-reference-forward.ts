/**
 * Test-only reference: an obviously-correct inference forward pass of converted artifacts, written
 * directly with tfjs ops layer by layer (Keras semantics: conv3d 'same'/'valid' cross-correlation,
 * max pooling, BN = (x - mean) / sqrt(var + eps) * gamma + beta, channels-last flatten, dense),
 * so that the converter can be checked against the generator's numpy logits without the app's
 * runtime. Weights are looked up by their tfjs names `<layer>/<weight>`.
 */
import * as tf from '@tensorflow/tfjs';

type Layer = { class_name: string; config: Record<string, unknown> & { name: string } };

export function formulaInput(shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = ((i * 7919) % 1000) / 1000; // the generator's input formula
  return x;
}

function activate(x: tf.Tensor, activation: unknown): tf.Tensor {
  if (activation === 'relu') return tf.relu(x);
  if (activation === 'linear' || activation == null) return x;
  if (activation === 'softmax') return tf.softmax(x);
  throw new Error(`reference forward: activation ${String(activation)}`);
}

/** Logits (the last Dense before softmax) and probabilities for a batch-1 input. */
export function referenceForward(artifacts: tf.io.ModelArtifacts, input: Float32Array, inputShape: number[]): { logits: number[]; probs: number[] } {
  const topology = artifacts.modelTopology as { model_config: { config: { layers: Layer[] } } };
  const layers = topology.model_config.config.layers;
  return tf.tidy(() => {
    const w = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
    const get = (name: string) => {
      const t = w[name];
      if (!t) throw new Error(`reference forward: no weight ${name}`);
      return t;
    };
    let x: tf.Tensor = tf.tensor(input, [1, ...inputShape]);
    let logits: tf.Tensor | null = null;
    for (const { class_name: cls, config: c } of layers) {
      const n = c.name;
      if (cls === 'Conv3D') {
        const y = tf.conv3d(
          x as tf.Tensor5D,
          get(`${n}/kernel`) as tf.Tensor5D,
          c.strides as [number, number, number],
          c.padding as 'same' | 'valid',
          'NDHWC',
          c.dilation_rate as [number, number, number],
        );
        x = activate(c.use_bias === false ? y : tf.add(y, get(`${n}/bias`)), c.activation);
      } else if (cls === 'MaxPooling3D') {
        x = tf.maxPool3d(x as tf.Tensor5D, c.pool_size as [number, number, number], c.strides as [number, number, number], c.padding as 'same' | 'valid');
      } else if (cls === 'BatchNormalization') {
        const eps = c.epsilon as number;
        const norm = tf.div(tf.sub(x, get(`${n}/moving_mean`)), tf.sqrt(tf.add(get(`${n}/moving_variance`), eps)));
        x = tf.add(tf.mul(norm, get(`${n}/gamma`)), get(`${n}/beta`));
      } else if (cls === 'Flatten') {
        x = tf.reshape(x, [1, -1]);
      } else if (cls === 'Dropout') {
        // inference: identity
      } else if (cls === 'Dense') {
        const y = tf.add(tf.matMul(x as tf.Tensor2D, get(`${n}/kernel`) as tf.Tensor2D), get(`${n}/bias`));
        if (c.activation === 'softmax') logits = y;
        x = activate(y, c.activation);
      } else {
        throw new Error(`reference forward: layer class ${cls}`);
      }
    }
    return {
      logits: Array.from((logits ?? x).dataSync()),
      probs: Array.from(x.dataSync()),
    };
  });
}
