/**
 * Builds src/worker/serviceWorker.ts into dist/sw.js with the list of files to cache for offline use and a
 * version derived from their contents (so a new deploy gets a new cache and the old one is
 * dropped). The list is every file of the bundle (page, chunks, workers, wasm), of public/
 * (atlas, templates, demo cases) and of models/ (copied into dist/models/ by the models plugin),
 * plus models/index.json. The files of cross-validation family members are listed apart as `lazy`:
 * cached on first use, never on install (a visit must not download ten fold models unasked).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';
import { familyMemberFolders, modelIndexJson } from './modelIndex';

const SW_FILE = 'sw.js';
const PLACEHOLDER = /(["'`])__RV_SW_MANIFEST__\1/;
/** Server configuration and sources of the worker itself: never fetched by the app. */
const SKIP = new Set(['_headers', SW_FILE]);

function filesUnder(root: string, prefix: string): Array<{ name: string; bytes: Buffer }> {
  const collect = (dir: string): Array<{ name: string; bytes: Buffer }> =>
    existsSync(dir)
      ? readdirSync(dir).flatMap((entry) => {
          const full = join(dir, entry);
          return statSync(full).isDirectory() ? collect(full) : [{ name: prefix + relative(root, full).split(sep).join('/'), bytes: readFileSync(full) }];
        })
      : [];
  return collect(root);
}

export function serviceWorker(options: { source: string; modelsDir: string }): Plugin {
  let publicDir = '';
  return {
    name: 'relevance-viewer-sw',
    apply: 'build',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    buildStart() {
      this.emitFile({ type: 'chunk', id: options.source, fileName: SW_FILE });
    },
    // After Vite's own plugins, so that index.html is in the bundle.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const sw = bundle[SW_FILE];
        if (!sw || sw.type !== 'chunk') throw new Error('the service worker chunk is missing');
        const files: Array<{ name: string; bytes: Uint8Array | string }> = [];
        for (const [name, item] of Object.entries(bundle)) {
          if (SKIP.has(name) || name.endsWith('.map')) continue;
          files.push({ name, bytes: item.type === 'chunk' ? item.code : item.source });
        }
        files.push(...filesUnder(publicDir, ''), ...filesUnder(options.modelsDir, 'models/'));
        files.push({ name: 'models/index.json', bytes: modelIndexJson(options.modelsDir) });
        const list = files.filter((f) => !SKIP.has(f.name)).sort((a, b) => a.name.localeCompare(b.name));
        const hash = createHash('sha256');
        for (const f of list) hash.update(f.name).update('\0').update(f.bytes).update('\0');
        const members = familyMemberFolders(options.modelsDir).map((d) => `models/${d}/`);
        const isLazy = (name: string) => members.some((m) => name.startsWith(m));
        const manifest = {
          version: hash.digest('hex').slice(0, 16),
          files: list.filter((f) => !isLazy(f.name)).map((f) => f.name),
          lazy: list.filter((f) => isLazy(f.name)).map((f) => f.name),
        };
        if (!PLACEHOLDER.test(sw.code)) throw new Error('the service worker has no manifest placeholder');
        sw.code = sw.code.replace(PLACEHOLDER, JSON.stringify(JSON.stringify(manifest)));
      },
    },
  };
}
