/**
 * What every browser test and browser script sets up the same way: headless Chromium with the
 * flags that keep it offline and quiet, and the built app (dist/) served with the cross-origin
 * isolation headers.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { serveStatic, type StaticServer } from './staticServer';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist');

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

/** The system Chromium with CHROMIUM_ARGS, plus `extraArgs`. */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * Builds the app into dist/ (skipped when RV_SKIP_BUILD=1 and a build is there, as
 * `npm run test:browser` does after its own build), then serves it; `overrides` as serveStatic.
 */
export async function buildAndServe(overrides: Record<string, Uint8Array | string> = {}): Promise<StaticServer> {
  if (process.env.RV_SKIP_BUILD !== '1' || !existsSync(join(DIST, 'index.html'))) {
    const { build } = await import('vite');
    await build({ root: ROOT, logLevel: 'warn' });
  }
  return serveStatic(DIST, overrides);
}
