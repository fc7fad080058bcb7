/**
 * Trains the demo model (the paper's architecture) on a synthetic CN vs AD cohort, in Node, on the
 * wasm-simd kernels (--engine wasm, the default) or tfjs's cpu backend (--engine tfjs): the same
 * step, checkpoints and export either way (docs/engines.md, Training). Unattended: progress lines on stdout, a checkpoint (weights, Adam state,
 * position) every CKPT_EVERY steps and at every epoch end, resumable by running it again with the
 * same --ckpt folder; early stopping on the validation loss; a wall-clock cap. At the end the best
 * epoch's weights are exported as a tfjs layers-model (float16) to --out.
 *
 *   npm run train -- [--train-n 200] [--val-n 32] [--epochs 6] [--batch 4] [--lr 1e-3]
 *                    [--max-shift 4] [--max-minutes 90] [--ckpt /tmp/rv-train] [--out models/demo]
 *                    [--engine wasm|tfjs]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { gridToModelTensor, MODEL_TENSOR_LENGTH } from '../core/volume/modelTensor';
import { augment } from './augment';
import { exportModel } from './node/exportModel';
import { loadSynthContext, REPO_ROOT } from './node/assets';
import { GM_SLOPE } from './node/cohortFiles';
import { createTrainEngine } from './node/engines';
import type { TrainEngine } from './trainEngine';
import { auc } from './metrics';
import { makeRng, mixSeed } from './prng';
import { groupOf, synthSubject } from './synth';
import type { NamedWeight } from '../core/model/seeded';

/** Cohort seeds: training and validation subjects (the held-out test cohort uses another seed). */
export const TRAIN_SEED = 1000;
export const VAL_SEED = 1001;
const CKPT_EVERY = 20;

interface Options {
  trainN: number;
  valN: number;
  epochs: number;
  batch: number;
  lr: number;
  maxShift: number;
  maxMinutes: number;
  ckpt: string;
  out: string;
  patience: number;
  seed: number;
  engine: string;
}

function parse(args: string[]): Options {
  const o: Options = {
    trainN: 200,
    valN: 32,
    epochs: 6,
    batch: 4,
    lr: 1e-3,
    maxShift: 4,
    maxMinutes: 90,
    ckpt: '/tmp/rv-train',
    out: join(REPO_ROOT, 'models', 'demo'),
    patience: 3,
    seed: 7,
    engine: 'wasm',
  };
  const keys: Record<string, keyof Options> = {
    'train-n': 'trainN',
    'val-n': 'valN',
    epochs: 'epochs',
    batch: 'batch',
    lr: 'lr',
    'max-shift': 'maxShift',
    'max-minutes': 'maxMinutes',
    ckpt: 'ckpt',
    out: 'out',
    patience: 'patience',
    seed: 'seed',
    engine: 'engine',
  };
  for (let i = 0; i < args.length; i += 2) {
    const k = keys[args[i]!.replace(/^--/, '')];
    if (!k) throw new Error(`unknown option ${args[i]}`);
    (o as unknown as Record<string, unknown>)[k] = typeof o[k] === 'number' ? Number(args[i + 1]) : args[i + 1];
  }
  return o;
}

/** Model tensors stored as uint8 with the same quantization as the cohort files (GM_SLOPE). */
function quantize(t: Float32Array): Uint8Array {
  const q = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) q[i] = Math.max(0, Math.min(255, Math.round(t[i]! / GM_SLOPE)));
  return q;
}
function dequantize(q: Uint8Array, out = new Float32Array(q.length)): Float32Array {
  for (let i = 0; i < q.length; i++) out[i] = q[i]! * GM_SLOPE;
  return out;
}

function makeSet(seed: number, n: number, log: (s: string) => void): { x: Uint8Array[]; y: number[] } {
  const ctx = loadSynthContext();
  const x: Uint8Array[] = [],
    y: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = groupOf(i, ['CN', 'AD']);
    x.push(quantize(gridToModelTensor(synthSubject(ctx, seed, i, g).gm)));
    y.push(g === 'AD' ? 1 : 0);
    if ((i + 1) % 50 === 0) log(`  generated ${i + 1}/${n}`);
  }
  return { x, y };
}

interface State {
  epoch: number;
  stepInEpoch: number;
  elapsedMs: number;
  bestValLoss: number;
  bestEpoch: number;
  history: object[];
}

export function saveWeights(path: string, w: NamedWeight[]): void {
  const meta = w.map((v) => ({ name: v.name, shape: v.shape }));
  const total = w.reduce((a, v) => a + v.data.length, 0);
  const buf = new Float32Array(total);
  let o = 0;
  for (const v of w) {
    buf.set(v.data, o);
    o += v.data.length;
  }
  writeFileSync(path + '.json', JSON.stringify(meta));
  writeFileSync(path + '.bin', Buffer.from(buf.buffer));
}
export function loadWeights(path: string): NamedWeight[] {
  const meta = JSON.parse(readFileSync(path + '.json', 'utf8')) as Array<{ name: string; shape: number[] }>;
  const b = readFileSync(path + '.bin');
  const all = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  let o = 0;
  return meta.map((m) => {
    const n = m.shape.reduce((a, c) => a * c, 1);
    const data = all.slice(o, o + n);
    o += n;
    return { name: m.name, shape: m.shape, data };
  });
}

