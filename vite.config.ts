import { createReadStream, cpSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { contentSecurityPolicy } from './vite-plugins/csp';
import { siteHeaders } from './vite-plugins/headersFile';
import { serviceWorker } from './vite-plugins/serviceWorker';
import { modelIndexJson } from './vite-plugins/modelIndex';

// Cross-origin isolation lets the wasm kernels use threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The bundled models live in models/ (next to their cards), not in public/: serve them in dev and
 * copy them into the build as dist/models/, with models/index.json listing the model folders found.
 */
function bundledModels(): Plugin {
  const root = resolve(__dirname, 'models');
  let outDir = 'dist';
  return {
    name: 'relevance-viewer-models',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use('/models', (req, res, next) => {
        if ((req.url ?? '').split('?')[0] === '/index.json') {
          res.setHeader('Content-Type', 'application/json');
          res.end(modelIndexJson(root));
          return;
        }
        const file = normalize(join(root, decodeURIComponent((req.url ?? '/').split('?')[0]!)));
        if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return next();
        createReadStream(file).pipe(res);
      });
    },
    closeBundle() {
      if (existsSync(root)) cpSync(root, join(outDir, 'models'), { recursive: true });
      writeFileSync(join(outDir, 'models', 'index.json'), modelIndexJson(root));
    },
  };
}

export default defineConfig({
  base: './', // relative base: the build works from any static folder
  plugins: [
    react(),
    bundledModels(),
    contentSecurityPolicy(),
    serviceWorker({ source: resolve(__dirname, 'src/worker/serviceWorker.ts'), modelsDir: resolve(__dirname, 'models') }),
  ],
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  // The built site as a host that reads public/_headers serves it (isolation and the CSP).
  preview: { headers: { ...isolationHeaders, ...siteHeaders(resolve(__dirname, 'public', '_headers')) } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
