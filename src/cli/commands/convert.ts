/**
 * `convert <model.h5>... --out <dir> [--quantize float16|uint8] [--topology <model.json>]`
 *
 * Converts Keras 2.2.x HDF5 model files to tfjs layers-model files: model.json,
 * group1-shard1of1.bin and a MODEL_CARD.md stub, in <dir> for one input and in <dir>/<file stem>/
 * for several. --topology supplies the Keras model JSON for weights-only files (default: the
 * paper's architecture).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { InputError } from '../../core/errors';
import { convertKerasH5, type ConvertedModel } from '../../core/model/h5/convert';
import { encodeModelFiles, WEIGHTS_FILE_NAME } from '../../core/model/h5/model-files';
import type { QuantizationDtype } from '../../core/model/h5/quantize';

const USAGE = 'usage: convert <model.h5>... --out <dir> [--quantize float16|uint8] [--topology <keras-model.json>]';

type Args = { inputs: string[]; out: string; quantize?: QuantizationDtype; topology?: string };

function parseArgs(args: string[]): Args {
  const inputs: string[] = [];
  let out: string | undefined;
  let quantize: QuantizationDtype | undefined;
  let topology: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new InputError(`option ${a} needs a value; ${USAGE}`);
      return v;
    };
    if (a === '--out' || a === '-o') out = value();
    else if (a === '--quantize') {
      const q = value();
      if (q !== 'float16' && q !== 'uint8') throw new InputError(`--quantize must be float16 or uint8, not "${q}"`);
      quantize = q;
    } else if (a === '--topology') topology = value();
    else if (a.startsWith('-')) throw new InputError(`unknown option ${a}; ${USAGE}`);
    else inputs.push(a);
  }
  if (inputs.length === 0) throw new InputError(`no model file given; ${USAGE}`);
  if (!out) throw new InputError(`no output folder given (--out); ${USAGE}`);
  return { inputs, out, quantize, topology };
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(`cannot read ${what} ${path} (${code}); check the path`);
  }
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { inputs, out, quantize, topology: topologyPath } = parseArgs(args);
  let topology: object | undefined;
  if (topologyPath) {
    const text = (await readInput(topologyPath, 'topology file')).toString('utf8');
    try {
      topology = JSON.parse(text) as object;
    } catch {
      throw new InputError(`the topology file ${topologyPath} is not valid JSON`);
    }
  }
  const stems = inputs.map((p) => basename(p, extname(p)));
  const duplicate = stems.find((s, i) => stems.indexOf(s) !== i);
  if (inputs.length > 1 && duplicate) {
    throw new InputError(`two inputs share the name ${duplicate}; convert them one at a time into different folders`);
  }

  for (const [i, input] of inputs.entries()) {
    const bytes = await readInput(input, 'model file');
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const fileName = basename(input);
    let converted: ConvertedModel;
    try {
      converted = convertKerasH5(buffer, { fileName, topology });
    } catch (e) {
      // Name the file: with several inputs the message alone does not say which one failed.
      if (e instanceof InputError && !e.message.includes(fileName)) throw new InputError(`${fileName}: ${e.message}`);
      throw e;
    }
    const files = encodeModelFiles(converted.artifacts, quantize);
    const dir = inputs.length === 1 ? out : join(out, stems[i]!);
    await mkdir(dir, { recursive: true });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(dir, 'model.json'), files.modelJson);
    await writeFile(join(dir, WEIGHTS_FILE_NAME), files.weights);
    await writeFile(
      join(dir, 'MODEL_CARD.md'),
      modelCard(converted, { fileName, size: bytes.byteLength, sha256, quantize, weightsSize: files.weights.byteLength }),
    );
    process.stdout.write(
      `${fileName} -> ${dir}: ${converted.summary.layers.length} layers, ${converted.summary.totalParams} parameters, ` +
        `${files.weights.byteLength} weight bytes${quantize ? ` (${quantize})` : ''}\n`,
    );
  }
  return 0;
}

type CardFacts = { fileName: string; size: number; sha256: string; quantize?: QuantizationDtype; weightsSize: number };

function modelCard(model: ConvertedModel, f: CardFacts): string {
  const s = model.summary;
  const save = s.source.save === 'full' ? 'full model (Keras model.save)' : 'weights only (Keras model.save_weights)';
  const topology = { file: 'from the file', supplied: 'supplied with --topology', paper: "the paper's architecture (Dyrba et al. 2021)" }[s.source.topology];
  const weights = f.quantize ? `${f.quantize}-quantized (tfjs weightsManifest quantization)` : 'float32, copied unchanged';
  const rows = s.layers.map((l) => `| ${l.name} | ${l.className} | ${l.params} |`);
  return [
    `# Model card: ${f.fileName}`,
    '',
    '## Conversion',
    '',
    `- Source file: \`${f.fileName}\` (${f.size} bytes)`,
    `- SHA-256: \`${f.sha256}\``,
    `- Keras version: ${s.kerasVersion ?? 'unknown'}; backend: ${s.backend}`,
    `- Saved as: ${save}; topology: ${topology}`,
    `- Parameters: ${s.totalParams}`,
    `- Weights: ${weights}; \`model.json\` + \`${WEIGHTS_FILE_NAME}\` (${f.weightsSize} bytes)`,
    '',
    '| Layer | Class | Parameters |',
    '|---|---|---:|',
    ...rows,
    '',
    'Converted by relevance-viewer.',
    '',
    '## To fill in',
    '',
    '- Training data and cohort:',
    '- Input preprocessing (residualized or raw gray matter):',
    '- Intended use and limitations:',
    '- Reported performance:',
    '',
  ].join('\n');
}
