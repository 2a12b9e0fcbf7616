import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * In development only, Vite injects each CSS module as a <style> element (for hot reload), which
 * the page's CSP forbids; this loosens style-src for the dev server. The built app keeps the
 * strict policy from index.html, which the UI tests check.
 */
function devStyles(): Plugin {
  return {
    name: 'splattr:dev-inline-styles',
    apply: 'serve',
    transformIndexHtml: (html) =>
      // A hash in the directive would make the browser ignore 'unsafe-inline', so replace it whole.
      html.replace(/style-src [^;"]*/, "style-src 'self' 'unsafe-inline'"),
  };
}

export default defineConfig({
  main: {
    // What package.json lists under `dependencies` stays external and ships in node_modules;
    // everything else is bundled. The MCP SDK is a devDependency for this reason: bundled, only
    // its client code ships, not the express, hono and cors its package depends on for servers.
    // The app never honours SPLATTR_FAILPOINT: only the crash tests' build does (src/core/failpoints.ts).
    define: { __SPLATTR_FAILPOINTS__: 'false' },
    build: { rolldownOptions: { input: { index: 'src/main/index.ts' } } },
  },
  preload: {
    build: {
      // A sandboxed preload can require only `electron` and a few Node builtins: it must be one
      // CommonJS file with its dependencies (zod, the shared contract) bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: 'src/preload/index.ts' },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    build: { minify: true, rolldownOptions: { input: { index: 'src/renderer/index.html' } } },
    plugins: [react(), devStyles()],
  },
});
