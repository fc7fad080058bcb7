/**
 * One-off check (needs paper-size Keras files, which tests cannot make without Python):
 * each .h5 in <dir>, dropped on the built app (headless Chromium, wasm-simd), gives the same
 * AD probability on a demo case as the CLI's path (convert in Node, then the pipeline).
 *   /usr/bin/python3 ../shared/tools/make_keras224_like_h5.py --out /tmp/h5paper --size paper
 *   npm run build && npx tsx scripts/check-paper-size-h5-browser.ts /tmp/h5paper
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download } from 'playwright-core';
import { resolveModel } from '../src/cli/loadModelNode';
import { startEngineNode } from '../src/cli/wasmEngineNode';
import { runPipeline } from '../src/core/pipeline';
import { DIST, launchBrowser, ROOT } from '../test/browser/harness';
import { serveStatic } from '../test/browser/staticServer';

const dir = process.argv[2] ?? '/tmp/h5paper';
const CASE = 'demo-03-AD';
const scan = readFileSync(join(ROOT, 'public', 'demo', `${CASE}.nii.gz`));
const files = readdirSync(dir).filter((f) => /^keras224_paper.*\.h5$/.test(f));

const engine = await startEngineNode('wasm-simd');
const server = await serveStatic(DIST);
const browser = await launchBrowser();
try {
  for (const file of files) {
    const { model } = await resolveModel(join(dir, file));
    const executor = await engine.executorFor(model);
    const node = await runPipeline(scan, { model, method: 'paper', executor });
    executor?.dispose();
    model.dispose();

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?backend=wasm-simd`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=demo-select] option').length > 1);
    const b64 = readFileSync(join(dir, file)).toString('base64');
    await page.getByTestId('drop-zone').evaluate(
      (zone, [name, data]) => {
        const bin = atob(data);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [file, b64] as const,
    );
    await page.getByTestId('imported-model').first().waitFor({ timeout: 120_000 });
    await page.getByTestId('demo-select').selectOption(CASE);
    await page.getByTestId('prediction').waitFor({ timeout: 120_000 });
    const [d] = (await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()])) as [Download, unknown];
    const report = JSON.parse(readFileSync((await d.path())!, 'utf8')) as { model: string; prediction: { probabilityAD: number; logits: number[] } };
    const dLogit = Math.max(...node.logits.map((l, i) => Math.abs(l - report.prediction.logits[i]!)));
    process.stdout.write(
      JSON.stringify({ file, model: report.model, node_logits: node.logits, browser_logits: report.prediction.logits, max_logit_diff: dLogit }) + '\n',
    );
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
