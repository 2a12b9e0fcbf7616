import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
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
    plugins: [react()],
  },
});
