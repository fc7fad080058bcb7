/**
 * Speed of the hand-written wasm kernels at the model's full size, SIMD vs
 * scalar, one thread; then a whole forward pass composed of them (random
 * weights) and forward + the passes LRP preset A needs.
 * Run: npx tsx scripts/bench-kernels.ts [--reps N] [--variant simd|scalar|simd-threads] [--workers N]
 */
import {
  type ConvAlphaBetaPlan,
  type ConvWeightsBuf,
  type F32Buf,
  type I32Buf,
  type KernelVariant,
  type Shape3,
  type WasmKernels,
} from '../src/core/kernels/wasm/index';
import { paddedFloats } from '../src/core/kernels/wasm/layout';
import { availableParallelism } from 'node:os';
import { startKernelThreads, type KernelThreads } from '../src/core/kernels/wasm/threads';
import { spawnNodeKernelWorker } from '../test/helpers/kernel-worker-node';
import { loadNodeKernels } from '../test/helpers/wasm-kernels-node';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] ?? 0) || 5;
const only = args.includes('--variant') ? [args[args.indexOf('--variant') + 1] as KernelVariant] : (['simd', 'scalar', 'simd-threads'] as const);
/** Workers besides the calling thread for the simd-threads variant (default: cores - 1). */
const workers = args.includes('--workers') ? Number(args[args.indexOf('--workers') + 1]) : Math.max(1, availableParallelism() - 1);

function random(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return a;
}

/**
 * Fastest wall time (ms) of fn over reps runs, after one warm-up run (first
 * touch of pages). The minimum, not the median: the machine is shared, and
 * other processes only ever add time.
 */
async function time(fn: () => void | Promise<void>): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return Math.min(...t);
}

const S0: Shape3 = { d: 100, h: 100, w: 120 };
const S1: Shape3 = { d: 50, h: 50, w: 60 };
const S2: Shape3 = { d: 25, h: 25, w: 30 };
const S3: Shape3 = { d: 12, h: 12, w: 15 };
const C = 5;
const vol = (s: Shape3): number => s.d * s.h * s.w;

interface ConvLayer {
  cin: number;
  shape: Shape3;
  w: ConvWeightsBuf;
  bias: F32Buf;
  pad: F32Buf;
  act: F32Buf; // conv + ReLU output
  pooled: F32Buf;
  argmax: I32Buf;
  bnScale: F32Buf;
  bnShift: F32Buf;
  out: F32Buf; // BN output
  lrp: ConvAlphaBetaPlan;
  bnK: F32Buf;
  bnB: F32Buf;
  rAct: F32Buf; // relevance at conv output
  rPooled: F32Buf; // relevance at pool output
  rIn: F32Buf; // relevance at conv input
}
interface DenseLayer {
  w: F32Buf;
  b: F32Buf;
  z: F32Buf; // pre-activation
  a: F32Buf; // after ReLU (or the logits)
  relu: boolean;
  s: F32Buf;
  g: F32Buf;
  rIn: F32Buf;
}

function buildModel(k: WasmKernels) {
  const input = k.upload(random(vol(S0), 1));
  const shapes = [S0, S1, S2];
  let firstPlan: ConvAlphaBetaPlan | undefined; // the largest: later layers share its scratch
  const convs: ConvLayer[] = shapes.map((shape, l) => {
    const cin = l === 0 ? 1 : C;
    const kernel = random(27 * cin * C, 10 + l, 0.3);
    const bias = random(C, 20 + l, 0.05);
    const pooledShape = shapes[l + 1] ?? S3;
    const np = C * vol(pooledShape);
    const plan = k.planConvAlpha1Beta0(kernel, bias, cin, C, shape, firstPlan ?? {});
    firstPlan ??= plan;
    return {
      cin,
      shape,
      w: k.uploadConvWeights(kernel, cin, C),
      bias: k.upload(bias),
      pad: k.allocF32(paddedFloats(cin, shape.d, shape.h, shape.w)),
      act: k.allocF32(C * vol(shape)),
      pooled: k.allocF32(np),
      argmax: k.allocI32(np),
      bnScale: k.upload(random(C, 30 + l, 1)),
      bnShift: k.upload(random(C, 40 + l, 0.1)),
      out: k.allocF32(np),
      lrp: plan,
      bnK: k.upload(random(C, 50 + l, 1)),
      bnB: k.upload(random(C, 60 + l, 0.1)),
      rAct: k.allocF32(C * vol(shape)),
      rPooled: k.allocF32(np),
      rIn: k.allocF32(cin * vol(shape)),
    };
  });
  const sizes = [C * vol(S3), 64, 32, 2];
  const dense: DenseLayer[] = [0, 1, 2].map((l) => ({
    w: k.upload(random(sizes[l]! * sizes[l + 1]!, 70 + l, 1 / Math.sqrt(sizes[l]!))),
    b: k.upload(random(sizes[l + 1]!, 80 + l, 0.01)),
    z: k.allocF32(sizes[l + 1]!),
    a: k.allocF32(sizes[l + 1]!),
    relu: l < 2,
    s: k.allocF32(sizes[l + 1]!),
    g: k.allocF32(sizes[l]!),
    rIn: k.allocF32(sizes[l]!),
  }));
  const rOut = k.allocF32(2);
  k.prefault();
  return { input, convs, dense, rOut };
}

