/**
 * Trains the demo model (the paper's architecture) on a synthetic CN vs AD cohort, in Node, on the
 * wasm-simd kernels (--engine wasm, the default) or tfjs's cpu backend (--engine tfjs): the same
 * step, checkpoints and export either way (docs/engines.md, Training). As the paper did (Dyrba et al. 2021):
 *  - inputs residualized: a voxel-wise covariate model (age, sex, TIV, field strength) fitted on the
 *    CN subjects of the training part only (cohortData.ts), written next to the model as covariates.bin;
 *  - augmentation: random integer shifts up to +-10 voxels per axis and left/right flips (augment.ts);
 *  - stratified 10-fold cross-validation (folds.ts): --fold k trains on the other folds (one of them
 *    as the inner validation for early stopping and calibration) and evaluates on fold k;
 *    --fold whole trains on the whole cohort (fold 0 as validation) and evaluates on the held-out
 *    test cohort (seed TEST_SEED, CN/MCI/AD);
 *  - early stopping on the validation loss; then BN recalibration on training subjects, temperature
 *    scaling fitted on the validation logits (temperature.ts), and the held-out evaluation
 *    (heldout-evaluation.json next to model.json).
 * Unattended: progress lines on stdout, a checkpoint (weights, Adam state, position) every
 * CKPT_EVERY steps and at every epoch end, resumable by running it again with the same --ckpt
 * folder; a wall-clock cap. At the end the best epoch's weights are exported as a tfjs layers-model
 * (float16) to --out. `npm run train:all` (trainAll.ts) runs whole + the 10 folds.
 *
 *   npm run train -- [--fold whole|0..9] [--n 300] [--residualize yes|no] [--epochs 20] [--batch 4]
 *                    [--lr 1e-3] [--patience 6] [--max-shift 10] [--bn-recalibration 64] [--test-n 90]
 *                    [--max-minutes 90] [--ckpt /tmp/rv-train] [--out models/demo-whole] [--engine wasm|tfjs]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../core/errors';
import { MODEL_TENSOR_LENGTH } from '../core/volume/modelTensor';
import { augment } from './augment';
import {
  fitTensorCovariateModel,
  storedCovariateModel,
  loadInput,
  makeTrainingSet,
  strataOf,
  subset,
  type StoredCovariateModel,
  type TrainingSet,
} from './cohortData';
import { DEFAULT_FOLDS, foldSplit, parseFold, stratifiedFolds, type FoldName } from './folds';
import { writeCovariateModel } from './node/covariateFile';
import { exportModel } from './node/exportModel';
import { centerLogitPair, centerOutputLogits } from './centerLogits';
import { loadSynthContext, REPO_ROOT } from './node/assets';
import { createTrainEngine, ENGINE_NAMES } from './node/engines';
import type { TrainEngine } from './trainEngine';
import { auc, expectedCalibrationError } from './metrics';
import { makeRng, mixSeed } from './prng';
import { fitTemperature, type TemperatureFit } from './temperature';
import type { NamedWeight } from '../core/model/seeded';

/** Cohort seeds: the cross-validation cohort (CN, AD) and the whole model's held-out test cohort (CN, MCI, AD). */
export const TRAIN_SEED = 1000;
export const TEST_SEED = 2024;
/** Seed of the fold assignment. */
export const FOLD_SEED = 10;
const CKPT_EVERY = 20;
export const EVALUATION_FILE = 'heldout-evaluation.json';

export interface Options {
  /** Subjects of the cross-validation cohort (CN and AD in turn). */
  n: number;
  fold: string;
  folds: number;
  residualize: string;
  testN: number;
  bnRecalibration: number;
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
    n: 300,
    fold: 'whole',
    folds: DEFAULT_FOLDS,
    residualize: 'yes',
    testN: 90,
    bnRecalibration: 64,
    epochs: 20,
    batch: 4,
    lr: 1e-3,
    maxShift: 10,
    maxMinutes: 90,
    ckpt: '/tmp/rv-train',
    out: join(REPO_ROOT, 'models', 'demo-whole'),
    patience: 6,
    seed: 7,
    engine: 'wasm',
  };
  const keys: Record<string, keyof Options> = {
    n: 'n',
    fold: 'fold',
    folds: 'folds',
    residualize: 'residualize',
    'test-n': 'testN',
    'bn-recalibration': 'bnRecalibration',
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
    if (!k) throw new InputError(`Unknown option ${args[i]}; see the options at the top of src/training/train.ts.`);
    (o as unknown as Record<string, unknown>)[k] = typeof o[k] === 'number' ? Number(args[i + 1]) : args[i + 1];
  }
  if (o.residualize !== 'yes' && o.residualize !== 'no') throw new InputError(`--residualize takes yes or no, not "${o.residualize}".`);
  if (!(ENGINE_NAMES as readonly string[]).includes(o.engine)) throw new InputError(`--engine takes ${ENGINE_NAMES.join(' or ')}, not "${o.engine}".`);
  parseFold(o.fold, o.folds);
  return o;
}

