/**
 * The research tools in the built app (headless Chromium, wasm-simd engine): cluster filter and its
 * histogram, cluster statistics at the crosshair, per-slice guides, atlas outlines, the region table,
 * and every export as a real download whose bytes we parse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { decodePng, pixelStats } from './png';
import { buildAndServe, DIST, expectNoCspViolations, frames, launchBrowser, ROOT, setSlider, waitForFrameAfter, openApp } from './harness';
import type { StaticServer } from './staticServer';
import { readNifti, writeNifti } from '../../src/core/nifti';

let browser: Browser;
let page: Page;
let server: StaticServer;
const pageErrors: string[] = [];

/** Waits until the cluster update for (threshold, min size) is on screen. */
async function clustersFor(threshold: number, minSize: number): Promise<{ kept: number; total: number; ms: number }> {
  await page.waitForFunction(
    ([t, m]) => {
      const el = document.querySelector('[data-testid=cluster-timing]') as HTMLElement | null;
      return !!el && Number(el.dataset.threshold) === t && Number(el.dataset.minSize) === m;
    },
    [threshold, minSize] as const,
    { timeout: 30_000 },
  );
  return page.evaluate(() => {
    const k = document.querySelector('[data-testid=clusters-kept]') as HTMLElement;
    const t = document.querySelector('[data-testid=cluster-timing]') as HTMLElement;
    return { kept: Number(k.dataset.kept), total: Number(k.dataset.total), ms: Number(t.dataset.ms) };
  });
}

/** Waits for the next drawn frame after a change, then screenshots a view. */
async function viewPixels(testId: string, since: number) {
  await waitForFrameAfter(page, since, 30_000);
  return decodePng(await page.getByTestId(testId).screenshot());
}

async function download(testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [d] = (await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(testId).click()])) as [Download, unknown];
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(path!) };
}

/** The NIfTI-1 header fields a viewer needs, read straight from the bytes (no library of ours). */
function niftiHeader(gz: Buffer) {
  const b = gunzipSync(gz);
  const dims = [0, 1, 2, 3, 4].map((i) => b.readInt16LE(40 + 2 * i));
  const srow = Array.from({ length: 12 }, (_, i) => b.readFloatLE(280 + 4 * i));
  const n = dims[1] * dims[2] * dims[3];
  const data = new Float32Array(n);
  for (let v = 0; v < n; v++) data[v] = b.readFloatLE(352 + 4 * v);
  return {
    sizeofHdr: b.readInt32LE(0),
    dims,
    datatype: b.readInt16LE(70),
    voxOffset: b.readFloatLE(108),
    magic: b.toString('latin1', 344, 347),
    sformCode: b.readInt16LE(254),
    srow,
    data,
  };
}

