/**
 * The habits of the field in the built app (headless Chromium, ?backend=wasm-simd): German UI,
 * light theme, covariates that re-run a residualizing model, radiological flip, keyboard
 * shortcuts and help, and the difference and average of analyses.
 *
 * The demo model is served here as the seeded architecture whose model.json asks for
 * residualization, with a float16 covariate model (b1 = 2^-8 per year of age, other maps 0).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng, pixelStats, type Rgba } from './png';
import { buildAndServe, expectNoCspViolations, frames, launchBrowser, SHOTS, waitForFrameAfter, openApp } from './harness';
import type { StaticServer } from './staticServer';
import { makeSeededModelArtifacts } from '../../src/core/model/seeded';
import { DEMO_MODEL_FOLDER } from '../../src/core/model/catalog';

const VOXELS = 121 * 145 * 121;

let browser: Browser;
let page: Page;
let server: StaticServer;
const pageErrors: string[] = [];

function residualizingDemoModel(): Record<string, Uint8Array | string> {
  const a = makeSeededModelArtifacts(1);
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'habits.browser.test',
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    userDefinedMetadata: { residualize: true, covariateModel: 'covariates.bin' },
  };
  const cov = new Uint16Array(5 * VOXELS);
  cov.fill(0x1c00, VOXELS, 2 * VOXELS); // b1 = 2^-8 (float16 bits)
  return {
    [`/models/${DEMO_MODEL_FOLDER}/model.json`]: JSON.stringify(modelJson),
    [`/models/${DEMO_MODEL_FOLDER}/weights.bin`]: new Uint8Array(a.weightData as ArrayBuffer),
    [`/models/${DEMO_MODEL_FOLDER}/covariates.bin`]: new Uint8Array(cov.buffer),
  };
}

async function shot(testId: string): Promise<Rgba> {
  return decodePng(await page.getByTestId(testId).screenshot());
}
async function idle(): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-testid=progress]'), undefined, { timeout: 180_000 });
}
/** The view once it has stopped changing (two screenshots in a row alike): no redraw still on its way. */
async function settledShot(testId: string): Promise<Rgba> {
  let previous = await shot(testId);
  for (;;) {
    await page.waitForTimeout(200);
    const next = await shot(testId);
    if (meanAbsDiff(next, previous, false) === 0) return next;
    previous = next;
  }
}

/** Mean absolute RGB difference of two equally sized images, the second optionally mirrored left-right. */
function meanAbsDiff(a: Rgba, b: Rgba, mirrorB: boolean): number {
  let s = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const ia = (y * a.width + x) * 4;
      const ib = (y * b.width + (mirrorB ? b.width - 1 - x : x)) * 4;
      for (let c = 0; c < 3; c++) s += Math.abs(a.data[ia + c] - b.data[ib + c]);
    }
  }
  return s / (a.width * a.height * 3);
}

