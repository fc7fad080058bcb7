/**
 * The wasm training engine: graph.ts's network and step (training-mode forward with batch
 * statistics and dropout, weighted loss, gradients of every trainable weight, Adam, BN moving
 * averages) with the convolutions on the hand-written wasm kernels (convBlocks.ts) and the small
 * rest in TypeScript (batchNorm.ts, dense.ts, adam.ts). Weights live on the host in Keras layout
 * (the checkpoint and export format); the conv weights are repacked into kernel memory after
 * every update (a few thousand floats). Every buffer is allocated once, for `maxBatch` samples.
 */
import type { F32Buf, Shape3, WasmKernels } from '../../core/kernels/wasm/index';
import { ndhwcToPlanar, planarToNdhwc } from '../../core/kernels/wasm/layout';
import type { NamedWeight } from '../../core/model/seeded';
import type { ConvRunner } from '../../core/planar/linear';
import { MODEL_INPUT_DIMS } from '../../core/volume/modelTensor';
import { createGraph, graphWeights } from '../graph';
import type { EngineOptions, SampleBatch, TrainEngine } from '../trainEngine';
import { Adam } from './adam';
import { bnInfer, bnTrainBackward, bnTrainForward, bnUpdateMoving, type BnBatch } from './batchNorm';
import { allocBlocks, blockBackward, blockForward, setBlockWeights, type ConvBlock, type ConvScratch } from './convBlocks';
import { denseBackward, denseForward, dropoutMultiplier, reluBackward, scaleBy, weightedLossAndGrad } from './dense';

export interface WasmTrainerOptions extends EngineOptions {
  /** Most samples per step (buffers are allocated for this many). */
  maxBatch: number;
  /** Runs the forward and transposed convolutions (a KernelThreads pool); default the kernels themselves. */
  runner?: ConvRunner;
  threads?: number;
}

/** Gradients of one batch, by trainable weight name, and the loss they belong to. */
export interface BatchGradients {
  loss: number;
  grads: Map<string, Float32Array>;
}

export class WasmTrainer implements TrainEngine {
  readonly id: string;
  private readonly w = new Map<string, Float32Array>();
  private readonly shapes = new Map<string, number[]>();
  private readonly order: string[];
  private readonly trainable: string[];
  private readonly adam: Adam;
  private readonly blocks: ConvBlock[];
  private readonly scratch: ConvScratch;
  private readonly run: ConvRunner;
  private readonly shape: Shape3;
  /** Per sample: the input, and per block the BN output (the next block's input) and its gradient. */
  private readonly x: F32Buf[];
  private readonly bnOut: F32Buf[][];
  private readonly bnGrad: F32Buf[][];

  private constructor(
    private readonly k: WasmKernels,
    initial: NamedWeight[],
    trainable: string[],
    private readonly o: WasmTrainerOptions,
  ) {
    const [d, h, w] = o.inputShape ?? MODEL_INPUT_DIMS;
    this.shape = { d, h, w };
    const filters = o.filters ?? 5;
    for (const v of initial) {
      this.w.set(v.name, v.data.slice());
      this.shapes.set(v.name, v.shape.slice());
    }
    this.order = initial.map((v) => v.name);
    this.trainable = trainable;
    this.adam = new Adam(
      trainable,
      trainable.map((n) => this.shapes.get(n)!),
      o.lr,
    );
    this.run = o.runner ?? k;
    this.id = `${k.variant === 'scalar' ? 'wasm-scalar' : 'wasm-simd'}, ${o.threads ?? 1} thread${(o.threads ?? 1) > 1 ? 's' : ''}`;
    const { blocks, scratch } = allocBlocks(k, this.shape, [1, filters, filters, filters], o.maxBatch);
    this.blocks = blocks;
    this.scratch = scratch;
    const samples = Array.from({ length: o.maxBatch }, (_, i) => i);
    this.x = samples.map(() => k.allocF32(d * h * w));
    this.bnOut = blocks.map((b) => samples.map(() => k.allocF32(b.pooled[0]!.length)));
    this.bnGrad = blocks.map((b) => samples.map(() => k.allocF32(b.pooled[0]!.length)));
    this.uploadConvWeights();
    k.prefault();
  }

  /** Same initial weights as the tfjs engine for the same seed (graph.ts createGraph). */
  static async create(k: WasmKernels, o: WasmTrainerOptions): Promise<WasmTrainer> {
    const g = createGraph(o.seed, o.inputShape, o.filters, o.hidden);
    const initial = await graphWeights(g);
    const trainable = [...g.trainable.keys()];
    for (const v of [...g.trainable.values(), ...g.moving.values()]) v.dispose();
    return new WasmTrainer(k, initial, trainable, o);
  }

  /** Bytes of kernel memory the engine holds (all buffers for maxBatch samples). */
  get arenaPeakBytes(): number {
    return this.k.peakBytes;
  }

