/**
 * Figures of a batch run: subjects per hour per core at the participant level (GM-map input,
 * wasm-simd, 1 thread), peak memory of a task, the group level's time, and the HTML report's size
 * and load time in headless Chromium — for this cohort and for a 1655-subject table (the paper's
 * N; its rows drawn at random, the maps of this run).
 *   npx tsx scripts/bench-cohort.ts [subjects=8]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupSummary } from '../src/core/cohort/group';
import { reportHtml } from '../src/core/cohort/report';
import { mulberry32 } from '../src/core/random';
import { launchBrowser, ROOT } from '../test/browser/harness';
import { makeBidsCohort } from '../test/helpers/bidsCohort';

const n = Number(process.argv[2] ?? 8);
const tmp = mkdtempSync(join(tmpdir(), 'rv-bench-cohort-'));
const bids = join(tmp, 'bids'),
  out = join(tmp, 'out');
makeBidsCohort(bids, n, 3);
const cli = (...args: string[]) => {
  const t0 = performance.now();
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return (performance.now() - t0) / 1000;
};
const participantSeconds = cli('batch', bids, out, 'participant');
const task = JSON.parse(readFileSync(join(out, 'logs', 'task-0of1.json'), 'utf8'));
const groupSeconds = cli('batch', bids, out, 'group');
const report = join(out, 'group', 'report.html');

// The same page for the paper's N: this run's maps and subjects, plus rows drawn at random.
const html = readFileSync(report, 'utf8');
const random = mulberry32(1);
const groups = ['CN', 'MCI', 'AD'];
const rows = Array.from({ length: 1655 }, (_, i) => ({
  key: `sub-${i}`,
  group: groups[i % 3]!,
  probability: random(),
  hippocampusRelevance: random(),
  hippocampalVolume: 5 + 4 * random(),
  inputKind: 'gm-map',
  verdict: 'analyze',
}));
const images = [...html.matchAll(/<figure><figcaption>([^<]*) — <a href="([^"]+)">[^<]*<\/a><\/figcaption>\n((?:<img [^>]+>)+)<\/figure>/g)].map((m) => ({
  label: m[1]!,
  file: m[2]!,
  slices: [...m[3]!.matchAll(/alt="[^"]*, (\w+)" src="data:image\/png;base64,([^"]+)"/g)].map((s) => ({
    plane: s[1]!,
    png: new Uint8Array(Buffer.from(s[2]!, 'base64')),
  })),
}));
const large = join(tmp, 'report-1655.html');
writeFileSync(
  large,
  reportHtml({
    title: 'Relevance of 1655 subjects: group report',
    version: 'bench',
    model: { id: 'demo', sha256: '0'.repeat(64), disclaimer: 'Demonstration model.' },
    method: 'paper',
    engine: 'wasm-simd',
    summary: groupSummary(rows),
    rows,
    failures: [],
    missing: [],
    maps: images,
  }),
);

const browser = await launchBrowser();
const loadMs = async (path: string) => {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage();
    await page.goto(`file://${path}`, { waitUntil: 'load' });
    times.push(
      await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return nav.loadEventEnd - nav.startTime;
      }),
    );
    await page.close();
  }
  return Math.round(times.sort((a, b) => a - b)[1]!);
};
const figures = {
  subjects: n,
  seconds_per_subject: +task.secondsPerSubject.toFixed(2),
  task_startup_seconds: +task.startupSeconds.toFixed(1),
  gm_map_subjects_per_hour_per_core: Math.round(3600 / task.secondsPerSubject),
  participant_wall_seconds: +participantSeconds.toFixed(1),
  task_peak_rss_mb: task.peakRssMb,
  group_level_seconds: +groupSeconds.toFixed(1),
  report_bytes: statSync(report).size,
  report_load_ms: await loadMs(report),
  report_1655_bytes: statSync(large).size,
  report_1655_load_ms: await loadMs(large),
};
await browser.close();
process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
rmSync(tmp, { recursive: true, force: true });