type Model = ReturnType<typeof buildModel>;

/** The convolution-heavy calls, single-threaded or split over workers. */
interface Exec {
  conv3dPadded(padded: F32Buf, out: F32Buf, w: ConvWeightsBuf, bias: F32Buf | null, s: Shape3, relu: boolean): void | Promise<void>;
  convAlpha1Beta0(p: ConvAlphaBetaPlan, a: F32Buf, r: F32Buf, rin: F32Buf): void | Promise<void>;
}

async function forward(k: WasmKernels, m: Model, ex: Exec = k): Promise<void> {
  let x = m.input;
  for (const L of m.convs) {
    k.pad3d(x, L.pad, L.cin, L.shape);
    await ex.conv3dPadded(L.pad, L.act, L.w, L.bias, L.shape, true);
    k.maxpool3d(L.act, L.pooled, L.argmax, C, L.shape);
    k.bnAffine(L.pooled, L.out, L.bnScale, L.bnShift, C);
    x = L.out;
  }
  for (const D of m.dense) {
    k.denseForward(x, D.w, D.b, D.z, false);
    if (D.relu) k.pos(D.z, D.a);
    x = D.relu ? D.a : D.z;
  }
}

/** Preset A backward (docs/lrp.md): epsilon on dense, BN alpha-beta surrogate, pool routing, conv alpha1-beta0. */
async function lrpPresetA(k: WasmKernels, m: Model, ex: Exec = k): Promise<void> {
  const logits = k.view(m.dense[2]!.z);
  k.view(m.rOut).set([0, logits[1]!]);
  let r = m.rOut;
  for (let l = 2; l >= 0; l--) {
    const D = m.dense[l]!;
    const a = l === 0 ? m.convs[2]!.out : m.dense[l - 1]!.a;
    k.epsDiv(r, D.z, D.s, 1e-10);
    k.denseTranspose(D.s, D.w, D.g);
    k.mul(a, D.g, D.rIn);
    r = D.rIn;
  }
  for (let l = 2; l >= 0; l--) {
    const L = m.convs[l]!;
    k.lrpBnAlphaBeta(L.pooled, r, L.rPooled, L.bnK, L.bnB, C);
    k.maxpool3dRoute(L.rPooled, L.argmax, L.rAct);
    const a = l === 0 ? m.input : m.convs[l - 1]!.out;
    await ex.convAlpha1Beta0(L.lrp, a, L.rAct, L.rIn);
    r = L.rIn;
  }
}

