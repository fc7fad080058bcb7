/**
 * What every browser test and browser script sets up the same way: headless Chromium with the
 * flags that keep it offline and quiet, and the built app (dist/) served with the cross-origin
 * isolation headers; and the page helpers several tests use.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from './staticServer';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist');
/**
 * Where screenshots of the main states go: docs/screenshots/ (the README's pictures) when
 * RV_UPDATE_SCREENSHOTS=1, else test-output/screenshots/, so a test run leaves the tree clean.
 */
export const SHOTS = join(ROOT, ...(process.env.RV_UPDATE_SCREENSHOTS === '1' ? ['docs', 'screenshots'] : ['test-output', 'screenshots']));

/** No sandbox (containers), software WebGL, and no background traffic to other origins. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Debian's chromium unless CHROMIUM_PATH names another Chromium (e.g. on a CI image or a Mac). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The system Chromium (CHROMIUM_PATH) with CHROMIUM_ARGS, plus `extraArgs`. */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * Builds the app into dist/ (skipped when RV_SKIP_BUILD=1 and a build is there, as
 * `npm run test:browser` does after its own build), then serves it; `overrides` as serveStatic.
 */
export async function buildAndServe(overrides: Record<string, Uint8Array | string> = {}, onRequest?: (path: string) => void): Promise<StaticServer> {
  if (process.env.RV_SKIP_BUILD !== '1' || !existsSync(join(DIST, 'index.html'))) {
    const { build } = await import('vite');
    await build({ root: ROOT, logLevel: 'warn' });
  }
  return serveStatic(DIST, overrides, onRequest);
}

/** Frames drawn so far by the viewer (the engine counts them on the canvas). */
export function frames(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.querySelector('canvas')?.dataset.frames ?? 0));
}

/** Waits until the viewer has drawn a frame after frame `n`. */
export async function waitForFrameAfter(page: Page, n: number, timeout = 60_000): Promise<void> {
  await page.waitForFunction((k) => Number(document.querySelector('canvas')?.dataset.frames ?? 0) > k, n, { timeout });
}

/** Sets a native range input the way a user's drag does (value + input event). */
export async function setSlider(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(v));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

const cspLogs = new WeakMap<Page, string[]>();

/**
 * Starts recording Content-Security-Policy violations of `page` (call before its first goto):
 * the page's securitypolicyviolation events from its first script on, and those of its workers
 * (which fire in the worker, under the policy its script was served with), from the moment
 * each worker appears.
 */
export async function watchCsp(page: Page): Promise<void> {
  const log: string[] = [];
  cspLogs.set(page, log);
  const TAG = '[csp-violation] ';
  page.on('worker', (w) => {
    w.on('console', (m) => {
      if (m.text().startsWith(TAG)) log.push(`worker ${w.url().split('/').pop()}: ${m.text().slice(TAG.length)}`);
    });
    void w
      .evaluate((tag) => {
        self.addEventListener('securitypolicyviolation', (e) => {
          console.error(`${tag}${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
        });
      }, TAG)
      .catch(() => undefined); // a worker that ended first
  });
  // A binding outlives navigations, so reloads and second visits are covered too.
  await page.exposeFunction('__rvCspViolation', (text: string) => log.push(`event: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __rvCspViolation: (t: string) => void }).__rvCspViolation;
      report(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
}

/** The violations recorded since watchCsp(page), events and console reports together. */
export function cspViolations(page: Page): string[] {
  return [...(cspLogs.get(page) ?? [])];
}

/** Fails with the list when `page` broke its Content-Security-Policy anywhere. */
export function expectNoCspViolations(page: Page): void {
  const found = cspViolations(page);
  if (found.length) throw new Error(`Content-Security-Policy violations:\n${found.join('\n')}`);
}

/** The viewport most tests use. */
const APP_VIEWPORT = { width: 1400, height: 900 };

/**
 * A page of the built app as most tests open it: CSP watched, page errors collected into `errors`,
 * loaded with `query` (e.g. '?backend=wasm-simd'), and the demo list filled (the page is ready).
 */
export async function openApp(
  browser: Browser,
  server: StaticServer,
  o: { query?: string; errors?: string[]; page?: BrowserContextOptions } = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport: APP_VIEWPORT, deviceScaleFactor: 1, ...o.page });
  await watchCsp(page);
  if (o.errors) page.on('pageerror', (e) => o.errors!.push(String(e)));
  await page.goto(`${server.url}${o.query ?? ''}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=demo-select] option').length > 1);
  return page;
}