  private get(name: string): Float32Array {
    const v = this.w.get(name);
    if (!v) throw new Error(`no weight ${name}`);
    return v;
  }

  private uploadConvWeights(): void {
    this.blocks.forEach((b, l) => setBlockWeights(this.k, b, this.get(`conv3d_${l + 1}/kernel`), this.get(`conv3d_${l + 1}/bias`)));
  }

  private loadInputs(x: Float32Array, n: number): void {
    if (n < 1 || n > this.o.maxBatch) throw new RangeError(`batch of ${n}: this engine holds 1 to ${this.o.maxBatch} samples`);
    const len = this.x[0]!.length;
    if (x.length < n * len) throw new RangeError(`input of ${x.length} values for ${n} samples of ${len}`);
    // one input channel: the model tensor [D][H][W] (channels last) is already planar
    for (let b = 0; b < n; b++) this.k.write(this.x[b]!, x.subarray(b * len, (b + 1) * len));
  }

  /** The first `count` conv blocks, each followed by its BN, for n loaded samples. */
  private async runBlocks(n: number, training: boolean, count = this.blocks.length): Promise<BnBatch[]> {
    const k = this.k;
    const bn: BnBatch[] = [];
    for (let l = 0; l < count; l++) {
      const b = this.blocks[l]!;
      for (let s = 0; s < n; s++) await blockForward(k, this.run, b, this.scratch, l === 0 ? this.x[s]! : this.bnOut[l - 1]![s]!, s, training);
      const name = `batch_normalization_${l + 1}`;
      const gamma = this.get(`${name}/gamma`),
        beta = this.get(`${name}/beta`);
      const ins = b.pooled.slice(0, n).map((p) => k.view(p)),
        outs = this.bnOut[l]!.slice(0, n).map((p) => k.view(p));
      if (training) bn.push(bnTrainForward(ins, outs, gamma, beta));
      else ins.forEach((v, s) => bnInfer(v, outs[s]!, gamma, beta, this.get(`${name}/moving_mean`), this.get(`${name}/moving_variance`)));
    }
    return bn;
  }

  /** Conv blocks and BN for n loaded samples; returns the flattened features [n][10800] in Keras (channels-last) order. */
  private async features(n: number, training: boolean): Promise<{ flat: Float32Array; bn: BnBatch[] }> {
    const k = this.k;
    const bn = await this.runBlocks(n, training);
    const last = this.blocks[this.blocks.length - 1]!;
    const p = last.pooledShape;
    const per = last.cout * p.d * p.h * p.w;
    const flat = new Float32Array(n * per);
    for (let s = 0; s < n; s++) planarToNdhwc(k.view(this.bnOut[this.blocks.length - 1]![s]!), p.d, p.h, p.w, last.cout, flat.subarray(s * per, (s + 1) * per));
    return { flat, bn };
  }

  /** Loss and the gradient of every trainable weight on one batch; BN batch statistics for the moving averages. */
  async gradients(
    x: Float32Array,
    labels: readonly number[],
    classWeights: [number, number],
    dropoutSeed: number,
  ): Promise<BatchGradients & { bn: BnBatch[] }> {
    const n = labels.length;
    const k = this.k;
    this.loadInputs(x, n);
    const { flat, bn } = await this.features(n, true);
    // Dense head: Dropout -> Dense (ReLU, ReLU, logits), graph.ts's seeds.
    const layers = [1, 2, 3].map((l) => ({ w: this.get(`dense_${l}/kernel`), b: this.get(`dense_${l}/bias`) }));
    const inputs: Float32Array[] = [],
      masks: Float32Array[] = [],
      outputs: Float32Array[] = [];
    let h = flat;
    layers.forEach((d, i) => {
      const nin = d.w.length / d.b.length;
      const m = dropoutMultiplier(n, nin, dropoutSeed * 7 + i + 1);
      const xin = scaleBy(h, m);
      h = denseForward(xin, d.w, d.b, n, i < 2);
      masks.push(m);
      inputs.push(xin);
      outputs.push(h);
    });
    const { loss, dz } = weightedLossAndGrad(h, labels, classWeights);
    const grads = new Map<string, Float32Array>();
    let g = dz;
    for (let i = 2; i >= 0; i--) {
      const d = layers[i]!;
      if (i < 2) reluBackward(g, outputs[i]!);
      const r = denseBackward(inputs[i]!, d.w, g, n, d.b.length);
      grads.set(`dense_${i + 1}/kernel`, r.dw);
      grads.set(`dense_${i + 1}/bias`, r.db);
      g = scaleBy(r.dx, masks[i]!);
    }
    // Back through BN and the conv blocks, last to first.
    const last = this.blocks.length - 1;
    const p = this.blocks[last]!.pooledShape;
    const per = this.blocks[last]!.cout * p.d * p.h * p.w;
    for (let s = 0; s < n; s++) ndhwcToPlanar(g.subarray(s * per, (s + 1) * per), p.d, p.h, p.w, this.blocks[last]!.cout, k.view(this.bnGrad[last]![s]!));
    for (let l = last; l >= 0; l--) {
      const b = this.blocks[l]!;
      const name = `batch_normalization_${l + 1}`;
      const ins = b.pooled.slice(0, n).map((q) => k.view(q)),
        dys = this.bnGrad[l]!.slice(0, n).map((q) => k.view(q));
      const r = bnTrainBackward(ins, dys, this.get(`${name}/gamma`), bn[l]!); // bnGrad now holds the gradient at the pooled output
      grads.set(`${name}/gamma`, r.dgamma);
      grads.set(`${name}/beta`, r.dbeta);
      k.fill(b.dw, 0);
      k.fill(b.db, 0);
      for (let s = 0; s < n; s++) {
        const input = l === 0 ? this.x[s]! : this.bnOut[l - 1]![s]!;
        await blockBackward(k, this.run, b, this.scratch, input, this.bnGrad[l]![s]!, s, l === 0 ? null : this.bnGrad[l - 1]![s]!);
      }
      grads.set(`conv3d_${l + 1}/kernel`, k.read(b.dw));
      grads.set(`conv3d_${l + 1}/bias`, k.read(b.db));
    }
    return { loss, grads, bn };
  }

