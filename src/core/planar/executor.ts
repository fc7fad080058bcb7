/**
 * The planar executor: the model's forward pass and any composite's backward pass on the wasm
 * kernels, over the buffers of a PlanarPlan (nothing allocated per call but the returned map).
 * It implements ModelExecutor (src/core/lrp/executor.ts), so explain() uses it for every
 * method whose rules it covers and falls back to tfjs otherwise.
 */
import type { F32Buf, WasmKernels } from '../kernels/wasm/index';
import { ndhwcToPlanar, planarToNdhwc } from '../kernels/wasm/layout';
import type { KernelThreads } from '../kernels/wasm/threads';
import type { Composite } from '../lrp/composites';
import type { ExecutorRelevance, ExecutorRunOptions, ModelExecutor } from '../lrp/executor';
import { InputError } from '../errors';
import type { Model } from '../model/types';
import { convLinear, denseLinear, DenseSlots, type ConvRunner, type LinearExec } from './linear';
import { buildPlan, type PlanarPlan } from './plan';
import { applyPlanarRule, unsupportedRule } from './rules';

export interface PlanarExecutorOptions {
  /** Split convolutions over these workers (the kernels must be the simd-threads build they share). */
  threads?: KernelThreads;
}

export class PlanarExecutor implements ModelExecutor {
  readonly id: string;
  readonly plan: PlanarPlan;
  private readonly linears: Array<LinearExec | null>;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly model: Model,
    readonly kernels: WasmKernels,
    private readonly opts: PlanarExecutorOptions = {},
  ) {
    if (opts.threads && opts.threads.kernels !== kernels) throw new Error('the kernel threads must share these kernels');
    const runner: ConvRunner = opts.threads ?? kernels;
    this.plan = buildPlan(kernels, model);
    const slots = new DenseSlots(kernels, this.plan.scratch);
    this.linears = this.plan.layers.map((p, i) =>
      p.kind === 'conv3d'
        ? convLinear(kernels, runner, p, this.plan.scratch)
        : p.kind === 'dense'
          ? denseLinear(kernels, p, i, this.plan.scratch, slots)
          : null,
    );
    const name = kernels.variant === 'scalar' ? 'wasm-scalar' : 'wasm-simd';
    this.id = opts.threads ? `${name}, ${opts.threads.threads} threads` : name;
  }

  /** Bytes of kernel memory the plan holds (arena peak) and of the whole wasm memory. */
  get arenaPeakBytes(): number {
    return this.kernels.peakBytes;
  }
  get memoryBytes(): number {
    return this.kernels.memoryBytes;
  }

  unsupported(composite: Composite): string | null {
    const { model, layers, acts } = this.plan;
    for (let i = 0; i < layers.length; i++) {
      const rule = composite.ruleFor(model.layers[i]!, i, model);
      const why = unsupportedRule(rule.spec, layers[i]!, acts[i]!.buf.length, acts[i + 1]!.buf.length);
      if (why) return `rule ${rule.id} on layer ${model.layers[i]!.name}: ${why}`;
    }
    return null;
  }

  predict(input: Float32Array, opts: ExecutorRunOptions = {}): Promise<number[]> {
    return this.exclusive(() => this.forward(input, opts));
  }

  relevance(input: Float32Array, composite: Composite, neuron: number, opts: ExecutorRunOptions = {}): Promise<ExecutorRelevance> {
    const why = this.unsupported(composite);
    if (why) return Promise.reject(new Error(`The ${this.id} engine cannot run ${composite.id}: ${why}.`));
    return this.exclusive(async () => {
      const t0 = performance.now();
      const logits = await this.forward(input, opts);
      const t1 = performance.now();
      const relevance = await this.backward(composite, neuron, logits, opts);
      return { logits, relevance, forward_ms: t1 - t0, backward_ms: performance.now() - t1 };
    });
  }

  dispose(): void {
    this.disposed = true;
    this.opts.threads?.terminate();
  }

  /** One call at a time: the buffers are shared. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('the planar executor was disposed'));
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async forward(input: Float32Array, opts: ExecutorRunOptions): Promise<number[]> {
    const { model, layers, acts } = this.plan;
    const k = this.kernels;
    const [D, H, W, C] = model.inputShape;
    if (!(input instanceof Float32Array) || input.length !== D * H * W * C) {
      throw new InputError(`The model input has ${input.length} values but the model "${model.name}" needs ${D}x${H}x${W}x${C} = ${D * H * W * C}.`);
    }
    ndhwcToPlanar(input, D, H, W, C, k.view(acts[0]!.buf));
    const n = layers.length;
    for (let i = 0; i < n; i++) {
      const p = layers[i]!;
      const x = acts[i]!,
        y = acts[i + 1]!;
      switch (p.kind) {
        case 'conv3d':
          k.pad3d(x.buf, this.plan.scratch.pad, p.cin, p.shape);
          await (this.opts.threads ?? k).conv3dPadded(this.plan.scratch.pad, y.buf, p.fwd.all, p.bias, p.shape, p.relu);
          break;
        case 'maxPool3d':
          k.maxpool3d(x.buf, y.buf, p.argmax, p.channels, p.shape);
          break;
        case 'batchNorm':
          k.bnAffine(x.buf, y.buf, p.scale, p.offset, p.channels);
          break;
        case 'dense':
          k.denseForward(x.buf, p.w, p.bias, p.z, false);
          if (p.relu) k.pos(p.z, y.buf);
          break;
        case 'activation':
          if (p.relu) k.pos(x.buf, y.buf);
          break;
        case 'flatten':
        case 'dropout':
          break;
      }
      await this.step(opts, 'forward', i + 1, n, model.layers[i]!.name, p.kind === 'conv3d');
    }
    return Array.from(k.view(acts[n]!.buf));
  }

  private async backward(composite: Composite, neuron: number, logits: number[], opts: ExecutorRunOptions): Promise<Float32Array> {
    const { model, layers, acts, scratch } = this.plan;
    const k = this.kernels;
    const n = layers.length;
    let R: F32Buf = k.sub(scratch.rA, 0, model.outputs);
    k.fill(R, 0);
    k.view(R)[neuron] = composite.start === 'logit' ? logits[neuron]! : 1;
    for (let i = n - 1; i >= 0; i--) {
      const layer = model.layers[i]!;
      const rule = composite.ruleFor(layer, i, model);
      const input = acts[i]!,
        output = acts[i + 1]!;
      // Write into whichever ping-pong buffer does not hold R.
      const other = R.ptr >= scratch.rB.ptr && R.ptr < scratch.rB.ptr + scratch.rB.length * 4 ? scratch.rA : scratch.rB;
      const dest = k.sub(other, 0, input.buf.length);
      R = await applyPlanarRule(rule.spec!, { k, plan: layers[i]!, linear: this.linears[i]!, input, output, relevance: R, dest, scratch });
      if (R.length !== input.buf.length) R = k.sub(R, 0, input.buf.length); // pass-through across a reshape
      await this.step(opts, 'backward', n - i, n, layer.name, layers[i]!.kind === 'conv3d');
    }
    const [D, H, W, C] = model.inputShape;
    return planarToNdhwc(k.view(R), D, H, W, C);
  }

  /**
   * Progress after every layer; a turn of the event loop (for cancel messages) only after the
   * heavy layers and only when someone listens: setTimeout(0) costs 1-4 ms, as much as a layer.
   */
  private async step(opts: ExecutorRunOptions, stage: 'forward' | 'backward', done: number, total: number, layer: string, heavy: boolean): Promise<void> {
    opts.onProgress?.({ stage, done, total, layer });
    if ((opts.signal || opts.onProgress) && (heavy || done === total)) await yieldToEventLoop();
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
  }
}

/** A macrotask turn without setTimeout's clamping (MessageChannel in browsers and Node). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}
