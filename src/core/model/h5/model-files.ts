/**
 * tfjs layers-model files from artifacts: model.json (topology + weightsManifest) and one weights
 * shard, optionally quantized. Pure: the caller writes the bytes (CLI) or offers a download (app).
 * tf.io.loadWeights / tf.io.fromMemory / tf.loadLayersModel read these files back.
 */
import type * as tf from '@tensorflow/tfjs';
import { quantizeArtifacts, weightBytes, type QuantizationDtype } from './quantize';

export const WEIGHTS_FILE_NAME = 'group1-shard1of1.bin';

export type ModelFiles = {
  /** The text of model.json. */
  modelJson: string;
  /** The weights shard, named WEIGHTS_FILE_NAME in the manifest. */
  weights: Uint8Array;
};

export function encodeModelFiles(artifacts: tf.io.ModelArtifacts, quantize?: QuantizationDtype): ModelFiles {
  const quantized = quantizeArtifacts(artifacts, quantize);
  const modelJson = {
    format: quantized.format ?? 'layers-model',
    generatedBy: quantized.generatedBy,
    convertedBy: quantized.convertedBy,
    modelTopology: quantized.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE_NAME], weights: quantized.weightSpecs ?? [] }],
    // Display, calibration, covariate model and training notes travel with the weights.
    ...(quantized.userDefinedMetadata ? { userDefinedMetadata: quantized.userDefinedMetadata } : {}),
  };
  return { modelJson: JSON.stringify(modelJson), weights: weightBytes(quantized.weightData) };
}