beforeAll(async () => {
  server = await buildAndServe();
  browser = await launchBrowser();
  page = await openApp(browser, server, {
    query: '?backend=wasm-simd',
    errors: pageErrors,
    page: { viewport: { width: 1400, height: 1000 }, acceptDownloads: true },
  });
  await page.getByTestId('demo-select').selectOption('demo-03-AD');
  await page.getByTestId('prediction').waitFor({ timeout: 180_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('research tools', () => {
  it('min cluster size filters the overlay and the histogram marks what is dropped; figures per update', async () => {
    await setSlider(page, 'threshold', 0.15);
    const all = await clustersFor(0.15, 50);
    const counts = (await page.getByTestId('cluster-histogram').getAttribute('data-counts'))!.split(',').map(Number);
    expect(counts).toHaveLength(20);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(all.total);
    expect(all.total).toBeGreaterThan(0);

    let n = await frames(page);
    await setSlider(page, 'min-cluster', 0);
    const none = await clustersFor(0.15, 0);
    expect(none.kept).toBe(none.total);
    const open = pixelStats(await viewPixels('view-axial', n));
    const droppedAt0 = await page.locator('[data-testid=cluster-histogram] rect.dropped').count();

    n = await frames(page);
    await setSlider(page, 'min-cluster', 250);
    const strict = await clustersFor(0.15, 250);
    const smallClusters = counts.slice(0, 19).reduce((a, b) => a + b, 0); // every cluster below 190 voxels is dropped
    expect(strict.kept).toBeLessThanOrEqual(strict.total - smallClusters);
    const filtered = pixelStats(await viewPixels('view-axial', n));
    expect(await page.locator('[data-testid=cluster-histogram] rect.dropped').count()).toBeGreaterThan(droppedAt0);
    if (strict.kept < none.kept) expect(filtered.overlayFraction).toBeLessThan(open.overlayFraction);

    // Figures: worker round trip per update (re-filter on min size, relabel on threshold).
    const refilter: number[] = [];
    for (const m of [10, 60, 20, 120, 30, 90]) {
      await setSlider(page, 'min-cluster', m);
      refilter.push((await clustersFor(0.15, m)).ms);
    }
    const relabel: number[] = [];
    for (const t of [0.2, 0.3, 0.25, 0.35, 0.1, 0.15]) {
      await setSlider(page, 'threshold', t);
      relabel.push((await clustersFor(t, 90)).ms);
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    console.log(
      `[figure] cluster update, page -> research worker -> page (re-filter, min size): median ${med(refilter).toFixed(1)} ms, max ${Math.max(...refilter).toFixed(1)} ms`,
    );
    console.log(`[figure] cluster update incl. relabel (threshold): median ${med(relabel).toFixed(1)} ms, max ${Math.max(...relabel).toFixed(1)} ms`);
    await setSlider(page, 'min-cluster', 0);
    await clustersFor(0.15, 0);
  });

  it('the region table lists AAL regions by score, highlights the hippocampus, and a row click moves the crosshair there', async () => {
    const table = page.getByTestId('region-table');
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(100);
    expect(await table.locator('tbody tr.hippocampus').count()).toBe(2);
    const scores = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.children[1]!.textContent)));
    for (let r = 1; r < scores.length; r++) expect(scores[r]).toBeLessThanOrEqual(scores[r - 1]);

    const hippo = table.locator('tbody tr.hippocampus').first();
    const name = (await hippo.getAttribute('data-region'))!;
    const before = await page.getByTestId('coords').textContent();
    await hippo.click();
    await page.waitForFunction((b) => document.querySelector('[data-testid=coords]')?.textContent !== b, before);
    expect(await page.getByTestId('region').textContent()).toBe(name.replace(/_/g, ' ')); // as the table writes it

    // The top-scoring region's row jumps to its peak, which lies in a positive cluster at this threshold.
    await rows.first().click();
    await page.waitForFunction(() => Number((document.querySelector('[data-testid=cluster-stats]') as HTMLElement).dataset.size) > 0, undefined, {
      timeout: 10_000,
    });
    const stats = page.getByTestId('cluster-stats');
    const size = Number(await stats.getAttribute('data-size'));
    const text = (await stats.textContent())!;
    expect(text).toContain(`${size} voxels (${(size * 3.375).toFixed(0)} mm³)`);
    expect(text).toMatch(/Mean-?\d\.\d{3}/);
    expect(text).toMatch(/Peak-?\d\.\d{3}/);

    await page.getByRole('tab', { name: 'Lobes' }).click();
    expect(await table.getAttribute('data-kind')).toBe('lobes');
    expect(await table.locator('tbody tr.hippocampus').count()).toBe(1);
    await page.getByRole('tab', { name: 'AAL regions' }).click();
  });

  it('slice guides sit under each slice view and a click on a bar moves to that slice', async () => {
    const expected = { axial: 121, coronal: 145, sagittal: 121 };
    for (const [id, n] of Object.entries(expected)) {
      const g = page.getByTestId(`guide-${id}`);
      expect(Number(await g.getAttribute('data-slices')), id).toBe(n);
    }
    const g = page.getByTestId('guide-axial');
    const box = (await g.boundingBox())!;
    const coordsBefore = await page.getByTestId('coords').textContent();
    const x = 0.3;
    await page.mouse.click(box.x + box.width * x, box.y + box.height / 2);
    const want = Math.floor(x * 121);
    await page.waitForFunction((k) => (document.querySelector('[data-testid=guide-axial]') as HTMLElement).dataset.current === String(k), want);
    const coords = (await page.getByTestId('coords').textContent())!;
    expect(coords).not.toBe(coordsBefore);
    expect(coords).toContain(`voxel`);
    expect(
      coords
        .split('voxel')[1]!
        .trim()
        .split(',')
        .map((s) => Number(s))[2],
    ).toBe(want);
  });

  it('the all-regions outline toggle draws outlines in the slice views', async () => {
    const n = await frames(page);
    await page.getByTestId('region-outline-toggle').check();
    const on = await viewPixels('view-coronal', n);
    const m = await frames(page);
    await page.getByTestId('region-outline-toggle').uncheck();
    const off = await viewPixels('view-coronal', m);
    let changed = 0;
    for (let p = 0; p < on.data.length; p += 4) if (Math.abs(on.data[p] - off.data[p]) + Math.abs(on.data[p + 2] - off.data[p + 2]) > 30) changed++;
    expect(changed / (on.width * on.height)).toBeGreaterThan(0.01);
  });

  it('exports the maps as NIfTI on the grid, a PNG of the layout, the region CSV and the session JSON', async () => {
    const grid = niftiHeader((await download('export-nifti')).bytes);
    expect(grid.sizeofHdr).toBe(348);
    expect(grid.magic).toBe('n+1');
    expect(grid.dims.slice(0, 4)).toEqual([3, 121, 145, 121]);
    expect(grid.datatype).toBe(16);
    expect(grid.sformCode).toBeGreaterThan(0);
    expect(grid.srow).toEqual([-1.5, 0, 0, 90, 0, 1.5, 0, -126, 0, 0, 1.5, -72]);
    expect(grid.data.some((v) => v !== 0)).toBe(true);

    await page.getByTestId('export-nifti-kind').selectOption('display-grid');
    const disp = niftiHeader((await download('export-nifti')).bytes);
    let maxAbs = 0;
    for (const v of disp.data) maxAbs = Math.max(maxAbs, Math.abs(v));
    expect(maxAbs).toBeLessThanOrEqual(1);
    expect(maxAbs).toBeGreaterThan(0);

    const png = await download('export-png');
    expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const img = decodePng(png.bytes);
    const canvas = await page.evaluate(() => {
      const c = document.querySelector('canvas')!;
      return [c.width, c.height];
    });
    expect(img.width).toBe(canvas[0]);
    expect(img.height).toBeGreaterThan(canvas[1]);

    const csvLines = (await download('export-csv')).bytes.toString('utf8').split('\n');
    expect(csvLines[0]).toMatch(/^# .*not a diagnosis/); // the disclaimer travels with the table
    const csv = csvLines.filter((l) => !l.startsWith('#'));
    expect(csv[0]).toBe('region,hemisphere,voxels,positive_sum,negative_sum');
    expect(csv.filter((l) => l.startsWith('Hippocampus_'))).toHaveLength(2);

    const reportFile = await download('export-report');
    expect(reportFile.name).toMatch(/\.json$/);
    const report = JSON.parse(reportFile.bytes.toString('utf8'));
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['app', 'scan', 'model', 'method', 'covariates', 'prediction', 'display']));
    const scanBytes = readFileSync(join(DIST, 'demo', 'demo-03-AD.nii.gz'));
    const { createHash } = await import('node:crypto');
    expect(report.scan.sha256).toBe(createHash('sha256').update(scanBytes).digest('hex'));
    expect(report.scan.fileName).toBe('demo-03-AD.nii.gz');
    expect(report.display.threshold).toBe(0.15);
    expect(report.display.minClusterSizeVoxels).toBe(0);
    expect(report.app.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const shown = Number(
      await page
        .getByTestId('prediction')
        .locator('.prob')
        .textContent()
        .then((t) => t!.replace('%', '')),
    );
    expect(report.prediction.probabilityAD * 100).toBeCloseTo(shown, 1);
  });

  it('exports the relevance resampled into the space of a scan stored on another grid (RAS)', async () => {
    // The demo scan with its i axis reversed and the affine to match: the same image in RAS order.
    const demo = readNifti(readFileSync(join(DIST, 'demo', 'demo-03-AD.nii.gz'))).volume;
    const [nx, ny, nz] = demo.dims;
    const flipped = new Float32Array(demo.data.length);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) flipped[nx - 1 - i + nx * (j + ny * k)] = demo.data[i + nx * (j + ny * k)];
    const ras = writeNifti(
      { dims: demo.dims, data: flipped, affine: [1.5, 0, 0, -90, 0, 1.5, 0, -126, 0, 0, 1.5, -72, 0, 0, 0, 1] },
      { datatype: 'float32', gzip: true },
    );
    await page.getByTestId('file-input').setInputFiles({ name: 'ras-scan.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from(ras) });
    await page.getByText('ras-scan.nii.gz').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid=progress]'), undefined, { timeout: 180_000 });
    await page.getByTestId('cluster-timing').waitFor({ timeout: 30_000 });

    await page.getByTestId('export-nifti-kind').selectOption('raw-grid');
    const grid = niftiHeader((await download('export-nifti')).bytes);
    await page.getByTestId('export-nifti-kind').selectOption('raw-scan');
    const scan = niftiHeader((await download('export-nifti')).bytes);
    expect(scan.dims.slice(0, 4)).toEqual([3, nx, ny, nz]);
    expect(scan.srow).toEqual([1.5, 0, 0, -90, 0, 1.5, 0, -126, 0, 0, 1.5, -72]);
    // Same voxel centres, reversed i: the scan-space map is the grid map mirrored, value for value.
    let mismatches = 0;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          if (scan.data[nx - 1 - i + nx * (j + ny * k)] !== grid.data[i + nx * (j + ny * k)]) mismatches++;
        }
    expect(mismatches).toBe(0);
    expect(grid.data.some((v) => v !== 0)).toBe(true);
  });

  it('threw no page errors', () => {
    expect(pageErrors).toEqual([]);
  });

  it('broke no rule of the Content-Security-Policy', () => expectNoCspViolations(page));
});
