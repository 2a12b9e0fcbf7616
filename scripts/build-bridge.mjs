// Bundles the node entries, each into one file: the bridge (so a client launches it fast, loading
// nothing it does not need) and the CLI (the package's bin). keytar is native and stays external.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

// The sources import zod as a namespace (`import * as z from 'zod'`, zod 4's documented form), so
// only the builders they use are bundled: `import { z }` binds the whole namespace as a value and
// would pull in all of zod with every locale (the bridge bundle 400 KB → 750 KB).

const entries = { 'bridge/bridge': 'src/bridge/main.ts', 'cli/cli': 'src/cli/main.ts' };

await build({
  entryPoints: Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file))),
  outdir: 'out',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: false,
  external: ['keytar'],
  // Prefer ES modules: jsonc-parser's UMD main requires its parts dynamically, which a bundle breaks.
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ES modules still reach for require and __filename
  // (write-file-atomic names its temporary files after __filename).
  banner: {
    js: [
      "import { createRequire as __cr } from 'node:module';",
      "import { fileURLToPath as __fu } from 'node:url';",
      'const require = __cr(import.meta.url);',
      'const __filename = __fu(import.meta.url);',
    ].join(' '),
  },
  logLevel: 'warning',
});
