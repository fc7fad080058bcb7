/**
 * The built app in headless Chromium: load a demo case, see the prediction and non-blank views,
 * move the threshold, recover from a bad file and a lost WebGL context, and never talk to
 * another origin. Screenshots of the main states go to SHOTS (docs/screenshots/ with RV_UPDATE_SCREENSHOTS=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng, pixelStats, type PixelStats } from './png';
import { buildAndServe, DIST, expectNoCspViolations, frames, launchBrowser, setSlider, SHOTS, waitForFrameAfter, watchCsp } from './harness';
import type { StaticServer } from './staticServer';

let browser: Browser;
let page: Page;
let server: StaticServer;
const requests: string[] = [];
const pageErrors: string[] = [];

async function viewStats(testId: string): Promise<PixelStats> {
  return pixelStats(decodePng(await page.getByTestId(testId).screenshot()));
}

beforeAll(async () => {
  server = await buildAndServe();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  await watchCsp(page);
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  mkdirSync(SHOTS, { recursive: true });
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('relevance-viewer in the browser', () => {
  it('shows the empty state with every control present', async () => {
    for (const id of [
      'file-input',
      'demo-select',
      'model-select',
      'method-select',
      'threshold',
      'transparency',
      'coords',
      'region',
      'view-axial',
      'view-coronal',
      'view-sagittal',
      'view-3d',
    ]) {
      await expect(page.getByTestId(id).count(), id).resolves.toBe(1);
    }
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=demo-select] option').length > 1);
    await page.screenshot({ path: join(SHOTS, 'empty.png') });
  });

  it('analyses a demo case: progress, then a prediction with the disclaimer, and non-blank views', async () => {
    await page.getByTestId('demo-select').selectOption('demo-03-AD');
    await page.getByTestId('progress').waitFor({ timeout: 30_000 });
    const prediction = page.getByTestId('prediction');
    await prediction.waitFor({ timeout: 120_000 });
    expect(await prediction.textContent()).toMatch(/\d+(\.\d)?%/);
    await expect(page.getByText('not a diagnostic device').count()).resolves.toBeGreaterThan(0);
    const n = await frames(page);
    await waitForFrameAfter(page, n - 1);
    for (const id of ['view-axial', 'view-coronal', 'view-sagittal', 'view-3d']) {
      const s = await viewStats(id);
      expect(s.lumaStd, `${id} luminance spread`).toBeGreaterThan(8);
      expect(s.litFraction, `${id} lit pixels`).toBeGreaterThan(0.03);
    }
    expect(await page.getByTestId('coords').textContent()).toMatch(/-?\d+\.\d, -?\d+\.\d, -?\d+\.\d/);
    await page.screenshot({ path: join(SHOTS, 'glass-brain.png') });
  });

  it('moves the crosshair with a click and updates the coordinates', async () => {
    const before = await page.getByTestId('coords').textContent();
    const box = (await page.getByTestId('view-axial').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.35, box.y + box.height * 0.4);
    await page.waitForFunction((b) => document.querySelector('[data-testid=coords]')?.textContent !== b, before);
    expect(await page.getByTestId('coords').textContent()).not.toBe(before);
  });

  it('moving the threshold changes the overlay pixels (a shader uniform: no re-analysis)', async () => {
    // over the three slice views: the demo model's evidence sits in the medial temporal lobe, which
    // one slice through the crosshair may barely cut
    const overlayFraction = async () => {
      const views = await Promise.all(['view-axial', 'view-coronal', 'view-sagittal'].map(viewStats));
      return views.reduce((a, v) => a + v.overlayFraction, 0) / views.length;
    };
    let n = await frames(page);
    await setSlider(page, 'threshold', 0.05);
    await waitForFrameAfter(page, n);
    const low = await overlayFraction();
    n = await frames(page);
    await setSlider(page, 'threshold', 0.95);
    await waitForFrameAfter(page, n);
    const high = await overlayFraction();
    console.log(`[figure] overlay fraction of the slice views at threshold 0.05: ${low.toFixed(4)}, at 0.95: ${high.toFixed(4)}`);
    expect(low).toBeGreaterThan(0.005);
    expect(high).toBeLessThan(low * 0.5);

    // Figure, not an assertion: time from a slider input to the next drawn frame.
    const times = await page.evaluate(async () => {
      const input = document.querySelector('[data-testid=threshold]') as HTMLInputElement;
      const canvas = document.querySelector('canvas')!;
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      const out: number[] = [];
      for (let r = 0; r < 6; r++) {
        const before = Number(canvas.dataset.frames);
        const t0 = performance.now();
        setter.call(input, String(0.3 + 0.05 * r));
        input.dispatchEvent(new Event('input', { bubbles: true }));
        while (Number(canvas.dataset.frames) === before) await new Promise((res) => requestAnimationFrame(res));
        out.push(performance.now() - t0);
      }
      return out;
    });
    times.sort((a, b) => a - b);
    console.log(`[figure] threshold slider -> frame (SwiftShader, 1400x900, 4 views): median ${times[3].toFixed(0)} ms, min ${times[0].toFixed(0)} ms`);
    await setSlider(page, 'threshold', 0.4);

    // Figure: paging the axial slice with the wheel redraws the slices only (no ray marching).
    const box = (await page.getByTestId('view-axial').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const paging: number[] = [];
    for (let r = 0; r < 6; r++) {
      const before = await frames(page);
      const t0 = Date.now();
      await page.mouse.wheel(0, r % 2 ? 100 : -100);
      await waitForFrameAfter(page, before);
      paging.push(Date.now() - t0);
    }
    paging.sort((a, b) => a - b);
    console.log(`[figure] wheel paging -> frame, slices only (SwiftShader, incl. Playwright round trips): median ${paging[3]} ms`);
  });

  it('renders the brain with relevance in the 3D view and a clip plane', async () => {
    const n = await frames(page);
    await page.getByRole('radio', { name: 'Rendered brain' }).click();
    await page.locator('select').filter({ hasText: 'Left–right (x)' }).selectOption('x');
    await waitForFrameAfter(page, n);
    const s = await viewStats('view-3d');
    expect(s.lumaStd).toBeGreaterThan(8);
    await page.screenshot({ path: join(SHOTS, 'rendered-brain.png') });
  });

  it('dragging the 3D view draws it at low resolution, then at full resolution on release', async () => {
    const box = (await page.getByTestId('view-3d').boundingBox())!;
    const quality = () => page.evaluate(() => document.querySelector('canvas')!.dataset.volumeQuality);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    const drag: number[] = [];
    for (let r = 0; r < 6; r++) {
      const before = await frames(page);
      const t0 = Date.now();
      await page.mouse.move(box.x + box.width / 2 + 12 * (r + 1), box.y + box.height / 2 + 4 * r);
      await waitForFrameAfter(page, before);
      drag.push(Date.now() - t0);
      expect(await quality()).toBe('low');
    }
    const before = await frames(page);
    const t0 = Date.now();
    await page.mouse.up();
    await waitForFrameAfter(page, before);
    const settle = Date.now() - t0;
    expect(await quality()).toBe('full');
    const s = await viewStats('view-3d');
    expect(s.lumaStd).toBeGreaterThan(8);
    drag.sort((a, b) => a - b);
    console.log(
      `[figure] 3D drag -> frame at 1/4 resolution (SwiftShader, incl. Playwright round trips): median ${drag[3]} ms; full-resolution frame after release: ${settle} ms`,
    );
  });

  it('a bad file shows a readable error, and a good file afterwards still works', async () => {
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'broken.nii', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not an image '.repeat(40)) });
    const error = page.getByTestId('error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/not a NIfTI/i);
    expect(await page.locator('.scan-name').textContent(), 'the failed file does not replace the scan on screen').toContain('demo-03-AD');
    await page.evaluate(() => document.querySelector('.side-panel')?.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'bad-file.png') });

    const good = readFileSync(join(DIST, 'demo', 'demo-01-CN.nii.gz'));
    await page.getByTestId('file-input').setInputFiles({ name: 'my-scan.nii.gz', mimeType: 'application/gzip', buffer: good });
    await page.getByText('my-scan.nii.gz').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid=progress]'), undefined, { timeout: 120_000 });
    expect(await page.getByTestId('error').count()).toBe(0);
    expect(await page.getByTestId('prediction').textContent()).toMatch(/\d+(\.\d)?%/);
  });

  it('a lost WebGL context shows a message and the views recover', async () => {
    await page.evaluate(() => {
      const gl = document.querySelector('canvas')!.getContext('webgl2')!;
      (window as unknown as { __lose: WEBGL_lose_context }).__lose = gl.getExtension('WEBGL_lose_context')!;
      (window as unknown as { __lose: WEBGL_lose_context }).__lose.loseContext();
    });
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toMatch(/context was lost/);
    const n = await frames(page);
    const restoredAt = Date.now();
    await page.evaluate(() => (window as unknown as { __lose: WEBGL_lose_context }).__lose.restoreContext());
    await page.getByTestId('error').waitFor({ state: 'detached', timeout: 30_000 });
    await waitForFrameAfter(page, n);
    console.log(`[figure] WebGL context restored -> views drawn again after ${Date.now() - restoredAt} ms (SwiftShader, incl. Playwright round trips)`);
    const s = await viewStats('view-axial');
    expect(s.lumaStd).toBeGreaterThan(8);
  });

  it('the diagnostics panel names the backend and the GPU', async () => {
    await page.getByTestId('diagnostics').locator('summary').click();
    const text = await page.getByTestId('diagnostics').locator('pre').textContent();
    expect(text).toMatch(/tfjs backend: \S/);
    expect(text).toMatch(/max 3D texture \d+/);
    await page.getByTestId('diagnostics').locator('summary').click();
  });

  it('cancels a running analysis without an error, keeping the previous result', async () => {
    const before = await page.getByTestId('prediction').textContent();
    await page.getByTestId('method-select').selectOption('occlusion');
    await page.getByTestId('progress').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('progress').waitFor({ state: 'detached' });
    expect(await page.getByTestId('error').count()).toBe(0);
    expect(await page.getByTestId('prediction').textContent()).toBe(before);
  });

  it('loads a scan given as ?url=', async () => {
    const other = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    other.on('request', (r) => requests.push(r.url()));
    await watchCsp(other);
    await other.goto(`${server.url}?url=demo/demo-01-CN.nii.gz`);
    await other.getByTestId('prediction').waitFor({ timeout: 120_000 });
    expect(await other.getByText('demo-01-CN.nii.gz').count()).toBeGreaterThan(0);
    expectNoCspViolations(other);
    await other.close();
  });

  it('never requested anything from another origin and threw no page errors', () => {
    const origin = new URL(server.url).origin;
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(requests.length).toBeGreaterThan(3);
    expect(pageErrors).toEqual([]);
  });

  it('broke no rule of the Content-Security-Policy', () => expectNoCspViolations(page));
});
