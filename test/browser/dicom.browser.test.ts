/**
 * DICOM in the built app (headless Chromium, wasm-simd engine): a scanner export dropped as a
 * folder's files -> the series list (T1 chosen, the others one click away, patient shown on the
 * page) -> the analysis runs (the fixture T1s, 2.4-2.6 mm voxels, go through the raw-T1 stage);
 * no export (NIfTI on the grid and in the scan's space, PNG, CSV, session JSON, the raw-T1 stage's
 * maps and QC) carries the patient's name or ID; the scan the worker made is byte for byte Node's
 * reading (itself checked against dcm2niix), also for compressed series. Also: a zip through the
 * multi-file input, two NIfTIs dropped at once (what was used and ignored is said), and a
 * localizer-only folder (one sentence, the list still shown, the result on screen kept).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { readScan } from '../../src/core/input';
import { writeNifti } from '../../src/core/nifti';
import { READ_SCAN_DESCRIPTION } from '../../src/worker/scanReadProtocol';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderFiles, DICOM_FIXTURES, PATIENT_ID, PATIENT_NAME, seriesFiles } from '../dicom/fixtures';
import { buildAndServe, launchBrowser, SHOTS } from './harness';

import type { StaticServer } from './staticServer';

let browser: Browser;
let page: Page;
let server: StaticServer;
const pageErrors: string[] = [];

/** Fixture folders served under /fixture/<folder>/... */
function served(): Record<string, Uint8Array | string> {
  const out: Record<string, Uint8Array | string> = {};
  for (const f of seriesFiles('export-axial')) out[`/fixture/export-axial/${f.name}`] = f.bytes;
  for (const f of folderFiles(join(DICOM_FIXTURES, 'bad', 'localizer-only'))) out[`/fixture/localizer-only/${f.name}`] = f.bytes;
  return out;
}

/** Drops files on the page as a user's drag does: a DataTransfer with File objects, a drop event. */
async function dropServed(paths: string[]): Promise<void> {
  await page.evaluate(async (list) => {
    const dt = new DataTransfer();
    for (const p of list) {
      const bytes = await (await fetch(p)).arrayBuffer();
      dt.items.add(new File([bytes], p.replace(/^\/(fixture|demo)\//, '')));
    }
    document.querySelector('[data-testid=drop-zone]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, paths);
}

async function idle(): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-testid=progress]'), undefined, { timeout: 180_000 });
}

async function downloadFrom(button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const label = (await button.textContent()) ?? '?';
  const [d] = (await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }).catch((e: Error) => {
      throw new Error(`no download after clicking "${label}": ${e.message}`);
    }),
    button.click(),
  ])) as [Download, unknown];
  return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
}

async function download(testId: string): Promise<Buffer> {
  return (await downloadFrom(page.getByTestId(testId))).bytes;
}

/** A result on the page, no error: the T1 went through the raw-T1 stage and the model. */
async function expectAnalysed(scanName: string): Promise<void> {
  await idle();
  expect(await page.getByTestId('error').count()).toBe(0);
  expect(await page.getByTestId('prediction').count()).toBe(1);
  expect(await page.locator('.scan-name').textContent()).toContain(scanName);
  expect(await page.getByTestId('qc-verdict').textContent()).toMatch(/pass|doubtful/);
}

/**
 * The session report names the scan's SHA-256: that of the NIfTI the worker made of the series. Node's
 * reader (checked voxel for voxel against dcm2niix) written the same way must give the same bytes, so
 * the browser reads the series exactly as Node does: same voxels, same affine.
 */
async function expectSameAsNode(series: string, report: { scan: { sha256: string } }): Promise<void> {
  const node = await readScan(seriesFiles(series));
  const bytes = writeNifti(node.volume, { datatype: 'float32', description: READ_SCAN_DESCRIPTION });
  expect(report.scan.sha256, series).toBe(createHash('sha256').update(bytes).digest('hex'));
}

function expectNoPatient(what: string, bytes: Buffer): void {
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('latin1');
  expect(text, what).not.toContain(PATIENT_NAME);
  expect(text, what).not.toContain(PATIENT_ID);
}

/** A fresh page of the app (the tests share one; see the export test for why a second one is opened). */
async function openPage(): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1, acceptDownloads: true });
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  await p.goto(`${server.url}?backend=wasm-simd`);
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=demo-select] option').length > 1);
  return p;
}

/** Drops the export folder and waits for its analysis. */
async function analyseExport(): Promise<void> {
  await dropServed(seriesFiles('export-axial').map((f) => `/fixture/export-axial/${f.name}`));
  await page.getByTestId('dicom-series-list').waitFor({ timeout: 60_000 });
  await page.getByTestId('prediction').waitFor({ timeout: 180_000 });
  await expectAnalysed('T1 MPRAGE ax (series 3)');
}

