/**
 * One-off check of the Keras HDF5 converter on paper-size files (~8 MB each, never committed):
 *
 *   scripts/fixtures/make_h5_fixtures.sh --paper /tmp/h5paper           # needs h5py, once
 *   npm run cli -- convert /tmp/h5paper/*.h5 --out /tmp/h5paper-cli       # optional, the CLI's files
 *   npx tsx scripts/check-paper-size-h5.ts /tmp/h5paper [/tmp/h5paper-cli ...]
 *
 * Converts every .h5 in the folder in memory (weights-only ones with the paper's topology), runs
 * the test's reference forward pass (tfjs ops, cpu backend) on the generator's formula input and
 * prints the conversion time and the logit / probability error against the numpy reference in
 * keras224_paper.expected.json. For each further folder it does the same for the model.json +
 * weights the CLI wrote there (or in its subfolders, one per input).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { convertKerasH5 } from '../src/core/model/h5/convert';
import { formulaInput, referenceForward } from '../test/helpers/keras-reference-forward';

type Expected = { input_shape: (number | null)[]; expected_logits: number[]; expected_probs: number[]; n_params: number };

function report(label: string, artifacts: tf.io.ModelArtifacts, expected: Expected, extra: string): void {
  const shape = expected.input_shape.slice(1) as number[];
  const t = performance.now();
  const { logits, probs } = referenceForward(artifacts, formulaInput(shape), shape);
  const forwardMs = performance.now() - t;
  const logitErr = Math.max(...logits.map((v, i) => Math.abs(v - expected.expected_logits[i]!)));
  const probErr = Math.max(...probs.map((v, i) => Math.abs(v - expected.expected_probs[i]!)));
  console.log(
    `${label.padEnd(40)} ${extra} forward ${forwardMs.toFixed(0)} ms  max|dlogit| ${logitErr.toExponential(2)}  max|dprob| ${probErr.toExponential(2)}`,
  );
}

async function main(): Promise<void> {
  const [dir, ...cliDirs] = process.argv.slice(2);
  if (!dir) throw new Error('usage: check-paper-size-h5.ts <dir with keras224_paper*.h5> [<CLI output dir>...]');
  await tf.setBackend('cpu');
  const expected = JSON.parse(readFileSync(join(dir, 'keras224_paper.expected.json'), 'utf8')) as Expected;
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.h5') && f.startsWith('keras224_paper'))
    .sort()) {
    const b = readFileSync(join(dir, name));
    const bytes = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    const t = performance.now();
    const { artifacts, summary } = convertKerasH5(bytes, { fileName: name });
    const convertMs = performance.now() - t;
    if (summary.totalParams !== expected.n_params) throw new Error(`${name}: ${summary.totalParams} parameters, expected ${expected.n_params}`);
    report(name, artifacts, expected, `${(b.byteLength / 1e6).toFixed(1)} MB convert ${convertMs.toFixed(0)} ms`);
  }
  for (const cliDir of cliDirs) {
    const folders = existsSync(join(cliDir, 'model.json'))
      ? [cliDir]
      : readdirSync(cliDir)
          .map((f) => join(cliDir, f))
          .filter((f) => existsSync(join(f, 'model.json')));
    for (const folder of folders.sort()) {
      const modelJson = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      const manifest = modelJson.weightsManifest[0]!;
      const w = readFileSync(join(folder, manifest.paths[0]!));
      const artifacts: tf.io.ModelArtifacts = {
        modelTopology: modelJson.modelTopology,
        weightSpecs: manifest.weights,
        weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer,
      };
      const q = manifest.weights[0]?.quantization?.dtype ?? 'float32';
      report(`cli: ${folder}`, artifacts, expected, `${q.padEnd(7)} ${(w.byteLength / 1e6).toFixed(2)} MB`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