export interface TrainingData {
  which: FoldName;
  train: TrainingSet;
  validation: TrainingSet;
  /** Fold k's subjects, or the held-out test cohort for the whole model. */
  test: TrainingSet;
  /** The covariate model as stored next to the model (residualized runs only). */
  covariates?: StoredCovariateModel;
}

/**
 * The sets of one model of the cross-validation: the cohort, its stratified folds (diagnosis x
 * field strength), and the covariate model fitted on the training part's CN subjects, shared by
 * all three sets (inputs are residualized at load time: loadInput).
 */
export function makeData(o: Pick<Options, 'n' | 'fold' | 'folds' | 'residualize' | 'testN'>, log: (s: string) => void): TrainingData {
  const ctx = loadSynthContext();
  const which = parseFold(o.fold, o.folds);
  const all = makeTrainingSet(ctx, TRAIN_SEED, o.n, ['CN', 'AD'], log);
  const split = foldSplit(stratifiedFolds(strataOf(TRAIN_SEED, o.n), o.folds, FOLD_SEED), o.folds, which);
  const data: TrainingData = {
    which,
    train: subset(all, split.train),
    validation: subset(all, split.validation),
    test: which === 'whole' ? makeTrainingSet(ctx, TEST_SEED, o.testN, ['CN', 'MCI', 'AD'], log) : subset(all, split.test),
  };
  if (o.residualize === 'yes') {
    data.covariates = storedCovariateModel(fitTensorCovariateModel(data.train));
    for (const set of [data.train, data.validation, data.test]) set.covariateModel = data.covariates.tensor;
  }
  log(`fold ${which}: ${data.train.x.length} train, ${data.validation.x.length} validation, ${data.test.x.length} test; residualized: ${o.residualize}`);
  return data;
}