beforeAll(async () => {
  server = await buildAndServe(served());
  browser = await launchBrowser();
  page = await openPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('DICOM in the app', () => {
  it('a dropped export folder: series list, the T1 chosen and analysed', async () => {
    await analyseExport();
    expect(await page.getByTestId('dicom-series').count()).toBe(5);
    const inUse = page.locator('[data-testid=dicom-series][data-in-use=true]');
    expect(await inUse.textContent()).toMatch(/Series 3 · T1 MPRAGE ax.*68 slices, 70 × 76, axial \(LPS\)/);
    expect(await page.getByTestId('dicom-patient').textContent()).toContain(PATIENT_NAME);
    expect(await page.getByTestId('scan-notices').textContent()).toMatch(/5 series found; using T1 MPRAGE ax \(series 3\)/);
    await page.evaluate(() => document.querySelector('.side-panel')?.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'dicom-series.png') });
  });

  it('no export carries the patient name or ID', async () => {
    expectNoPatient('NIfTI on the grid', await download('export-nifti'));
    await page.getByTestId('export-nifti-kind').selectOption('raw-scan');
    expectNoPatient('NIfTI in the scan space', await download('export-nifti'));
    expectNoPatient('PNG', await download('export-png'));
    expectNoPatient('CSV', await download('export-csv'));
    const report = await download('export-report');
    expectNoPatient('session report', report);
    expectNoPatient('CSV by lobe', await download('export-lobes-csv'));
    const parsed = JSON.parse(report.toString('utf8'));
    expect(parsed.scan.fileName).toBe('T1 MPRAGE ax (series 3)');
    await expectSameAsNode('export-axial', parsed);
  });

  it("the raw-T1 stage's products (its three maps, qc.json, the QC picture) carry no patient name or ID either", async () => {
    // On a fresh page: headless Chromium lets one page start ten downloads and silently drops the
    // eleventh (where a desktop browser would ask whether the site may download multiple files).
    await page.close();
    page = await openPage();
    await analyseExport();
    const stageExports = page.locator('[data-testid=qc-exports] button');
    const names: string[] = [];
    for (let n = 0; n < (await stageExports.count()); n++) {
      const file = await downloadFrom(stageExports.nth(n));
      expectNoPatient(file.name, file.bytes);
      names.push(file.name);
    }
    expect(names).toEqual(['mwp1.nii.gz', 'wm.nii.gz', 'csf.nii.gz', 'qc.json', 'qc.png']);
  });

  it('another series is one click away (and its 6 mm slices are refused in one sentence)', async () => {
    const t2 = page.locator('[data-testid=dicom-series]', { hasText: 't2_tse_tra' });
    await t2.getByTestId('dicom-series-use').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=dicom-series][data-in-use=true]')?.textContent?.includes('t2_tse_tra'), undefined, {
      timeout: 60_000,
    });
    await idle();
    // The fixture "T2" has the template's T1 contrast and 6 mm slices: the raw-T1 stage refuses it in one sentence.
    expect(await page.getByTestId('error').textContent()).toMatch(/6 mm slices, too thick/);
  });

  it('a zip through the multi-file input, beside a stray text file', async () => {
    const zip = Buffer.from(zipSync(Object.fromEntries(seriesFiles('jpeg-lossless').map((f) => [`export/${f.name}`, f.bytes]))));
    await page.getByTestId('file-input').setInputFiles([
      { name: 'export.zip', mimeType: 'application/zip', buffer: zip },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image\n') },
    ]);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=dicom-series][data-in-use=true]')?.textContent?.includes('T1 sag compressed'),
      undefined,
      { timeout: 60_000 },
    );
    await expectAnalysed('T1 sag compressed (series 8)');
    expect(await page.getByTestId('scan-notices').textContent()).toMatch(/neither NIfTI nor DICOM: notes\.txt/);
    await expectSameAsNode('jpeg-lossless', JSON.parse((await download('export-report')).toString('utf8')));
  });

  it('"Open DICOM folder" reads compressed series with the worker\'s WebAssembly codecs, exactly as Node does', async () => {
    // The previous test read the JPEG lossless copy of the same series: each read is told apart by its syntax.
    for (const [series, syntax] of [
      ['jpeg2000', 'JPEG 2000'],
      ['jpeg-ls', 'JPEG-LS'],
    ] as const) {
      await page.getByTestId('folder-input').setInputFiles(join(DICOM_FIXTURES, 'series', series));
      await page.waitForFunction(
        (s) => document.querySelector('[data-testid=dicom-series][data-in-use=true]')?.getAttribute('data-syntax')?.startsWith(s),
        syntax,
        { timeout: 60_000 },
      );
      await expectAnalysed('T1 sag compressed (series 8)');
      // Node here runs the codecs' JavaScript builds, the worker their WebAssembly builds.
      await expectSameAsNode(series, JSON.parse((await download('export-report')).toString('utf8')));
    }
  });

  it('two NIfTIs dropped at once: the first is used and the page says which was ignored', async () => {
    await dropServed(['/demo/demo-01-CN.nii.gz', '/demo/demo-03-AD.nii.gz']);
    await page.getByTestId('scan-notices').filter({ hasText: 'Used demo-01-CN' }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('scan-notices').textContent()).toMatch(/Used demo-01-CN\.nii\.gz and ignored demo-03-AD\.nii\.gz/);
    await idle();
    expect(await page.locator('.scan-name').textContent()).toContain('demo-01-CN.nii.gz');
    expect(await page.getByTestId('dicom-series-list').count()).toBe(0);
  });

  it('a localizer-only folder: one sentence, the series still listed, the result on screen kept', async () => {
    const names = folderFiles(join(DICOM_FIXTURES, 'bad', 'localizer-only')).map((f) => `/fixture/localizer-only/${f.name}`);
    await dropServed(names);
    const error = page.getByTestId('error');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toMatch(/only 1 slice: a 2D image \(e\.g\. a localizer\)/);
    expect(await page.getByTestId('dicom-series').count()).toBe(3);
    expect(await page.getByTestId('dicom-series-problem').allTextContents()).toEqual(Array(3).fill('a 2D image (1 slice(s)), not a volume'));
    expect(await page.getByTestId('dicom-series-use').count()).toBe(0);
    expect(await page.getByTestId('prediction').count()).toBe(1);
    expect(await page.locator('.scan-name').textContent()).toContain('demo-01-CN.nii.gz');
    expect(pageErrors).toEqual([]);
  });
});
