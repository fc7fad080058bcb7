/**
 * What train.ts needs from a training engine, and the tfjs one (graph.ts on tfjs's cpu backend,
 * tf.train.adam). The wasm engine (wasmEngine/trainer.ts) computes the same step on the
 * hand-written kernels; both read and write the same weights and Adam state, so a checkpoint
 * written by one resumes on the other.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../core/model/seeded';
import {
  createGraph,
  forwardGraph,
  graphWeights,
  recalibrateBatchNorm,
  setGraphWeights,
  updateMovingStats,
  weightedLoss,
  type ForwardResult,
  type TrainGraph,
} from './graph';

export type EngineName = 'wasm' | 'tfjs';

export interface TrainEngine {
  /** e.g. "wasm-simd, 1 thread" or "tfjs cpu". */
  readonly id: string;
  /**
   * One optimizer step on n = labels.length samples (x: n model tensors [D][H][W], concatenated):
   * training-mode forward (batch-statistics BN, dropout seeded by dropoutSeed), weighted loss,
   * gradients, Adam, BN moving averages. Returns the loss before the update.
   */
  step(x: Float32Array, labels: readonly number[], classWeights: [number, number], dropoutSeed: number): Promise<number>;
  /** Inference-mode logits of the n samples in x. */
  logits(x: Float32Array, n: number): Promise<number[][]>;
  /** BN recalibration (graph.ts recalibrateBatchNorm): moving statistics from these samples' population statistics. */
  recalibrateBatchNorm(batches: () => Iterable<SampleBatch>): Promise<void>;
  /** All weights (trainable and BN moving statistics) in the exported manifest order. */
  weights(): Promise<NamedWeight[]>;
  setWeights(w: readonly NamedWeight[]): void;
  /** Adam state as tfjs's getWeights lists it: [iter, m..., v...]. */
  optimizerState(): Promise<NamedWeight[]>;
  setOptimizerState(s: readonly NamedWeight[]): Promise<void>;
  dispose(): void;
}

/** n model tensors [D][H][W], concatenated in x (which may be longer). */
export interface SampleBatch {
  x: Float32Array;
  n: number;
}

export interface EngineOptions {
  seed: number;
  lr: number;
  inputShape?: [number, number, number];
  filters?: number;
  hidden?: [number, number];
}

export class TfjsEngine implements TrainEngine {
  readonly id = 'tfjs cpu';
  readonly graph: TrainGraph;
  private readonly opt: tf.Optimizer;

  constructor(o: EngineOptions) {
    this.graph = createGraph(o.seed, o.inputShape, o.filters, o.hidden);
    this.opt = tf.train.adam(o.lr);
  }

  async step(x: Float32Array, labels: readonly number[], classWeights: [number, number], dropoutSeed: number): Promise<number> {
    const g = this.graph;
    const n = labels.length;
    const xt = tf.tensor5d(x.subarray(0, n * g.inputShape.reduce((a, b) => a * b, 1)), [n, ...g.inputShape, 1]);
    const y = tf.tensor1d(labels.slice());
    let stats: ForwardResult['bnStats'] = [];
    const cost = this.opt.minimize(
      () => {
        const r = forwardGraph(g, xt, true, dropoutSeed);
        stats = r.bnStats.map((s) => ({ mean: tf.keep(s.mean), variance: tf.keep(s.variance), count: s.count }));
        return weightedLoss(r.logits, y, classWeights);
      },
      true,
      [...g.trainable.values()],
    )!;
    updateMovingStats(g, stats);
    stats.forEach((s) => {
      s.mean.dispose();
      s.variance.dispose();
    });
    const l = (await cost.data())[0]!;
    tf.dispose([cost, xt, y]);
    return l;
  }

  async logits(x: Float32Array, n: number): Promise<number[][]> {
    const g = this.graph;
    const len = g.inputShape.reduce((a, b) => a * b, 1);
    return tf.tidy(() => forwardGraph(g, tf.tensor5d(x.subarray(0, n * len), [n, ...g.inputShape, 1]), false).logits.arraySync());
  }

  recalibrateBatchNorm(batches: () => Iterable<SampleBatch>): Promise<void> {
    const g = this.graph;
    const len = g.inputShape.reduce((a, b) => a * b, 1);
    return recalibrateBatchNorm(g, function* () {
      for (const { x, n } of batches()) yield tf.tensor5d(x.subarray(0, n * len), [n, ...g.inputShape, 1]);
    });
  }

  weights(): Promise<NamedWeight[]> {
    return graphWeights(this.graph);
  }
  setWeights(w: readonly NamedWeight[]): void {
    setGraphWeights(this.graph, [...w]);
  }

  async optimizerState(): Promise<NamedWeight[]> {
    const out: NamedWeight[] = [];
    for (const v of await this.opt.getWeights()) out.push({ name: v.name, shape: v.tensor.shape.slice(), data: new Float32Array(await v.tensor.data()) });
    return out;
  }
  async setOptimizerState(s: readonly NamedWeight[]): Promise<void> {
    const named = s.map((v) => ({ name: v.name, tensor: tf.tensor(v.data, v.shape) }));
    await this.opt.setWeights(named); // copies into new variables
    named.forEach((v) => v.tensor.dispose());
  }

  dispose(): void {
    for (const v of [...this.graph.trainable.values(), ...this.graph.moving.values()]) v.dispose();
    this.opt.dispose();
  }
}