beforeAll(async () => {
  server = await buildAndServe(residualizingDemoModel());
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
  page = await openApp(browser, server, { query: '?backend=wasm-simd', errors: pageErrors, page: { locale: 'en-US' } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('habits of the field', () => {
  it('shows the privacy line and switches every visible panel title to German and back', async () => {
    expect(await page.getByTestId('privacy').textContent()).toMatch(/never leaves this computer/);
    await page.getByTestId('lang-select').selectOption('de');
    await page.getByRole('heading', { name: 'Darstellung' }).waitFor();
    const headings = await page.locator('.side-panel h2').allTextContents();
    expect(headings).toEqual(expect.arrayContaining(['Scan', 'Analyse', 'Kovariaten', 'Fadenkreuz', 'Darstellung']));
    expect(await page.getByTestId('first-visit').locator('h2').textContent()).toBe('Was diese Seite tut');
    expect(await page.getByTestId('privacy').textContent()).toMatch(/verlässt diesen Computer nie/);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    await page.screenshot({ path: join(SHOTS, 'german.png') });
    await page.getByTestId('lang-select').selectOption('en');
    await page.getByRole('heading', { name: 'Display' }).waitFor();
  });

  it('the theme toggle changes the page background colour (and back)', async () => {
    const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const dark = await bg();
    await page.getByTestId('theme-toggle').click();
    const light = await bg();
    expect(light).not.toBe(dark);
    const luminance = (c: string) =>
      c
        .match(/\d+/g)!
        .slice(0, 3)
        .map(Number)
        .reduce((a, b) => a + b, 0);
    expect(luminance(light)).toBeGreaterThan(luminance(dark));
    await page.getByTestId('theme-toggle').click();
    expect(await bg()).toBe(dark);
  });

  it('a demo case fills the covariates; editing one re-runs the residualizing model', async () => {
    await page.getByTestId('demo-select').selectOption('demo-03-AD');
    await page.getByTestId('prediction').waitFor({ timeout: 180_000 });
    await idle();
    // index.json: age 76, sex F, TIV 1190, field 3
    expect(await page.getByTestId('cov-age').inputValue()).toBe('76');
    expect(await page.getByTestId('cov-sex').inputValue()).toBe('1');
    expect(await page.getByTestId('cov-tiv').inputValue()).toBe('1190');
    expect(await page.getByTestId('covariates-note').textContent()).toMatch(/regresses age/);
    expect(await page.getByTestId('result-covariates').textContent()).toMatch(/76 y, female, 1190/);
    const before = await page.getByTestId('logits').textContent();

    await page.getByTestId('cov-age').fill('40');
    await page.getByTestId('cov-age').press('Enter');
    await page.getByTestId('result-covariates').filter({ hasText: '40 y' }).waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('logits').textContent()).not.toBe(before);

    // Back to 76: served from the cache (no progress), same logits as before.
    await page.getByTestId('cov-age').fill('76');
    await page.getByTestId('cov-age').press('Enter');
    await page.getByTestId('result-covariates').filter({ hasText: '76 y' }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('logits').textContent()).toBe(before);
  });

  it('a model without the metadata shows the covariates read-only', async () => {
    await page.getByTestId('model-select').selectOption('seeded');
    await page.getByTestId('covariates-note').filter({ hasText: 'raw gray-matter maps' }).waitFor();
    expect(await page.getByTestId('cov-age').getAttribute('readonly')).not.toBeNull();
    await idle();
    expect(await page.getByTestId('result-covariates').textContent()).toMatch(/raw gray-matter map/);
    await page.getByTestId('model-select').selectOption('demo');
    // the demo model's result is back (idle() alone can pass before the re-analysis has begun)
    await page.getByTestId('result-covariates').filter({ hasText: '76 y' }).waitFor({ timeout: 180_000 });
    await idle();
  });

  it('flip-lr mirrors the axial view', async () => {
    const box = (await page.getByTestId('view-axial').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.45); // off-centre crosshair
    let n = await frames(page);
    await page.getByTestId('threshold').evaluate((el) => {
      const input = el as HTMLInputElement;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, '0.1');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await waitForFrameAfter(page, n);
    // Compare the rendered slice only: labels, zoom buttons and the slice guide are not mirrored.
    // (Hidden through CSSOM: the page's Content-Security-Policy refuses an injected <style>.)
    const labels = (visibility: string) =>
      page.locator('.view-axial > *').evaluateAll((els, v) => els.forEach((e) => ((e as HTMLElement).style.visibility = v)), visibility);
    await labels('hidden');
    // a re-analysis the previous test started (its model switch) may still be drawing: wait it out
    await idle();
    const before = await settledShot('view-axial');
    n = await frames(page);
    await page.getByTestId('flip-lr').check();
    await waitForFrameAfter(page, n);
    const after = await settledShot('view-axial');
    const asIs = meanAbsDiff(after, before, false);
    const mirrored = meanAbsDiff(after, before, true);
    expect(asIs, 'the view changed').toBeGreaterThan(1);
    expect(mirrored, 'it is the mirror image').toBeLessThan(asIs * 0.5);
    await labels('');
    expect(await page.locator('.view-axial .orient-left').textContent()).toBe('R');
    n = await frames(page);
    await page.getByTestId('flip-lr').uncheck();
    await waitForFrameAfter(page, n);
  });

  it('keyboard: h hides the overlay, t/T move the threshold, arrows page the slice, ? opens help', async () => {
    const box = (await page.getByTestId('view-axial').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5); // focus leaves the form fields
    let n = await frames(page);
    await page.waitForTimeout(50);
    const shown = pixelStats(await shot('view-axial'));
    expect(shown.overlayFraction).toBeGreaterThan(0.002);
    await page.keyboard.press('h');
    await waitForFrameAfter(page, n);
    expect(await page.getByTestId('hide-overlay').isChecked()).toBe(true);
    const hidden = pixelStats(await shot('view-axial'));
    expect(hidden.overlayFraction).toBeLessThan(shown.overlayFraction * 0.2);
    n = await frames(page);
    await page.keyboard.press('h');
    await waitForFrameAfter(page, n);

    const threshold = () => page.getByTestId('threshold').inputValue().then(Number);
    const t0 = await threshold();
    await page.keyboard.press('T');
    expect(await threshold()).toBeCloseTo(t0 + 0.05, 5);
    await page.keyboard.press('t');
    await page.keyboard.press('t');
    expect(await threshold()).toBeCloseTo(t0 - 0.05, 5);

    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const coords = await page.getByTestId('coords').textContent();
    const z = (s: string | null) => Number(/^(-?[\d.]+), (-?[\d.]+), (-?[\d.]+)/.exec(s!)![3]);
    await page.keyboard.press('ArrowUp');
    await page.getByTestId('coords').filter({ hasNotText: coords! }).waitFor();
    expect(z(await page.getByTestId('coords').textContent()) - z(coords)).toBeCloseTo(1.5, 5);

    await page.keyboard.press('?');
    const help = page.getByTestId('help-panel');
    await help.waitFor();
    for (const text of ['Hide or show the relevance overlay', 'not a diagnostic device', 'never leaves this computer']) {
      expect(await help.textContent()).toContain(text);
    }
    await page.screenshot({ path: join(SHOTS, 'help.png') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    await page.keyboard.press('r');
    await page
      .getByTestId('coords')
      .filter({ hasText: /^0\.0, 0\.0, 0\.0/ })
      .waitFor();
  });

  it('a difference map between two methods, labelled A − B, then back to one analysis', async () => {
    await page.getByTestId('combine-mode').selectOption('difference');
    await page.getByTestId('compare-method').selectOption('gradient');
    await page.getByTestId('difference-label').waitFor({ timeout: 180_000 });
    await idle();
    const members = await page.getByTestId('members').locator('li').allTextContents();
    expect(members).toHaveLength(2);
    expect(members[0]).toMatch(/^A: .*LRP-CMP/);
    expect(members[1]).toMatch(/^B: .*Gradient/);
    await page.screenshot({ path: join(SHOTS, 'difference.png') });
  });

  it('averaging offers only trained models: the untrained seeded one is not averaged with them', async () => {
    // (The mean itself, probabilities, logits and relevance, is checked in test/combine.test.ts.)
    await page.getByTestId('combine-mode').selectOption('average');
    await page.getByTestId('average-demo').check();
    expect(await page.getByTestId('average-seeded').count()).toBe(0);
    await page.getByText('Tick at least two models.').waitFor();
    await page.getByTestId('combine-mode').selectOption('single');
    await idle();
    expect(await page.getByTestId('members').count()).toBe(0);
  });

  it('threw no page errors', () => {
    expect(pageErrors).toEqual([]);
  });

  it('broke no rule of the Content-Security-Policy', () => expectNoCspViolations(page));
});
