/**
 * A raw T1 dropped on the page: the worker runs the raw-T1 stage (progress shows it), then the
 * usual analysis; the QC panel, the "approximate CAT12-like" label, the prediction and the overlay
 * appear, and the background switches to the warped T1. The scan is made by the simulator
 * (src/training/rawT1Sim.ts), so no Python, apt or network is needed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng, pixelStats } from './png';
import { buildAndServe, frames, launchBrowser, SHOTS, waitForFrameAfter } from './harness';
import type { StaticServer } from './staticServer';
import { loadSimulatorAssetsNode } from '../../src/training/node/rawT1Assets';
import { simulateRawT1 } from '../../src/training/rawT1Sim';

let browser: Browser;
let page: Page;
let server: StaticServer;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await buildAndServe();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  mkdirSync(SHOTS, { recursive: true });
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a raw T1 in the browser', () => {
  it('runs the raw-T1 stage in the worker and shows QC, the approximate label, a prediction and the overlay', async () => {
    const sim = simulateRawT1(loadSimulatorAssetsNode(), { seed: 4242, severity: 0.3 });
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles({ name: 'raw-t1.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from(sim.bytes) });
    await page.getByText('Raw-T1 preprocessing').first().waitFor({ timeout: 60_000 });
    const qc = page.getByTestId('qc-panel');
    await qc.waitFor({ timeout: 600_000 });
    console.log(
      `raw T1 dropped -> QC panel and prediction in headless Chromium: ${((Date.now() - t0) / 1000).toFixed(1)} s (stage: ${await qc.locator('dd').last().textContent()})`,
    );
    expect(await page.getByTestId('approx-label').textContent()).toMatch(/Approximate CAT12-like gray-matter map made in your browser/);
    expect(await page.getByTestId('qc-verdict').textContent()).toMatch(/pass|doubtful/);
    expect(await page.getByTestId('qc-tiv').textContent()).toMatch(/^\d{3,4} ml$/);
    expect(await page.getByTestId('prediction').textContent()).toMatch(/\d+(\.\d)?%/);
    await expect(page.getByTestId('prediction-approx').count()).resolves.toBe(1);
    // the picture itself loads (a broken image would still show pixels: its icon and alt text)
    const natural = await page.getByTestId('qc-picture').evaluate((img) => (img as HTMLImageElement).naturalWidth);
    expect(natural, 'QC picture width in pixels').toBeGreaterThan(100);
    const picture = pixelStats(decodePng(await page.getByTestId('qc-picture').screenshot()));
    expect(picture.lumaStd).toBeGreaterThan(8);
    const n = await frames(page);
    await waitForFrameAfter(page, n - 1);
    const axial = pixelStats(decodePng(await page.getByTestId('view-axial').screenshot()));
    expect(axial.litFraction).toBeGreaterThan(0.03);
    const m = await frames(page);
    await page.getByTestId('background-source').selectOption('warped');
    await waitForFrameAfter(page, m);
    const warped = pixelStats(decodePng(await page.getByTestId('view-axial').screenshot()));
    expect(warped.lumaStd).toBeGreaterThan(8);
    await qc.screenshot({ path: join(SHOTS, 'raw-t1-qc.png') });
    await page.screenshot({ path: join(SHOTS, 'raw-t1.png') });
    expect(pageErrors).toEqual([]);
  }, 900_000);
});
