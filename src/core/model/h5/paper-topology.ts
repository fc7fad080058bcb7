/**
 * The architecture of Dyrba et al. 2021 (docs/model-grid.md) as the Keras 2.2.4
 * Sequential JSON that `model.save()` writes into `model_config`: the topology used for
 * weights-only files (`model.save_weights()`), which carry none. Field names and defaults are
 * those of Keras 2.2.4's get_config(); the layer names are those of a fresh session
 * (conv3d_1, ...) and are replaced by the file's own names when a file is converted.
 */
import { MODEL_INPUT_DIMS } from '../../volume/modelTensor';

/** The model input, channels last: batch, 100 x 100 x 120 voxels, 1 channel. */
export const PAPER_INPUT_SHAPE: readonly (number | null)[] = [null, ...MODEL_INPUT_DIMS, 1];

const glorotUniform = () => ({
  class_name: 'VarianceScaling',
  config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null },
});
const zeros = () => ({ class_name: 'Zeros', config: {} });
const ones = () => ({ class_name: 'Ones', config: {} });
// regularizers.get('l2') = L1L2(l2=0.01); get_config() widens the float32 value to float64.
const l2 = () => ({ class_name: 'L1L2', config: { l1: 0.0, l2: Math.fround(0.01) } });

function conv3d(name: string, filters: number, batchInputShape?: readonly (number | null)[]) {
  return {
    class_name: 'Conv3D',
    config: {
      name,
      trainable: true,
      ...(batchInputShape ? { batch_input_shape: [...batchInputShape], dtype: 'float32' } : {}),
      filters,
      kernel_size: [3, 3, 3],
      strides: [1, 1, 1],
      padding: 'same',
      data_format: 'channels_last',
      dilation_rate: [1, 1, 1],
      activation: 'relu',
      use_bias: true,
      kernel_initializer: glorotUniform(),
      bias_initializer: zeros(),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
  };
}

function maxPooling3d(name: string) {
  return {
    class_name: 'MaxPooling3D',
    config: { name, trainable: true, pool_size: [2, 2, 2], padding: 'valid', strides: [2, 2, 2], data_format: 'channels_last' },
  };
}

function batchNormalization(name: string) {
  return {
    class_name: 'BatchNormalization',
    config: {
      name,
      trainable: true,
      axis: -1,
      momentum: 0.99,
      epsilon: 0.001,
      center: true,
      scale: true,
      beta_initializer: zeros(),
      gamma_initializer: ones(),
      moving_mean_initializer: zeros(),
      moving_variance_initializer: ones(),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
    },
  };
}

function dense(name: string, units: number, activation: string, regularized: boolean) {
  return {
    class_name: 'Dense',
    config: {
      name,
      trainable: true,
      units,
      activation,
      use_bias: true,
      kernel_initializer: glorotUniform(),
      bias_initializer: zeros(),
      kernel_regularizer: regularized ? l2() : null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
  };
}

const dropout = (name: string) => ({
  class_name: 'Dropout',
  config: { name, trainable: true, rate: 0.1, noise_shape: null, seed: null },
});

/** Width of the network: filters per convolution and units of the two hidden dense layers. */
export interface PaperWidths {
  filters?: number;
  hidden?: readonly [number, number];
}

/**
 * The paper's Sequential model for a given input shape (the tests build small ones, narrower too);
 * the one topology every host exports and converts with (seeded models, training, .h5 files).
 */
export function paperTopology(batchInputShape: readonly (number | null)[] = PAPER_INPUT_SHAPE, { filters = 5, hidden = [64, 32] }: PaperWidths = {}) {
  return {
    class_name: 'Sequential',
    config: {
      name: 'sequential_1',
      layers: [
        conv3d('conv3d_1', filters, batchInputShape),
        maxPooling3d('max_pooling3d_1'),
        batchNormalization('batch_normalization_1'),
        conv3d('conv3d_2', filters),
        maxPooling3d('max_pooling3d_2'),
        batchNormalization('batch_normalization_2'),
        conv3d('conv3d_3', filters),
        maxPooling3d('max_pooling3d_3'),
        batchNormalization('batch_normalization_3'),
        { class_name: 'Flatten', config: { name: 'flatten_1', trainable: true, data_format: 'channels_last' } },
        dropout('dropout_1'),
        dense('dense_1', hidden[0], 'relu', false),
        dropout('dropout_2'),
        dense('dense_2', hidden[1], 'relu', true),
        dropout('dropout_3'),
        dense('dense_3', 2, 'softmax', true),
      ],
    },
  };
}

/** The paper's architecture with its input [null, 100, 100, 120, 1]. */
export const PAPER_TOPOLOGY = paperTopology();
