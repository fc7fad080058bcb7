/** Prints the time of one training step (batch from argv[2], default 2) and of one inference forward pass. */
import * as tf from '@tensorflow/tfjs';
import { createGraph, forwardGraph, weightedLoss, updateMovingStats, type ForwardResult } from '../src/training/graph';
const B = Number(process.argv[2] ?? 2);
const fused = process.argv[3] !== 'unfused';
await tf.setBackend('cpu');
const g = createGraph(1);
const opt = tf.train.adam(1e-3);
const x = tf.randomUniform([B, 100, 100, 120, 1]) as tf.Tensor5D;
const y = tf.tensor1d(Array.from({ length: B }, (_, i) => i % 2));
for (let it = 0; it < 3; it++) {
  const t0 = Date.now();
  let stats: ForwardResult['bnStats'] = [];
  const cost = opt.minimize(
    () => {
      const r = forwardGraph(g, x, true, it, fused);
      stats = r.bnStats.map((s) => ({ mean: tf.keep(s.mean), variance: tf.keep(s.variance), count: s.count }));
      return weightedLoss(r.logits, y, [1, 1]);
    },
    true,
    [...g.trainable.values()],
  );
  updateMovingStats(g, stats);
  stats.forEach((s) => {
    s.mean.dispose();
    s.variance.dispose();
  });
  console.log(`batch ${B} step ${Date.now() - t0} ms loss ${cost!.dataSync()[0]} tensors ${tf.memory().numTensors}`);
  cost!.dispose();
}
const t0 = Date.now();
tf.tidy(() => forwardGraph(g, x, false, 0, fused).logits.dataSync());
console.log(`forward (inference mode) ${Date.now() - t0} ms`);
