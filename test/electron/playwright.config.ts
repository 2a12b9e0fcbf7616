import { defineConfig } from '@playwright/test';

/**
 * The Electron tests: `npm run build`, then `npm run test:electron`. They need the Electron
 * binary (and, on Linux without a desktop, a display: `xvfb-run -a npm run test:electron`); where
 * the binary is absent they are skipped and say why.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  outputDir: '../../test-results/electron',
});
