/**
 * The fold ensemble in the built app (headless Chromium, ?backend=wasm-simd), with three stand-in
 * fold models served by this test only: the bundled demo model's weights, perturbed per fold, stored
 * as the deployed folds would be ('mixed' quantization), and a models/index.json naming them. They
 * are never written into models/: they are not trained models.
 *
 * Checked: the model choice lists the folds and the ensemble; no fold file is fetched before the
 * ensemble is chosen (the server's request log); progress names the fold; the result is the mean of
 * three folds with its members; the fold-spread map is a display option with its legend and draws a
 * non-blank overlay that differs from the relevance; cancelling an ensemble keeps the result shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import { decodePng, pixelStats, type Rgba } from './png';
import { mkdirSync } from 'node:fs';
import { buildAndServe, expectNoCspViolations, frames, launchBrowser, setSlider, SHOTS, waitForFrameAfter, openApp } from './harness';
import type { StaticServer } from './staticServer';
import { encodeModelFiles, WEIGHTS_FILE_NAME } from '../../src/core/model/h5/model-files';
import { modelIndexFromFolders } from '../../src/core/model/modelIndex';
import { demoStandInFolds } from '../helpers/foldStandIns';

const FOLDS = 3;
let browser: Browser;
let page: Page;
let server: StaticServer;
const requested: string[] = [];
const pageErrors: string[] = [];

/** model.json + shard of each stand-in fold, and the index that deploys them next to the demo model. */
async function standInFolds(): Promise<Record<string, Uint8Array | string>> {
  const files: Record<string, Uint8Array | string> = {};
  const folders = ['demo'];
  for (const [k, a] of (await demoStandInFolds(FOLDS, 0.25)).entries()) {
    const f = encodeModelFiles({ ...a, userDefinedMetadata: { standIn: 'ensemble.browser.test, not a trained model' } }, 'mixed');
    files[`/models/demo-fold-${k}/model.json`] = f.modelJson;
    files[`/models/demo-fold-${k}/${WEIGHTS_FILE_NAME}`] = f.weights;
    folders.push(`demo-fold-${k}`);
  }
  files['/models/index.json'] = JSON.stringify(modelIndexFromFolders(folders));
  return files;
}

const foldRequests = () => requested.filter((p) => p.startsWith('/models/demo-fold-'));
async function shot(testId: string): Promise<Rgba> {
  return decodePng(await page.getByTestId(testId).screenshot());
}
async function idle(timeout = 400_000): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-testid=progress]'), undefined, { timeout });
}
function meanAbsDiff(a: Rgba, b: Rgba): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i += 4) for (let c = 0; c < 3; c++) s += Math.abs(a.data[i + c]! - b.data[i + c]!);
  return s / ((a.data.length / 4) * 3);
}