  async step(x: Float32Array, labels: readonly number[], classWeights: [number, number], dropoutSeed: number): Promise<number> {
    const { loss, grads, bn } = await this.gradients(x, labels, classWeights, dropoutSeed);
    this.adam.apply(
      this.trainable.map((n) => this.get(n)),
      this.trainable.map((n) => grads.get(n)!),
    );
    bn.forEach((st, l) => bnUpdateMoving(this.get(`batch_normalization_${l + 1}/moving_mean`), this.get(`batch_normalization_${l + 1}/moving_variance`), st));
    this.uploadConvWeights();
    return loss;
  }

  async logits(x: Float32Array, n: number): Promise<number[][]> {
    const out: number[][] = [];
    for (let s0 = 0; s0 < n; s0 += this.o.maxBatch) {
      const m = Math.min(this.o.maxBatch, n - s0);
      const len = this.x[0]!.length;
      this.loadInputs(x.subarray(s0 * len, (s0 + m) * len), m);
      let h = (await this.features(m, false)).flat;
      [1, 2, 3].forEach((l) => {
        h = denseForward(h, this.get(`dense_${l}/kernel`), this.get(`dense_${l}/bias`), m, l < 3);
      });
      for (let s = 0; s < m; s++) out.push([h[2 * s]!, h[2 * s + 1]!]);
    }
    return out;
  }

  /**
   * graph.ts recalibrateBatchNorm on these kernels: layer by layer, each BN layer's moving mean and
   * (Bessel-corrected) variance become the population statistics of its input over the samples,
   * with the layers before it in inference mode on their already recalibrated statistics.
   */
  async recalibrateBatchNorm(batches: () => Iterable<SampleBatch>): Promise<void> {
    for (let l = 0; l < this.blocks.length; l++) {
      const b = this.blocks[l]!;
      const c = b.cout;
      const sum = new Float64Array(c),
        sq = new Float64Array(c);
      let count = 0;
      for (const { x, n } of batches()) {
        this.loadInputs(x, n);
        await this.runBlocks(n, false, l + 1);
        for (let s = 0; s < n; s++) {
          const v = this.k.view(b.pooled[s]!);
          const per = v.length / c;
          for (let ch = 0; ch < c; ch++)
            for (let i = ch * per; i < (ch + 1) * per; i++) {
              sum[ch] += v[i]!;
              sq[ch] += v[i]! * v[i]!;
            }
          count += per;
        }
      }
      const mean = Array.from(sum, (v) => v / count);
      const name = `batch_normalization_${l + 1}`;
      this.get(`${name}/moving_mean`).set(mean);
      this.get(`${name}/moving_variance`).set(Array.from(sq, (v, ch) => (v / count - mean[ch]! ** 2) * (count / (count - 1))));
    }
  }

  async weights(): Promise<NamedWeight[]> {
    return this.order.map((name) => ({ name, shape: this.shapes.get(name)!.slice(), data: this.get(name).slice() }));
  }

  setWeights(ws: readonly NamedWeight[]): void {
    for (const v of ws) {
      const dst = this.get(v.name);
      if (dst.length !== v.data.length) throw new Error(`weight ${v.name}: size ${v.data.length} != ${dst.length}`);
      dst.set(v.data);
    }
    this.uploadConvWeights();
  }

  async optimizerState(): Promise<NamedWeight[]> {
    return this.adam.state();
  }
  async setOptimizerState(s: readonly NamedWeight[]): Promise<void> {
    this.adam.setState(s);
  }

  dispose(): void {
    // The kernels' memory goes with the WasmKernels instance; nothing else is held.
  }
}
