/**
 * `npm run bench [-- --runs N]`: the bench command for every engine available in Node — tfjs cpu,
 * tfjs wasm, wasm-simd on one thread and on 2 threads — each in its own process (no engine
 * warms another's caches), then one table of medians.
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
const body = rows.map((r) => [r.backend, String(r.threads), ...[r.median_ms.load, r.median_ms.preprocess, r.median_ms.forward, r.median_ms.paper].map((v) => `${v} ms`), r.arena_peak_mib?.toFixed(1) ?? '-']);
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
const fmt = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
process.stdout.write(`medians of ${rows[0]?.runs ?? '?'} runs after a warm-up (node ${process.version})\n${fmt(head)}\n${body.map(fmt).join('\n')}\n`);
if (rows.length < configs.length) process.exitCode = 1;