async function evaluateSet(engine: TrainEngine, set: { x: Uint8Array[]; y: number[] }, batch: number): Promise<{ loss: number; acc: number; auc: number }> {
  const probs: number[] = [];
  let loss = 0;
  const buf = new Float32Array(MODEL_TENSOR_LENGTH * batch);
  for (let i = 0; i < set.x.length; i += batch) {
    const n = Math.min(batch, set.x.length - i);
    for (let b = 0; b < n; b++) dequantize(set.x[i + b]!, buf.subarray(b * MODEL_TENSOR_LENGTH, (b + 1) * MODEL_TENSOR_LENGTH));
    const logits = await engine.logits(buf, n);
    for (let b = 0; b < n; b++) {
      const [z0, z1] = logits[b]!;
      const pr = 1 / (1 + Math.exp(z0! - z1!)); // softmax(z)[1]
      probs.push(pr);
      loss -= Math.log(Math.max(1e-7, set.y[i + b] ? pr : 1 - pr));
    }
  }
  const acc = probs.filter((p, i) => (p > 0.5 ? 1 : 0) === set.y[i]).length / probs.length;
  return { loss: loss / probs.length, acc, auc: auc(probs, set.y) };
}

export async function train(args: string[]): Promise<void> {
  const o = parse(args);
  const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
  await tf.setBackend('cpu');
  mkdirSync(o.ckpt, { recursive: true });
  log(`options ${JSON.stringify(o)}`);
  const t0 = Date.now();
  const trainSet = makeSet(TRAIN_SEED, o.trainN, log);
  const valSet = makeSet(VAL_SEED, o.valN, log);
  log(`data ready in ${((Date.now() - t0) / 1000).toFixed(0)} s (${o.trainN} train, ${o.valN} val)`);
  const nPos = trainSet.y.filter((v) => v === 1).length;
  const classWeights: [number, number] = [o.trainN / (2 * (o.trainN - nPos)), o.trainN / (2 * nPos)];

  const engine = await createTrainEngine(o.engine, { seed: o.seed, lr: o.lr, maxBatch: o.batch });
  log(`engine ${engine.id}`);
  let st: State = { epoch: 0, stepInEpoch: 0, elapsedMs: 0, bestValLoss: Infinity, bestEpoch: -1, history: [] };
  const statePath = join(o.ckpt, 'state.json');
  if (existsSync(statePath)) {
    st = JSON.parse(readFileSync(statePath, 'utf8')) as State;
    engine.setWeights(loadWeights(join(o.ckpt, 'last')));
    await engine.setOptimizerState(loadWeights(join(o.ckpt, 'adam')));
    log(`resuming at epoch ${st.epoch + 1} step ${st.stepInEpoch} (${(st.elapsedMs / 60000).toFixed(1)} min done)`);
  }
  const runStart = Date.now() - st.elapsedMs;
  const stepsPerEpoch = Math.ceil(o.trainN / o.batch);
  const buf = new Float32Array(MODEL_TENSOR_LENGTH * o.batch);
  const tmp = new Float32Array(MODEL_TENSOR_LENGTH);
  const checkpoint = async () => {
    st.elapsedMs = Date.now() - runStart;
    saveWeights(join(o.ckpt, 'last'), await engine.weights());
    saveWeights(join(o.ckpt, 'adam'), await engine.optimizerState());
    writeFileSync(statePath, JSON.stringify(st, null, 1));
  };
  let stop = false;
  // a checkpoint taken after an epoch's validation (older format) resumes at the next epoch
  if (st.stepInEpoch >= stepsPerEpoch) {
    st.epoch++;
    st.stepInEpoch = 0;
  }
  while (st.epoch < o.epochs && !stop) {
    const rng = makeRng(mixSeed(o.seed, st.epoch));
    const order = trainSet.x.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let runLoss = 0,
      runN = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const idx = order.slice(step * o.batch, (step + 1) * o.batch);
      // draw the augmentation for every step so resuming mid-epoch sees the same stream
      const augs = idx.map(() => ({
        shift: [0, 0, 0].map(() => Math.round(rng.uniform(-o.maxShift, o.maxShift))) as [number, number, number],
        flipLeftRight: rng.uniform() < 0.5,
      }));
      if (step < st.stepInEpoch) continue;
      const ts = Date.now();
      idx.forEach((k, b) => augment(dequantize(trainSet.x[k]!, tmp), augs[b]!, buf.subarray(b * MODEL_TENSOR_LENGTH, (b + 1) * MODEL_TENSOR_LENGTH)));
      const l = await engine.step(
        buf,
        idx.map((k) => trainSet.y[k]!),
        classWeights,
        st.epoch * 100000 + step,
      );
      runLoss += l;
      runN++;
      st.stepInEpoch = step + 1;
      const elapsed = (Date.now() - runStart) / 60000;
      log(
        `epoch ${st.epoch + 1}/${o.epochs} step ${step + 1}/${stepsPerEpoch} loss ${l.toFixed(4)} (mean ${(runLoss / runN).toFixed(4)}) ${(Date.now() - ts) / 1000}s/step elapsed ${elapsed.toFixed(1)} min tensors ${tf.memory().numTensors}`,
      );
      if ((step + 1) % CKPT_EVERY === 0) await checkpoint();
      if (elapsed > o.maxMinutes) {
        log('wall-clock cap reached');
        stop = true;
        break;
      }
    }
    if (stop && st.stepInEpoch < stepsPerEpoch) {
      await checkpoint();
      break;
    }
    const v = await evaluateSet(engine, valSet, o.batch);
    st.history.push({ epoch: st.epoch + 1, trainLoss: runLoss / Math.max(1, runN), ...v, minutes: (Date.now() - runStart) / 60000 });
    log(`epoch ${st.epoch + 1} validation loss ${v.loss.toFixed(4)} acc ${v.acc.toFixed(3)} AUC ${v.auc.toFixed(3)}`);
    if (v.loss < st.bestValLoss) {
      st.bestValLoss = v.loss;
      st.bestEpoch = st.epoch + 1;
      saveWeights(join(o.ckpt, 'best'), await engine.weights());
      log('  new best, saved');
    } else if (st.epoch + 1 - st.bestEpoch >= o.patience) {
      log(`early stopping (no improvement for ${o.patience} epochs)`);
      stop = true;
    }
    st.epoch++;
    st.stepInEpoch = 0;
    await checkpoint();
  }
  const bestPath = existsSync(join(o.ckpt, 'best.bin')) ? join(o.ckpt, 'best') : join(o.ckpt, 'last');
  const meta = {
    engine: engine.id,
    trainN: o.trainN,
    valN: o.valN,
    batch: o.batch,
    lr: o.lr,
    maxShift: o.maxShift,
    history: st.history,
    bestEpoch: st.bestEpoch,
    minutes: (Date.now() - runStart) / 60000,
  };
  exportModel(loadWeights(bestPath), o.out, meta);
  log(`exported ${bestPath} to ${o.out}`);
}

