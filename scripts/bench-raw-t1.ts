/**
 * Speed and memory of the raw-T1 stage on one thread in Node: a simulated raw T1 (1.1 x 1.25 x
 * 1.4 mm, about 5.5 M voxels) and Colin27 (1.5 mm), seconds per step and the process's peak
 * resident memory (sampled at every progress report). `--json` prints one JSON line (bench-all).
 * Run: npx tsx scripts/bench-raw-t1.ts [--json]
 */
import { readNifti } from '../src/core/nifti';
import { preprocessT1, PREPROCESS_STEPS } from '../src/core/preprocess';
import { loadPreprocessTemplatesNode } from '../src/cli/preprocessAssetsNode';
import { loadSimulatorAssetsNode } from '../src/training/node/rawT1Assets';
import { simulateRawT1 } from '../src/training/rawT1Sim';

const json = process.argv.includes('--json');
const templates = loadPreprocessTemplatesNode();
const sim = simulateRawT1(loadSimulatorAssetsNode(), { seed: 31337, severity: 0.3 });
const image = readNifti(sim.bytes);
let peak = process.memoryUsage().rss;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const t0 = performance.now();
const out = await preprocessT1(image.volume, { templates, header: image.header, onProgress: sample });
const total = (performance.now() - t0) / 1000;
sample();
const row = {
  scan: `simulated raw T1 ${image.volume.dims.join('x')} (${image.header.voxelSize.map((x) => x.toFixed(2)).join(' x ')} mm)`,
  total_s: Number(total.toFixed(2)),
  seconds: Object.fromEntries(PREPROCESS_STEPS.map((s) => [s, Number(out.seconds[s].toFixed(2))])),
  peak_rss_mib: Math.round(peak / 2 ** 20),
  verdict: out.qc.verdict,
};
if (json) process.stdout.write(JSON.stringify(row) + '\n');
else {
  process.stdout.write(`raw-T1 stage, 1 thread, node ${process.version}: ${row.scan}\n`);
  process.stdout.write(
    `  ${PREPROCESS_STEPS.map((s) => `${s} ${row.seconds[s]} s`).join(', ')}; total ${row.total_s} s; peak RSS ${row.peak_rss_mib} MiB; QC ${row.verdict}\n`,
  );
}