interface State {
  epoch: number;
  stepInEpoch: number;
  elapsedMs: number;
  bestValLoss: number;
  bestEpoch: number;
  history: object[];
  /** Early stopping ended the training (a resumed run goes straight to the export). */
  stopped?: boolean;
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

/** The network's logits (inference mode) for every subject of a set. */
async function predictSet(engine: TrainEngine, set: TrainingSet, batch: number): Promise<number[][]> {
  const logits: number[][] = [];
  const buf = new Float32Array(MODEL_TENSOR_LENGTH * batch);
  for (let i = 0; i < set.x.length; i += batch) {
    const n = Math.min(batch, set.x.length - i);
    for (let b = 0; b < n; b++) loadInput(set, i + b, buf.subarray(b * MODEL_TENSOR_LENGTH, (b + 1) * MODEL_TENSOR_LENGTH));
    logits.push(...(await engine.logits(buf, n)));
  }
  return logits;
}

/** P(AD) of 2-class logits at temperature T. */
function probabilityAd(z: readonly number[], temperature = 1): number {
  return 1 / (1 + Math.exp((z[0]! - z[1]!) / temperature));
}

/** Loss (NLL), accuracy, AUC and ECE of logits at temperature T. */
export function scoreLogits(logits: readonly (readonly number[])[], labels: readonly number[], temperature = 1) {
  const probs = logits.map((z) => probabilityAd(z, temperature));
  const loss = -probs.reduce((a, p, i) => a + Math.log(Math.max(1e-7, labels[i] ? p : 1 - p)), 0) / probs.length;
  const acc = probs.filter((p, i) => (p > 0.5 ? 1 : 0) === labels[i]).length / probs.length;
  return { loss, acc, auc: auc(probs, labels), ece: expectedCalibrationError(probs, labels) };
}

async function evaluateSet(engine: TrainEngine, set: TrainingSet, batch: number) {
  return scoreLogits(await predictSet(engine, set, batch), set.y);
}

/**
 * The held-out evaluation: on fold k (or the test cohort), raw and temperature-scaled; MCI (test
 * cohort only) is scored against CN separately, as in the paper (the network never saw MCI).
 */
export function heldOutEvaluation(set: TrainingSet, logits: number[][], calibration: TemperatureFit) {
  const pick = (groups: string[]) => set.groups.flatMap((g, i) => (groups.includes(g) ? [i] : []));
  const adCn = pick(['CN', 'AD']);
  const mciCn = pick(['CN', 'MCI']);
  const T = calibration.temperature;
  const scores = (idx: number[], t: number) =>
    scoreLogits(
      idx.map((i) => logits[i]!),
      idx.map((i) => set.y[i]!),
      t,
    );
  return {
    n: set.x.length,
    groups: Object.fromEntries(['CN', 'MCI', 'AD'].map((g) => [g, pick([g]).length])),
    temperature: T,
    adVsCn: { raw: scores(adCn, 1), calibrated: scores(adCn, T) },
    mciVsCn: pick(['MCI']).length ? { raw: scores(mciCn, 1), calibrated: scores(mciCn, T) } : null,
    subjects: set.ids.map((id, i) => ({ id, group: set.groups[i], logits: logits[i], pAD: probabilityAd(logits[i]!, T) })),
  };
}

/**
 * Turns the best weights into the model the app loads: BN moving statistics recalibrated on
 * training subjects (Keras's momentum-0.99 averages lag behind short trainings, MODEL_CARD.md),
 * the temperature fitted on the validation logits, the held-out evaluation, and the export with
 * the covariate model and the calibration in model.json's metadata.
 */
async function finishModel(
  engine: TrainEngine,
  data: TrainingData,
  o: Options,
  trainingInfo: Record<string, unknown>,
  log: (s: string) => void,
): Promise<void> {
  if (o.bnRecalibration > 0) {
    const calib = subset(data.train, data.train.x.map((_, i) => i).slice(0, o.bnRecalibration));
    await engine.recalibrateBatchNorm(function* () {
      for (let k = 0; k < calib.x.length; k += o.batch) {
        const n = Math.min(o.batch, calib.x.length - k);
        const buf = new Float32Array(n * MODEL_TENSOR_LENGTH);
        for (let b = 0; b < n; b++) loadInput(calib, k + b, buf.subarray(b * MODEL_TENSOR_LENGTH, (b + 1) * MODEL_TENSOR_LENGTH));
        yield { x: buf, n };
      }
    });
    log(`BN statistics recalibrated on ${calib.x.length} training subjects`);
  }
  // logits as the exported (centred) output layer gives them: same softmax, AD logit = half the log-odds
  const centredLogits = async (set: TrainingSet) => (await predictSet(engine, set, o.batch)).map(centerLogitPair);
  const valLogits = await centredLogits(data.validation);
  const calibration = fitTemperature(valLogits, data.validation.y);
  log(`temperature ${calibration.temperature.toFixed(3)} (validation NLL ${calibration.nllBefore.toFixed(4)} -> ${calibration.nllAfter.toFixed(4)})`);
  const evaluation = heldOutEvaluation(data.test, await centredLogits(data.test), calibration);
  const metadata: Record<string, unknown> = { calibration: { ...calibration, fittedOn: 'validation' } };
  if (data.covariates) Object.assign(metadata, writeCovariateModel(o.out, data.covariates));
  exportModel(
    centerOutputLogits(await engine.weights()),
    o.out,
    { ...trainingInfo, fold: data.which, folds: o.folds, cohortN: o.n, bnRecalibration: o.bnRecalibration },
    'float16',
    metadata,
  );
  const a = evaluation.adVsCn.calibrated;
  writeFileSync(
    join(o.out, EVALUATION_FILE),
    JSON.stringify(
      {
        fold: data.which,
        heldOut: data.which === 'whole' ? `test cohort seed ${TEST_SEED}` : `fold ${data.which}`,
        trainingComplete: trainingInfo.complete === true,
        ...evaluation,
      },
      null,
      1,
    ),
  );
  log(
    `held-out (${data.test.x.length}): AUC ${a.auc.toFixed(3)} acc ${a.acc.toFixed(3)} ECE ${a.ece.toFixed(3)} (raw ${evaluation.adVsCn.raw.ece.toFixed(3)})`,
  );
}

/** Trains one model; 'capped' when the wall-clock cap stopped it (run again to resume). */
export async function train(args: string[]): Promise<'finished' | 'capped'> {
  const o = parse(args);
  const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
  await tf.setBackend('cpu');
  mkdirSync(o.ckpt, { recursive: true });
  log(`options ${JSON.stringify(o)}`);
  const t0 = Date.now();
  const data = makeData(o, log);
  const { train: trainSet, validation: valSet } = data;
  const trainN = trainSet.x.length;
  log(`data ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const nPos = trainSet.y.filter((v) => v === 1).length;
  const classWeights: [number, number] = [trainN / (2 * (trainN - nPos)), trainN / (2 * nPos)];

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
  const stepsPerEpoch = Math.ceil(trainN / o.batch);
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
  while (st.epoch < o.epochs && !stop && !st.stopped) {
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
      idx.forEach((k, b) => augment(loadInput(trainSet, k, tmp), augs[b]!, buf.subarray(b * MODEL_TENSOR_LENGTH, (b + 1) * MODEL_TENSOR_LENGTH)));
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
      st.stopped = true;
    }
    st.epoch++;
    st.stepInEpoch = 0;
    await checkpoint();
  }
  const complete = st.stopped === true || st.epoch >= o.epochs;
  const bestPath = existsSync(join(o.ckpt, 'best.bin')) ? join(o.ckpt, 'best') : join(o.ckpt, 'last');
  engine.setWeights(loadWeights(bestPath));
  const meta = {
    engine: engine.id,
    trainN,
    valN: valSet.x.length,
    batch: o.batch,
    lr: o.lr,
    maxShift: o.maxShift,
    residualized: o.residualize === 'yes',
    history: st.history,
    bestEpoch: st.bestEpoch,
    minutes: (Date.now() - runStart) / 60000,
    complete,
  };
  await finishModel(engine, data, o, meta, log);
  log(`exported ${bestPath} to ${o.out}${complete ? '' : ' (wall-clock cap: training not complete; run again to resume)'}`);
  return complete ? 'finished' : 'capped';
}

/**
 * Finish a checkpoint as train does at its end (BN recalibration on --bn-recalibration training
 * subjects, temperature, held-out evaluation, export), for weights from an interrupted or older run:
 * npm run train -- --finalize <ckpt/last|ckpt/best> [same data options]
 */
export async function finalize(args: string[]): Promise<void> {
  const i = args.indexOf('--finalize');
  const weightsPath = args[i + 1]!;
  const o = parse(args.filter((_, k) => k !== i && k !== i + 1));
  const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
  await tf.setBackend('cpu');
  const engine = await createTrainEngine(o.engine, { seed: o.seed, lr: o.lr, maxBatch: o.batch });
  engine.setWeights(loadWeights(weightsPath));
  const data = makeData(o, log);
  log(`validation before finishing: ${JSON.stringify(await evaluateSet(engine, data.validation, o.batch))}`);
  const statePath = join(dirname(weightsPath), 'state.json');
  const st = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as State) : null;
  await finishModel(
    engine,
    data,
    o,
    {
      source: weightsPath,
      trainN: data.train.x.length,
      valN: data.validation.x.length,
      batch: o.batch,
      lr: o.lr,
      maxShift: o.maxShift,
      residualized: o.residualize === 'yes',
      history: st?.history ?? [],
      trainingMinutes: st ? st.elapsedMs / 60000 : null,
      complete: true,
    },
    log,
  );
  log(`exported to ${o.out}`);
}

if (process.argv[1] && /train\.ts$/.test(process.argv[1])) {
  const args = process.argv.slice(2);
  (args.includes('--finalize') ? finalize(args) : train(args)).catch((e) => {
    console.error(e instanceof InputError ? e.message : e);
    process.exit(e instanceof InputError ? 2 : 1);
  });
}
