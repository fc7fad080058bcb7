/**
 * Drop -> overlay in headless Chromium, per tfjs backend: serves dist/ (run `npm run build` first),
 * opens the page with ?backend=<name>, picks a demo case and times until the prediction shows,
 * then reads the JS heap. Prints one JSON line per backend.
 *   npx tsx scripts/bench-browser.ts [webgl wasm cpu ...]
 */
import { DIST, launchBrowser } from '../test/browser/harness';
import { serveStatic } from '../test/browser/staticServer';

const backends = process.argv.slice(2).length ? process.argv.slice(2) : ['wasm-simd', 'wasm', 'webgl'];

const server = await serveStatic(DIST);
const browser = await launchBrowser(['--enable-precise-memory-info']);
try {
  for (const backend of backends) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?backend=${backend}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=demo-select] option').length > 1);
    const demo = await page.$eval('[data-testid=demo-select] option:nth-child(2)', (o) => (o as HTMLOptionElement).value);
    const t0 = Date.now();
    await page.getByTestId('demo-select').selectOption(demo);
    let result: Record<string, unknown>;
    try {
      await page.getByTestId('prediction').waitFor({ timeout: 300_000 });
      const ms = Date.now() - t0;
      const used = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
      const text = (await page.getByTestId('prediction').textContent())?.replace(/\s+/g, ' ').slice(0, 80);
      result = { backend, drop_to_overlay_ms: ms, page_js_heap_mb: Math.round(used / 2 ** 20), prediction: text };
    } catch (e) {
      const error = await page
        .getByTestId('error')
        .textContent()
        .catch(() => null);
      result = { backend, error: error ?? String(e).split('\n')[0] };
    }
    process.stdout.write(JSON.stringify(result) + '\n');
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
