/**
 * The service worker's file lists (vite-plugins/serviceWorker.ts) with cross-validation fold models
 * deployed (stand-in folders made here): a fold's files are cached on first use only, never on
 * install, so a visit downloads no fold weights unasked; models/index.json lists the folders.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceWorker } from '../vite-plugins/serviceWorker';
import { modelIndexJson } from '../vite-plugins/modelIndex';

const root = mkdtempSync(join(tmpdir(), 'rv-sw-'));
const models = join(root, 'models');
const pub = join(root, 'public');
for (const d of ['demo-whole', 'demo-fold-0', 'demo-fold-1', 'other', 'notes']) {
  mkdirSync(join(models, d), { recursive: true });
  if (d !== 'notes') writeFileSync(join(models, d, 'model.json'), '{}');
  writeFileSync(join(models, d, 'group1-shard1of1.bin'), d);
}
mkdirSync(pub);
writeFileSync(join(pub, 'favicon.svg'), '<svg/>');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the plugin's hooks on a bundle with only the service worker chunk; returns the manifest it wrote in. */
function manifestOf(): { version: string; files: string[]; lazy: string[] } {
  const plugin = serviceWorker({ source: 'sw.ts', modelsDir: models });
  (plugin.configResolved as (c: { publicDir: string }) => void)({ publicDir: pub });
  const sw = { type: 'chunk', code: 'const M = JSON.parse("__RV_SW_MANIFEST__");' };
  const hook = plugin.generateBundle as { handler: (o: unknown, b: Record<string, unknown>) => void };
  hook.handler({}, { 'sw.js': sw, 'index.html': { type: 'asset', source: '<html>' } });
  const json = /JSON\.parse\((".*")\)/.exec(sw.code)![1]!;
  return JSON.parse(JSON.parse(json) as string) as { version: string; files: string[]; lazy: string[] };
}

describe('service worker manifest with fold models deployed', () => {
  it("precaches the page, the default model (the demo family's whole-dataset model) and the index; the folds only on first use", () => {
    const m = manifestOf();
    expect(m.files).toEqual(
      expect.arrayContaining(['index.html', 'favicon.svg', 'models/index.json', 'models/demo-whole/model.json', 'models/demo-whole/group1-shard1of1.bin']),
    );
    expect(m.files.filter((f) => /demo-fold/.test(f))).toEqual([]);
    expect(m.lazy.sort()).toEqual(['demo-fold-0', 'demo-fold-1'].flatMap((d) => [`models/${d}/group1-shard1of1.bin`, `models/${d}/model.json`]).sort());
  });

  it('models/index.json lists the folders that hold a model.json, families marked', () => {
    const index = JSON.parse(modelIndexJson(models)) as { models: Array<{ id: string; family?: string; role?: string; fold?: number }> };
    expect(index.models.map((m) => m.id)).toEqual(['demo-fold-0', 'demo-fold-1', 'demo-whole', 'other']);
    expect(index.models.find((m) => m.id === 'demo-fold-1')).toMatchObject({ family: 'demo', role: 'fold', fold: 1 });
    expect(index.models.find((m) => m.id === 'demo-whole')).toMatchObject({ family: 'demo', role: 'whole' });
    expect(index.models.find((m) => m.id === 'other')?.family).toBeUndefined();
  });
});
