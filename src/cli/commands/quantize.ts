/**
 * `quantize <model-dir>... --dtype mixed|uint8|float16 [--out <dir>]`
 *
 * Stores a tfjs layers-model's weights again with another quantization (model.json + one shard;
 * metadata kept). Why: eleven float16 models of the paper's architecture (whole dataset + ten folds)
 * need 15.4 MB, over the 12 MB budget; as uint8 a fold model needs 0.70 MB (docs/ensemble.md has
 * the measured effect on logits and maps). Without --out the folders are rewritten in place; with
 * several inputs --out holds one folder per input.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../core/errors';
import { encodeModelFiles, WEIGHTS_FILE_NAME } from '../../core/model/h5/model-files';
import { covariateModelSpec } from '../../core/model/covariateModel';
import { float32Artifacts, type QuantizationDtype } from '../../core/model/h5/quantize';
import { parseOptions } from '../files';
import { readArtifactsFromDir, setBackendNode } from '../loadModelNode';

const USAGE = 'usage: quantize <model-dir>... --dtype mixed|uint8|float16 [--out <dir>]';

/** The files next to model.json that its covariate model names (covariateModelSpec): one binary file or a map per coefficient. */
function covariateFiles(metadata: unknown): string[] {
  const spec = covariateModelSpec(metadata);
  if (!spec) return [];
  return spec.kind === 'binary' ? [spec.path] : Object.values(spec.paths);
}

function parseQuantizeArgs(args: string[]): { inputs: string[]; dtype: QuantizationDtype; out?: string } {
  const { values, positionals } = parseOptions('quantize', args, { dtype: { type: 'string' }, out: { type: 'string', short: 'o' } });
  const dtype = values.dtype;
  if (positionals.length === 0) throw new InputError(`no model folder given; ${USAGE}`);
  if (dtype !== 'mixed' && dtype !== 'uint8' && dtype !== 'float16')
    throw new InputError(`--dtype must be mixed, uint8 or float16, not "${dtype ?? ''}"; ${USAGE}`);
  return { inputs: positionals, dtype, out: values.out };
}

async function shardPaths(base: string): Promise<string[]> {
  const json = JSON.parse(await readFile(join(base, 'model.json'), 'utf8')) as { weightsManifest?: Array<{ paths: string[] }> };
  return (json.weightsManifest ?? []).flatMap((g) => g.paths).filter((p) => !p.includes('/') && !p.includes('..'));
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { inputs, dtype, out } = parseQuantizeArgs(args);
  await setBackendNode('cpu'); // decoding the weights needs a tfjs backend (and this silences its banner)
  for (const input of inputs) {
    const { artifacts, base } = await readArtifactsFromDir(input);
    const plain = float32Artifacts(artifacts);
    const metadata = { ...(plain.userDefinedMetadata ?? {}), weightQuantization: dtype };
    const files = encodeModelFiles({ ...plain, userDefinedMetadata: metadata }, dtype);
    const dir = out ? (inputs.length > 1 ? join(out, basename(resolve(base))) : out) : base;
    await mkdir(dir, { recursive: true });
    // Rewritten in place, the folder holds one shard after this: the old ones would only mislead.
    if (resolve(dir) === resolve(base)) for (const f of await shardPaths(base)) if (f !== WEIGHTS_FILE_NAME) await rm(join(dir, f), { force: true });
    await writeFile(join(dir, WEIGHTS_FILE_NAME), files.weights);
    await writeFile(join(dir, 'model.json'), files.modelJson);
    // a copy elsewhere needs the covariate model's files too, or it would not load
    if (resolve(dir) !== resolve(base)) for (const f of covariateFiles(metadata)) await copyFile(join(base, f), join(dir, f));
    process.stdout.write(`${dir}: ${dtype}, ${(files.weights.length / 1e6).toFixed(2)} MB of weights\n`);
  }
  return 0;
}
