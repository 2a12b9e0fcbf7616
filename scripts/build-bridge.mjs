// Bundles the bridge into one file so a client launches it fast, loading nothing it does not
// need. keytar is native and stays external.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entry = 'src/bridge/main.ts';
if (!existsSync(entry)) process.exit(0);

await build({
  entryPoints: { bridge: entry },
  outdir: 'out/bridge',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: false,
  external: ['keytar'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
