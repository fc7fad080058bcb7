/// <reference lib="webworker" />
/**
 * The service worker: keeps the app usable offline. On install it caches every file of the
 * build (page, workers, wasm, atlas, templates, bundled models, demo cases: the list and a
 * version derived from their contents are written in at build time by
 * vite-plugins/serviceWorker.ts); once active it answers those URLs from the cache and drops
 * the caches of older builds. The files of cross-validation fold models (`lazy`) are not fetched on
 * install: the first request for one goes to the network and its answer is kept, so a fold model
 * chosen once works offline afterwards, and one never chosen is never downloaded. Anything else (a scan given as ?url=) goes to the network
 * untouched and is never cached; dropped scans are never fetched at all.
 *
 * A new deploy has a new version: its worker installs in the background and takes over once
 * every tab of the old one is closed (no skipWaiting: a page keeps the build it started with).
 */
declare const self: ServiceWorkerGlobalScope;
export {}; // a module, so that `self` above is this file's own declaration

// Replaced at build time by JSON: { version, files, lazy: paths relative to this file }.
const MANIFEST = JSON.parse('__RV_SW_MANIFEST__') as { version: string; files: string[]; lazy?: string[] };
const PREFIX = 'relevance-viewer-';
const CACHE = `${PREFIX}${MANIFEST.version}`;
const scope = new URL('./', self.location.href);
const index = new URL('index.html', scope).href;
const cached = new Set(MANIFEST.files.map((f) => new URL(f, scope).href));
const lazy = new Set((MANIFEST.lazy ?? []).map((f) => new URL(f, scope).href));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll([...cached].map((u) => new Request(u, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  const path = url.origin + url.pathname;
  // The page itself, whatever its query (?backend=, ?url=, ?lang=).
  const key = req.mode === 'navigate' && (path === scope.href || path === index) ? index : cached.has(path) ? path : null;
  if (!key && lazy.has(path)) {
    event.respondWith(
      caches.open(CACHE).then(async (c) => {
        const hit = await c.match(path, { ignoreSearch: true });
        if (hit) return hit;
        const res = await fetch(req);
        if (res.ok) await c.put(path, res.clone());
        return res;
      }),
    );
    return;
  }
  if (!key) return;
  event.respondWith(caches.open(CACHE).then(async (c) => (await c.match(key, { ignoreSearch: true })) ?? fetch(req)));
});
