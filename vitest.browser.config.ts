import { defineConfig } from 'vitest/config';

// Browser tests: Vitest runs in Node and drives Chromium through playwright-core
// (WebGL2 via SwiftShader: slow, hence the long timeouts).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
