/**
 * The bundled demo model (models/demo, trained by src/training/train.ts) behaves as its ground
 * truth says it should: removing more hippocampal GM from a healthy (CN) synthetic case raises
 * the AD probability.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromDir } from '../src/cli/loadModelNode';
import { predict } from '../src/core/lrp/methods';
import { readNifti } from '../src/core/nifti';
import { gridToModelTensor } from '../src/core/volume/modelTensor';
import { makeSynthContext, synthSubject } from '../src/training/synth';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('demo model', () => {
  it('gives a higher AD probability the more hippocampal GM a CN case loses', async () => {
    const template = readNifti(readFileSync('public/template/gm_template.nii.gz')).volume;
    const aal = readNifti(readFileSync('public/atlas/aal.nii.gz')).volume;
    const ctx = makeSynthContext(template.data, aal.data, template.dims);
    const model = await loadModelFromDir('models/demo');
    const cn = synthSubject(ctx, 4242, 0, 'CN');
    const probs: number[] = [];
    for (const loss of [0, 0.25, 0.5]) {
      // independent of the generator's atrophy field: scale GM inside AAL 37/38 (hippocampus) directly
      const gm = Float32Array.from(cn.gm, (v, i) => (aal.data[i] === 37 || aal.data[i] === 38 ? v * (1 - loss) : v));
      probs.push((await predict(model, gridToModelTensor(gm))).probabilities[1]!);
    }
    model.dispose();
    expect(probs[1]!).toBeGreaterThan(probs[0]!);
    expect(probs[2]!).toBeGreaterThan(probs[1]!);
    // a clear effect, not noise; hippocampus alone is only part of the trained AD pattern (amygdala, parahippocampal, temporal)
    expect(probs[2]! - probs[0]!).toBeGreaterThan(0.05);
  }, 60_000);
});