beforeAll(async () => {
  server = await buildAndServe(await standInFolds(), (p) => requested.push(p));
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
  page = await openApp(browser, server, { query: '?backend=wasm-simd', errors: pageErrors, page: { locale: 'en-US' } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the fold ensemble in the app (stand-in folds)', () => {
  it('lists each fold and the ensemble; a demo case runs on the demo model without fetching any fold file', async () => {
    await page.getByTestId('demo-select').selectOption('demo-03-AD');
    await page.getByTestId('prediction').waitFor({ timeout: 180_000 });
    await idle();
    const options = await page
      .getByTestId('model-select')
      .locator('option')
      .evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(options).toEqual(expect.arrayContaining([['ensemble:demo', 'demo · fold ensemble (mean of 3 folds)']]));
    for (let k = 0; k < FOLDS; k++) expect(options).toEqual(expect.arrayContaining([[`demo-fold-${k}`, `demo · cross-validation fold ${k}`]]));
    expect(requested).toContain('/models/index.json');
    expect(foldRequests()).toEqual([]);
    // The fold-spread map is offered only for an ensemble result.
    expect(await page.locator('[data-testid=overlay-map] option[value=fold-spread]').isDisabled()).toBe(true);
  }, 300_000);

  it('the ensemble: progress per fold, the mean of three folds with its members, fold weights fetched only now', async () => {
    const before = await shot('view-axial');
    await page.getByTestId('model-select').selectOption('ensemble:demo');
    const member = page.getByTestId('progress-member');
    await member.waitFor({ timeout: 120_000 });
    expect(await member.textContent()).toMatch(/fold [1-3] of 3/);
    await idle();
    expect(await page.getByTestId('prediction').textContent()).toMatch(/mean likelihood .* over 3 cross-validation folds/);
    const members = await page.getByTestId('members').locator('li').allTextContents();
    expect(members).toHaveLength(FOLDS);
    for (let k = 0; k < FOLDS; k++) expect(members[k]).toMatch(new RegExp(`^demo · cross-validation fold ${k} · LRP-CMP`));
    for (let k = 0; k < FOLDS; k++) expect(foldRequests()).toContain(`/models/demo-fold-${k}/${WEIGHTS_FILE_NAME}`);
    const n = await frames(page);
    await waitForFrameAfter(page, n - 1);
    const mean = await shot('view-axial');
    expect(pixelStats(mean).overlayFraction, 'relevance overlay').toBeGreaterThan(0.002);
    expect(meanAbsDiff(before, mean), 'the ensemble map differs from the demo model map').toBeGreaterThan(0.05);
  }, 500_000);

  it('the fold-spread map: an honest legend and a non-blank overlay that is not the relevance', async () => {
    const relevance = await shot('view-axial');
    await setSlider(page, 'threshold', 0.1);
    const lowRelevance = await shot('view-axial');
    const n = await frames(page);
    await page.getByTestId('overlay-map').selectOption('fold-spread');
    await waitForFrameAfter(page, n);
    const legend = await page.getByTestId('spread-legend').textContent();
    expect(legend).toMatch(/where the folds disagree: SD of relevance across 3 folds/);
    expect(await page.getByTestId('spread-readout').count()).toBe(1);
    const spread = await shot('view-axial');
    await page.screenshot({ path: join(SHOTS, 'fold-spread.png') });
    const s = pixelStats(spread);
    console.log(`axial view: overlay fraction relevance ${pixelStats(lowRelevance).overlayFraction.toFixed(4)}, fold spread ${s.overlayFraction.toFixed(4)}`);
    expect(s.overlayFraction, 'fold-spread overlay').toBeGreaterThan(0.001);
    expect(meanAbsDiff(spread, lowRelevance), 'the spread map is not the relevance map').toBeGreaterThan(0.05);
    // Back to the relevance at the default threshold: the same picture as before.
    await page.getByTestId('overlay-map').selectOption('relevance');
    await setSlider(page, 'threshold', 0.4);
    const m = await frames(page);
    await waitForFrameAfter(page, m);
    // on a loaded machine the frame after the slider may not be the last one: wait for the views to settle
    await expect.poll(async () => meanAbsDiff(await shot('view-axial'), relevance), { timeout: 120_000, interval: 500 }).toBeLessThan(0.5);
  }, 300_000);

  it('cancelling an ensemble run keeps the ensemble result on screen', async () => {
    // Occlusion (one model run per cube) is still running when Cancel is pressed.
    await page.getByTestId('method-select').selectOption('occlusion');
    await page.getByTestId('progress-member').waitFor({ timeout: 120_000 });
    await page.getByTestId('progress').getByRole('button', { name: 'Cancel' }).click();
    await idle(60_000);
    expect(await page.getByTestId('result-method').textContent()).toBe('LRP-CMP (innvestigate 1.0.9)');
    expect(await page.getByTestId('model-select').inputValue()).toBe('ensemble:demo');
    expect(await page.getByTestId('members').locator('li').count()).toBe(FOLDS);
  }, 300_000);

  it('a difference with the ensemble as A is refused in one sentence; the ensemble result stays', async () => {
    await page.getByTestId('combine-mode').selectOption('difference');
    const error = page.getByTestId('error');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toMatch(/A fold ensemble cannot be the A of a difference/);
    expect(await page.getByTestId('members').locator('li').count()).toBe(FOLDS);
    await page.getByTestId('combine-mode').selectOption('single');
    await idle(60_000);
  }, 120_000);

  it('threw no page errors and broke no Content-Security-Policy', () => {
    expect(pageErrors).toEqual([]);
    expectNoCspViolations(page);
  });
});
