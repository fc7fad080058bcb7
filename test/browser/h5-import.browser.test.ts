/**
 * Keras HDF5 models dropped on the page (headless Chromium, ?backend=wasm-simd): converted in the
 * worker, listed under their file names, kept in IndexedDB over a reload, refused with a clear
 * message when the file is bad or the model cannot take the paper's input, and removed again.
 * The tiny fixture (input 16 x 16 x 16 x 1) cannot run on the 100 x 100 x 120 model tensor; the
 * end-to-end analysis after the removal runs the seeded paper-size model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAndServe, expectNoCspViolations, launchBrowser, ROOT, openApp } from './harness';
import type { StaticServer } from './staticServer';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'h5');

let browser: Browser;
let page: Page;
let server: StaticServer;
const pageErrors: string[] = [];

/** Drops files on the page's drop zone as a person's drag and drop does (a DataTransfer of Files). */
async function dropFiles(files: Array<{ name: string; bytes: Buffer }>): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') }));
  await page.getByTestId('drop-zone').evaluate((zone, list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name));
    }
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, payload);
}

const modelOptions = () =>
  page
    .getByTestId('model-select')
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));

async function dismissError(): Promise<string> {
  const error = page.getByTestId('error');
  await error.waitFor({ timeout: 60_000 });
  const text = (await error.textContent()) ?? '';
  await error.getByRole('button').click();
  await error.waitFor({ state: 'detached' });
  return text;
}

beforeAll(async () => {
  server = await buildAndServe();
  browser = await launchBrowser();
  page = await openApp(browser, server, { query: '?backend=wasm-simd', errors: pageErrors, page: { locale: 'en-US' } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('Keras HDF5 import', () => {
  it('a dropped .h5 without a scan joins the model list under its file name', async () => {
    await dropFiles([{ name: 'keras224_tiny.h5', bytes: readFileSync(join(FIXTURES, 'keras224_tiny.h5')) }]);
    const item = page.getByTestId('imported-model');
    await item.waitFor({ timeout: 60_000 });
    expect(await item.textContent()).toContain('keras224_tiny.h5');
    expect(await item.textContent()).toMatch(/16×16×16×1/);
    expect(await modelOptions()).toContain('h5:keras224_tiny.h5');
    expect(await page.getByTestId('model-select').inputValue()).toBe('h5:keras224_tiny.h5');
    expect(await page.getByTestId('error').count()).toBe(0);
  });

  it('an analysis with a model of another input size says so clearly', async () => {
    await page.getByTestId('demo-select').selectOption('demo-01-CN');
    const text = await dismissError();
    expect(text).toMatch(/takes inputs of 16 x 16 x 16 x 1/);
    expect(text).toMatch(/100 x 100 x 120 x 1/);
  });

  it('bad files are refused with the converter’s message, and the model list stays', async () => {
    const notHdf5 = Buffer.from('definitely not a Keras model '.repeat(20));
    await dropFiles([{ name: 'notes.h5', bytes: notHdf5 }]);
    expect(await dismissError()).toMatch(/notes\.h5.*not an HDF5 file/);

    const truncated = readFileSync(join(FIXTURES, 'keras224_tiny.h5')).subarray(0, 600);
    await dropFiles([{ name: 'truncated.hdf5', bytes: truncated }]);
    expect(await dismissError()).toMatch(/truncated\.hdf5/);

    await dropFiles([{ name: 'theano.h5', bytes: readFileSync(join(FIXTURES, 'refuse_backend_theano.h5')) }]);
    expect(await dismissError()).toMatch(/theano/);

    expect(await page.getByTestId('imported-model').count()).toBe(1);
  });

  it('survives a reload (IndexedDB), without the file', async () => {
    await page.reload();
    await page.getByTestId('imported-model').waitFor({ timeout: 30_000 });
    expect(await modelOptions()).toContain('h5:keras224_tiny.h5');
  });

  it('two files dropped together are both imported; remove buttons take them out, also after a reload', async () => {
    await dropFiles([
      { name: 'fold_a.h5', bytes: readFileSync(join(FIXTURES, 'keras224_tiny_vlen.h5')) },
      { name: 'fold_b.hdf5', bytes: readFileSync(join(FIXTURES, 'keras224_tiny_gzip.h5')) },
    ]);
    await page.getByTestId('imported-model').nth(2).waitFor({ timeout: 60_000 });
    expect(await modelOptions()).toEqual(expect.arrayContaining(['h5:fold_a.h5', 'h5:fold_b.hdf5']));
    while ((await page.getByTestId('remove-model').count()) > 0) {
      const n = await page.getByTestId('remove-model').count();
      await page.getByTestId('remove-model').first().click();
      await page.waitForFunction((k) => document.querySelectorAll('[data-testid=remove-model]').length < k, n);
    }
    expect((await modelOptions()).filter((m) => m.startsWith('h5:'))).toEqual([]);
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=demo-select] option').length > 1);
    // What a reload would list: the worker's IndexedDB store, read directly.
    const stored = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const req = indexedDB.open('relevance-viewer');
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const db = req.result;
            if (!db.objectStoreNames.contains('imported-models')) return resolve(0);
            const count = db.transaction('imported-models').objectStore('imported-models').count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
        }),
    );
    expect(stored).toBe(0);
    expect(await page.getByTestId('imported-model').count()).toBe(0);
  });

  it('end to end with the paper-size seeded model: a demo case gives a prediction', async () => {
    await page.getByTestId('model-select').selectOption('seeded');
    await page.getByTestId('demo-select').selectOption('demo-03-AD');
    await page.getByTestId('prediction').waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('prediction').textContent()).toMatch(/\d+(\.\d)?%/);
    // The disclaimer fits the model: an untrained one is not called a synthetic-data demonstration.
    const disclaimer = await page.locator('.disclaimer').first().textContent();
    expect(disclaimer).toMatch(/Untrained model/);
    expect(disclaimer).not.toMatch(/synthetic data/);
  });

  it('threw no page errors', () => {
    expect(pageErrors).toEqual([]);
  });

  it('broke no rule of the Content-Security-Policy', () => expectNoCspViolations(page));
});