async function bench(k: WasmKernels, pool: KernelThreads | null): Promise<void> {
  const m = buildModel(k);
  const row = async (name: string, ms: number | Promise<number>) => console.log(`  ${name.padEnd(44)} ${(await ms).toFixed(1).padStart(8)} ms`);
  const [L0, L1, L2] = m.convs as [ConvLayer, ConvLayer, ConvLayer];
  // The very first pass after load: compiled code but no warm-up; pages prefaulted by buildModel.
  const t0 = performance.now();
  await forward(k, m);
  await lrpPresetA(k, m);
  await row('first FORWARD + LRP preset A after load', performance.now() - t0);
  // Per-kernel figures at the sizes the model uses.
  await row(
    'pad3d 1ch 100x100x120',
    time(() => k.pad3d(m.input, L0.pad, 1, S0)),
  );
  await row(
    'conv3d 1->5 100x100x120 +ReLU (padded)',
    time(() => k.conv3dPadded(L0.pad, L0.act, L0.w, L0.bias, S0, true)),
  );
  const w55 = k.uploadConvWeights(random(27 * 25, 5, 0.3), 5, 5);
  const pad5 = L0.lrp.padOut;
  k.pad3d(L0.act, pad5, 5, S0);
  await row(
    'conv3d 5->5 100x100x120 (padded)',
    time(() => k.conv3dPadded(pad5, L0.lrp.z, w55, null, S0, false)),
  );
  const wT = k.uploadConvWeights(random(27 * 5, 6, 0.3), 1, 5, { direction: 'transpose', part: 'all' });
  await row(
    'transposed conv3d 5->1 100x100x120 (padded)',
    time(() => k.conv3dPadded(pad5, L0.rIn, wT, null, S0, false)),
  );
  await row(
    'conv3d 5->5 50x50x60 +ReLU (pad + conv)',
    time(() => k.conv3d(L0.out, L1.act, L1.w, L1.bias, S1, true, L1.pad)),
  );
  await row(
    'conv3d 5->5 25x25x30 +ReLU (pad + conv)',
    time(() => k.conv3d(L1.out, L2.act, L2.w, L2.bias, S2, true, L2.pad)),
  );
  await row(
    'maxpool3d 5ch 100x100x120 (argmax)',
    time(() => k.maxpool3d(L0.act, L0.pooled, L0.argmax, C, S0)),
  );
  await row(
    'maxpool route 5ch 100x100x120',
    time(() => k.maxpool3dRoute(L0.pooled, L0.argmax, L0.rAct)),
  );
  await row(
    'BN affine 5ch 50x50x60',
    time(() => k.bnAffine(L0.pooled, L0.out, L0.bnScale, L0.bnShift, C)),
  );
  await row(
    'safe divide 5ch 100x100x120',
    time(() => k.safeDiv(L0.rAct, L0.act, L0.lrp.z)),
  );
  await row(
    'dense 10800->64',
    time(() => k.denseForward(L2.out, m.dense[0]!.w, m.dense[0]!.b, m.dense[0]!.z, false)),
  );
  await row(
    'dense transpose 64->10800',
    time(() => k.denseTranspose(m.dense[0]!.s, m.dense[0]!.w, m.dense[0]!.g)),
  );
  k.view(L0.rAct).set(random(L0.rAct.length, 7));
  await row(
    'alpha1-beta0 step conv1 (1<-5, 100x100x120)',
    time(() => k.convAlpha1Beta0(L0.lrp, m.input, L0.rAct, L0.rIn)),
  );
  await row(
    'alpha1-beta0 step conv2 (5<-5, 50x50x60)',
    time(() => k.convAlpha1Beta0(L1.lrp, L0.out, L1.rAct, L1.rIn)),
  );
  await row(
    'alpha1-beta0 step conv3 (5<-5, 25x25x30)',
    time(() => k.convAlpha1Beta0(L2.lrp, L1.out, L2.rAct, L2.rIn)),
  );
  // Whole passes.
  await row(
    'FORWARD (conv+relu, pool, BN) x3, dense x3',
    time(() => forward(k, m)),
  );
  await row(
    'FORWARD + LRP preset A',
    time(async () => {
      await forward(k, m);
      await lrpPresetA(k, m);
    }),
  );
  if (pool) {
    const tag = `${pool.threads} threads`;
    await row(
      `FORWARD, convs on ${tag}`,
      time(() => forward(k, m, pool)),
    );
    await row(
      `FORWARD + LRP preset A, convs on ${tag}`,
      time(async () => {
        await forward(k, m, pool);
        await lrpPresetA(k, m, pool);
      }),
    );
  }
  const logits = k.view(m.dense[2]!.z);
  console.log(`  logits ${logits[0]!.toFixed(4)} ${logits[1]!.toFixed(4)}; relevance sum ${sum(k.view(L0.rIn)).toExponential(3)}`);
  console.log(`  arena peak ${(k.peakBytes / 2 ** 20).toFixed(1)} MiB, memory ${(k.memoryBytes / 2 ** 20).toFixed(1)} MiB`);
}

function sum(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

for (const variant of only) {
  const k = await loadNodeKernels(variant, { arenaBytes: 400 << 20 });
  const pool = variant === 'simd-threads' ? await startKernelThreads(k, spawnNodeKernelWorker, workers) : null;
  console.log(`${variant} build (best of ${reps} after a warm-up; one thread unless said; node ${process.version})`);
  await bench(k, pool);
  pool?.terminate();
}
