/**
 * A batch run's map opened on the page: a *_statmap.nii.gz dropped (here: chosen in the file input)
 * is shown as the overlay over the template without running a model, and the result panel says
 * that there is no likelihood.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { writeNifti } from '../../src/core/nifti';
import { CAT12_GRID } from '../../src/core/volume/grid';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildAndServe, frames, launchBrowser, SHOTS, waitForFrameAfter } from './harness';
import { decodePng, pixelStats } from './png';
import type { StaticServer } from './staticServer';

let browser: Browser;
let page: Page;
let server: StaticServer;
const pageErrors: string[] = [];

/** A group-difference-like map: a cube around the grid centre, positive in its posterior half, negative in its anterior half. */
function statmap(): Uint8Array {
  const [nx, ny, nz] = CAT12_GRID.dims;
  const data = new Float32Array(nx * ny * nz);
  for (let k = 40; k < 80; k++) for (let j = 52; j < 92; j++) for (let i = 40; i < 80; i++) data[i + nx * (j + ny * k)] = j < 72 ? 0.02 : -0.015;
  return writeNifti({ dims: CAT12_GRID.dims, affine: CAT12_GRID.affine, data }, { datatype: 'float32', gzip: true });
}

beforeAll(async () => {
  server = await buildAndServe();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a precomputed map as the overlay', () => {
  it('shows a *_statmap.nii.gz over the template, with no likelihood', async () => {
    const name = 'contrast-ADvsCN_space-IXI549Space_desc-relevancedifference_statmap.nii.gz';
    const n = await frames(page);
    await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/gzip', buffer: Buffer.from(statmap()) });
    await page.getByTestId('map-from-file').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('map-from-file').textContent()).toContain(name);
    expect(await page.getByTestId('prediction').count()).toBe(0);
    expect(await page.getByTestId('error').count()).toBe(0);
    await waitForFrameAfter(page, n);
    for (const view of ['view-axial', 'view-coronal', 'view-sagittal']) {
      const s = pixelStats(decodePng(await page.getByTestId(view).screenshot()));
      expect(s.overlayFraction, view).toBeGreaterThan(0.02);
      expect(s.lumaStd, view).toBeGreaterThan(8); // the template shows around the map
    }
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'statmap-overlay.png') });
    expect(pageErrors).toEqual([]);
  });
});
