/**
 * Node-only: write named weights as a tfjs layers-model folder (model.json + one shard) with the
 * paper's Keras Sequential topology, float16-quantized (tfjs's {dtype: 'float16'} quantization).
 */
import { MODEL_INPUT_DIMS } from '../../core/volume/modelTensor';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paperTopology, type NamedWeight } from '../../core/model/seeded';
import { float16Bits } from '../../core/model/float16';

/**
 * `metadata`: more userDefinedMetadata next to `training`, e.g. { residualize, covariateModel,
 * covariateModelDtype } (node/covariateFile.ts) and { calibration: { temperature } }.
 */
export function exportModel(weights: NamedWeight[], dir: string, trainingInfo: object, quantize: 'float16' | 'none' = 'float16', metadata: object = {}): void {
  mkdirSync(dir, { recursive: true });
  const total = weights.reduce((a, w) => a + w.data.length, 0);
  const bytes = quantize === 'float16' ? new Uint8Array(total * 2) : new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  let o = 0;
  for (const w of weights)
    for (const v of w.data) {
      if (quantize === 'float16') {
        view.setUint16(o, float16Bits(v), true);
        o += 2;
      } else {
        view.setFloat32(o, v, true);
        o += 4;
      }
    }
  const shard = 'group1-shard1of1.bin';
  writeFileSync(join(dir, shard), bytes);
  const model = {
    format: 'layers-model',
    generatedBy: 'relevance-viewer src/training/train.ts (synthetic-data demo model; not a diagnostic device)',
    convertedBy: null,
    modelTopology: paperTopology([...MODEL_INPUT_DIMS, 1]),
    weightsManifest: [
      {
        paths: [shard],
        weights: weights.map((w) => ({
          name: w.name,
          shape: w.shape,
          dtype: 'float32',
          ...(quantize === 'float16' ? { quantization: { dtype: 'float16' } } : {}),
        })),
      },
    ],
    userDefinedMetadata: { ...metadata, training: trainingInfo },
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
}
