/**
 * Multi-threaded convolutions for the 'simd-threads' kernels: the output
 * depth is split into contiguous slices, one per worker plus one for the
 * calling thread, all on ONE shared WebAssembly.Memory. Every output voxel is
 * computed by the same code in the same order as single-threaded, so results
 * are bit-identical. Elementwise kernels stay single-threaded (memory-bound).
 *
 * Transport-neutral: the host spawns workers (browser: a module Worker running
 * kernel-worker.ts, needs crossOriginIsolated; Node: worker_threads) and adapts
 * them to KernelWorkerHandle; the worker side calls serveKernelWorker.
 */
import type { ConvAlphaBetaPlan, ConvWeightsBuf, F32Buf, Shape3, WasmKernels } from './index';

export type KernelWorkerRequest = { type: 'init'; module: WebAssembly.Module; memory: WebAssembly.Memory } | { type: 'conv'; id: number; args: number[] };
export type KernelWorkerReply = { type: 'ready' } | { type: 'done'; id: number } | { type: 'error'; id: number; message: string };

/** The main thread's view of one worker. */
export interface KernelWorkerHandle {
  post(msg: KernelWorkerRequest): void;
  onMessage(handler: (msg: KernelWorkerReply) => void): void;
  terminate(): void;
}
/** The worker's view of its parent. */
export interface KernelWorkerEndpoint {
  post(msg: KernelWorkerReply): void;
  onMessage(handler: (msg: KernelWorkerRequest) => void): void;
}

type RangeFn = (...args: number[]) => void;

/** Worker side: instantiate the module on the shared memory, then run conv slices on request. */
export function serveKernelWorker(ep: KernelWorkerEndpoint): void {
  let convRange: RangeFn | null = null;
  ep.onMessage((msg) => {
    if (msg.type === 'init') {
      void WebAssembly.instantiate(msg.module, { env: { memory: msg.memory } }).then((inst) => {
        convRange = inst.exports.conv3d_padded_range as RangeFn;
        ep.post({ type: 'ready' });
      });
      return;
    }
    try {
      if (!convRange) throw new Error('kernel worker used before init');
      convRange(...msg.args);
      ep.post({ type: 'done', id: msg.id });
    } catch (e) {
      ep.post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
    }
  });
}

/** Starts `workers` workers on k's shared memory (k must be the 'simd-threads' variant). */
export async function startKernelThreads(k: WasmKernels, spawn: () => KernelWorkerHandle, workers: number): Promise<KernelThreads> {
  if (k.variant !== 'simd-threads') throw new Error(`threads need the simd-threads kernels, not ${k.variant}`);
  const handles = Array.from({ length: workers }, spawn);
  const pool = new KernelThreads(k, handles);
  await Promise.all(
    handles.map(
      (h, i) =>
        new Promise<void>((resolve) => {
          pool.onReady[i] = resolve;
          h.post({ type: 'init', module: k.module, memory: k.memory });
        }),
    ),
  );
  return pool;
}

export class KernelThreads {
  /** @internal resolvers of the workers' 'ready' */
  readonly onReady: Array<() => void> = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(
    readonly kernels: WasmKernels,
    private readonly workers: KernelWorkerHandle[],
  ) {
    workers.forEach((w, i) =>
      w.onMessage((msg) => {
        if (msg.type === 'ready') return this.onReady[i]?.();
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.type === 'done') p?.resolve();
        else p?.reject(new Error(`kernel worker: ${msg.message}`));
      }),
    );
  }

  /** Threads in use, the calling thread included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** conv3dPadded split over the threads; same result bit for bit. */
  async conv3dPadded(padded: F32Buf, out: F32Buf, w: ConvWeightsBuf, bias: F32Buf | null, s: Shape3, relu: boolean): Promise<void> {
    const k = this.kernels;
    k.conv3dPaddedRange(padded, out, w, bias, s, relu, 0, 0); // validates every size, computes nothing
    const n = this.threads;
    const bounds = Array.from({ length: n + 1 }, (_, i) => Math.round((i * s.d) / n));
    const done = this.workers.map((worker, i) => {
      const id = this.nextId++;
      const args = [padded.ptr, out.ptr, w.buf.ptr, bias ? bias.ptr : 0, w.cin, w.cout, s.d, s.h, s.w, relu ? 1 : 0, bounds[i]!, bounds[i + 1]!];
      return new Promise<void>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.post({ type: 'conv', id, args });
      });
    });
    k.conv3dPaddedRange(padded, out, w, bias, s, relu, bounds[n - 1]!, bounds[n]!);
    await Promise.all(done);
  }

  /** WasmKernels.convAlpha1Beta0 with both convolutions threaded. */
  async convAlpha1Beta0(p: ConvAlphaBetaPlan, a: F32Buf, r: F32Buf, rin: F32Buf): Promise<void> {
    const k = this.kernels;
    const m = p.cin * p.shape.d * p.shape.h * p.shape.w;
    k.pad3dPosNeg(a, p.padIn, p.cin, p.shape);
    await this.conv3dPadded(p.padIn, p.z, p.wForward, p.bias, p.shape, false);
    k.pad3dSafeDiv(r, p.z, p.padOut, p.cout, p.shape);
    await this.conv3dPadded(p.padOut, p.grad, p.wBackward, null, p.shape, false);
    k.posnegMul(a, k.sub(p.grad, 0, m), k.sub(p.grad, m, m), rin);
  }

  terminate(): void {
    for (const w of this.workers) w.terminate();
    for (const p of this.pending.values()) p.reject(new Error('kernel threads terminated'));
    this.pending.clear();
  }
}