/**
 * Finalize a checkpoint: BN recalibration over `calibrationN` training subjects (no augmentation),
 * validation, export, on --engine (default wasm).
 * npm run train -- --finalize <ckpt/last|ckpt/best> [--calibration-n 64] [same data and engine options]
 */
export async function finalize(args: string[]): Promise<void> {
  const i = args.indexOf('--finalize');
  const weightsPath = args[i + 1]!;
  const j = args.indexOf('--calibration-n');
  const calibrationN = j >= 0 ? Number(args[j + 1]) : 64;
  const rest = args.filter((_, k) => k !== i && k !== i + 1 && (j < 0 || (k !== j && k !== j + 1)));
  const o = parse(rest);
  const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
  await tf.setBackend('cpu');
  const engine = await createTrainEngine(o.engine, { seed: o.seed, lr: o.lr, maxBatch: o.batch });
  engine.setWeights(loadWeights(weightsPath));
  const valSet = makeSet(VAL_SEED, o.valN, log);
  log(`before recalibration: ${JSON.stringify(await evaluateSet(engine, valSet, o.batch))}`);
  const calib = makeSet(TRAIN_SEED, calibrationN, log);
  await engine.recalibrateBatchNorm(function* () {
    for (let k = 0; k < calib.x.length; k += o.batch) {
      const n = Math.min(o.batch, calib.x.length - k);
      const buf = new Float32Array(n * MODEL_TENSOR_LENGTH);
      for (let b = 0; b < n; b++) dequantize(calib.x[k + b]!, buf.subarray(b * MODEL_TENSOR_LENGTH, (b + 1) * MODEL_TENSOR_LENGTH));
      yield { x: buf, n };
    }
  });
  const v = await evaluateSet(engine, valSet, o.batch);
  log(`after BN recalibration on ${calibrationN} training subjects: ${JSON.stringify(v)}`);
  const statePath = join(dirname(weightsPath), 'state.json');
  const st = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as State) : null;
  exportModel(await engine.weights(), o.out, {
    source: weightsPath,
    trainN: o.trainN,
    valN: o.valN,
    batch: o.batch,
    lr: o.lr,
    maxShift: o.maxShift,
    bnRecalibration: { subjects: calibrationN },
    validationAfterRecalibration: v,
    history: st?.history ?? [],
    trainingMinutes: st ? st.elapsedMs / 60000 : null,
  });
  log(`exported to ${o.out}`);
}

if (process.argv[1] && /train\.ts$/.test(process.argv[1])) {
  const args = process.argv.slice(2);
  (args.includes('--finalize') ? finalize(args) : train(args)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
