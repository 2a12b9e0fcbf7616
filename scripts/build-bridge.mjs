// Bundles the node entries, each into one file: the bridge (so a client launches it fast, loading
// nothing it does not need) and the CLI (the package's bin). keytar is native and stays external.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

// `import { z } from 'zod'` binds zod's namespace object as a value, so the bundler keeps all of
// zod (450 KB, every locale) though the code uses a few schema builders; as a namespace import
// (`import * as z`, the same members) only those are kept: the bridge's bundle halves, and its
// start-up with it. The sources keep zod's documented import form.
const zodNamespaceImport = {
  name: 'zod-namespace-import',
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replaceAll(
        "import { z } from 'zod';",
        "import * as z from 'zod';",
      ),
      loader: path.endsWith('x') ? 'tsx' : 'ts',
    }));
  },
};

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
  plugins: [zodNamespaceImport],
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
