/**
 * `npm run bench [-- --runs N]`: the bench command for every engine available in Node — tfjs cpu,
 * tfjs wasm, wasm-simd on one thread and on 2 threads — each in its own process (no engine
 * warms another's caches), then one table of medians; then reading a 200-slice DICOM series
 * (scripts/bench-dicom.ts), the raw-T1 stage, one training step per training engine
 * (scripts/bench-train-step.ts) and a ten-fold ensemble (scripts/bench-ensemble.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult } from './commands/bench';
import { REPO_ROOT } from './repoRoot';

const passThrough = process.argv.slice(2);
const configs: Array<{ backend: string; threads: number }> = [
  { backend: 'cpu', threads: 1 },
  { backend: 'wasm', threads: 1 },
  { backend: 'wasm-simd', threads: 1 },
  { backend: 'wasm-simd', threads: 2 },
];

const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const rows: BenchResult[] = [];
for (const c of configs) {
  process.stderr.write(`bench ${c.backend}, ${c.threads} thread(s)...\n`);
  const args = [join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'bench', '--backend', c.backend, '--threads', String(c.threads), '--json', ...passThrough];
  const p = spawnSync(tsx, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = p.stdout.trim().split('\n').pop() ?? '';
  if (p.status !== 0 || !line.startsWith('{')) {
    process.stderr.write(`  failed (exit ${p.status}): ${p.stderr.trim().split('\n').pop() ?? ''}\n`);
    continue;
  }
  rows.push(JSON.parse(line) as BenchResult);
}

const head = ['backend', 'threads', 'load', 'preprocess', 'forward', 'forward+paper', 'arena MiB'];
const body = rows.map((r) => [
  r.backend,
  String(r.threads),
  ...[r.median_ms.load, r.median_ms.preprocess, r.median_ms.forward, r.median_ms.paper].map((v) => `${v} ms`),
  r.arena_peak_mib?.toFixed(1) ?? '-',
]);
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
const fmt = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
process.stdout.write(`medians of ${rows[0]?.runs ?? '?'} runs after a warm-up (node ${process.version})\n${fmt(head)}\n${body.map(fmt).join('\n')}\n`);
if (rows.length < configs.length) process.exitCode = 1;

// Reading a 200-slice DICOM series per transfer syntax (each in its own process, see the script).
process.stderr.write('bench DICOM reading (200 slices of 256 x 256)...\n');
const dicom = spawnSync(tsx, [join(REPO_ROOT, 'scripts', 'bench-dicom.ts')], { encoding: 'utf8', maxBuffer: 1 << 20 });
const dicomRows = dicom.stdout
  .trim()
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l) as Record<string, unknown>);
process.stdout.write(`\nDICOM read, ${dicomRows[0]?.slices ?? 200} slices of 256 x 256 (median):\n`);
for (const r of dicomRows) {
  const figure = r.median_ms !== undefined ? `${r.median_ms} ms, codec ${r.codec}, peak RSS +${r.peak_rss_added_mib} MiB` : String(r.skipped ?? r.error);
  process.stdout.write(`  ${String(r.encoding).padEnd(14)} ${figure}\n`);
}
if (dicom.status !== 0 || dicomRows.length === 0) process.exitCode = 1;

/** Runs one bench script in its own process and passes its table through; a failure fails the bench. */
function benchScript(what: string, script: string): void {
  process.stderr.write(`bench ${what}...\n`);
  const p = spawnSync(tsx, [join(REPO_ROOT, 'scripts', script)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (p.status === 0) process.stdout.write(`\n${p.stdout.trim()}\n`);
  else {
    process.stderr.write(`  ${what} failed (exit ${p.status}): ${p.stderr.trim().split('\n').pop() ?? ''}\n`);
    process.exitCode = 1;
  }
}

// Seconds per step and peak memory of the raw-T1 stage, one thread.
benchScript('raw-T1 stage', 'bench-raw-t1.ts');
// One training step of batch 4 on tfjs cpu and on the wasm training engine.
benchScript('training step', 'bench-train-step.ts');
// A fold ensemble of ten full-size stand-in folds.
benchScript('fold ensemble (10 stand-in folds)', 'bench-ensemble.ts');
