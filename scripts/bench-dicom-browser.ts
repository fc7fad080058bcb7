/**
 * Reading a 200-slice DICOM series in headless Chromium: synthetic 256 x 256 x 200 series
 * (scripts/dicom-synth.ts) served to the built app (run `npm run build` first), dropped on the page
 * as 200 files; timed from the drop until the series list shows the series in use (files read by
 * the page, sent to the worker, parsed, decoded, written back as the scan); then the memory of
 * page and workers (performance.measureUserAgentSpecificMemory; the page is cross-origin isolated).
 * One JSON line per encoding.
 *   npx tsx scripts/bench-dicom-browser.ts [explicit-le jpeg-lossless jpeg-ls jpeg-2000]
 */
import { DIST, launchBrowser } from '../test/browser/harness';
import { serveStatic } from '../test/browser/staticServer';
import { syntheticSeries, type SynthEncoding } from './dicom-synth';

const encodings = (process.argv.slice(2).length ? process.argv.slice(2) : ['explicit-le', 'jpeg-lossless', 'jpeg-ls', 'jpeg-2000']) as SynthEncoding[];
const SLICES = 200;

const overrides: Record<string, Uint8Array> = {};
const names: Record<string, string[]> = {};
for (const e of encodings) {
  const files = await syntheticSeries({ slices: SLICES, rows: 256, cols: 256, encoding: e });
  names[e] = files.map((f) => `/bench/${e}/${f.name}`);
  for (const f of files) overrides[`/bench/${e}/${f.name}`] = f.bytes;
}

const server = await serveStatic(DIST, overrides);
const browser = await launchBrowser(['--enable-blink-features=ForceEagerMeasureMemory']);
try {
  for (const encoding of encodings) {
    if (names[encoding]!.length === 0) {
      process.stdout.write(JSON.stringify({ bench: 'dicom-read-browser', encoding, skipped: 'gdcmconv is not installed' }) + '\n');
      continue;
    }
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?backend=wasm-simd`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=demo-select] option').length > 1);
    await page.waitForTimeout(Number(process.env.RV_BENCH_SETTLE_MS ?? 3000)); // the worker's start-up (assets) is not part of reading
    await page.evaluate(async (paths) => {
      const dt = new DataTransfer();
      for (const p of paths) dt.items.add(new File([await (await fetch(p)).arrayBuffer()], p.split('/').pop()!));
      (window as unknown as { __t0: number }).__t0 = performance.now();
      document.querySelector('[data-testid=drop-zone]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, names[encoding]!);
    let result: Record<string, unknown>;
    try {
      const handle = await page.waitForFunction(
        () => document.querySelector('[data-testid=dicom-series][data-in-use=true]') && performance.now() - (window as unknown as { __t0: number }).__t0,
        undefined,
        { timeout: 300_000, polling: 'raf' },
      );
      const ms = Math.round(Number(await handle.jsonValue()));
      const bytes = await page.evaluate(async () => {
        const m = (performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
        return m ? (await m.call(performance)).bytes : -1;
      });
      result = {
        bench: 'dicom-read-browser',
        encoding,
        slices: SLICES,
        matrix: '256x256',
        drop_to_series_list_ms: ms,
        page_and_workers_mib: bytes >= 0 ? Math.round(bytes / 2 ** 20) : 'not measurable here',
      };
    } catch (e) {
      const error = await page
        .getByTestId('error')
        .textContent()
        .catch(() => null);
      result = { bench: 'dicom-read-browser', encoding, error: error ?? String(e).split('\n')[0] };
    }
    process.stdout.write(JSON.stringify(result) + '\n');
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
