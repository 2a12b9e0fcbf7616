// Bundles the node entries: the bridge (so a client launches it fast, loading nothing it does not
// need) and the CLI (the package's bin). keytar is native and stays external.
//
// `node scripts/build-bridge.mjs` writes what ships, to out/. `--failpoints` writes the build the
// crash tests use, with SPLATTR_FAILPOINT honoured (src/core/failpoints.ts), to out/failpoints/,
// which packaging never includes.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';

// The sources import zod as a namespace (`import * as z from 'zod'`, zod 4's documented form), so
// only the builders they use are bundled: `import { z }` binds the whole namespace as a value and
// would pull in all of zod with every locale (the bridge bundle 400 KB → 750 KB).

// Node's own modules are loaded with require, not as ES modules. Since Node 22 the ES module
// facade of node:http reads every export, and its lazy WebSocket getters load undici: about
// 12 MiB and 50 ms at every bridge start for an HTTP client that never uses it (bench/README.md).
const builtins = new Set(builtinModules);
const requireBuiltins = {
  name: 'require-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^[a-z0-9_:/]+$/ }, ({ path: name, namespace, kind }) => {
      const builtin = name.replace(/^node:/, '');
      if (!builtins.has(builtin)) return undefined;
      // A CommonJS dependency's require stays one (the banner's real require), and so does the
      // one in the stand-in below.
      if (namespace === 'node-builtin' || kind === 'require-call') {
        return { path: name, external: true };
      }
      return { path: builtin, namespace: 'node-builtin' };
    });
    // An ES module, not `module.exports = require(…)`: a bundle imports a CommonJS module through
    // esbuild's __toESM, which asks for the descriptor of every export, and node:util builds its
    // lazy exports when asked (diff, worker_threads, trace_sigint: 0.7 MiB per bridge). Each
    // export here reads its one property when used; unused ones are dropped with the annotation.
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, ({ path: name }) => {
      const specifier = JSON.stringify(`node:${name}`);
      const exports = Object.keys(process.getBuiltinModule(`node:${name}`))
        .filter((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default')
        .map((key) => `export const ${key} = /* @__PURE__ */ read$(${JSON.stringify(key)});`);
      return {
        contents: [
          `const builtin$ = require(${specifier});`,
          'const read$ = (key) => builtin$[key];',
          'export default builtin$;',
          ...exports,
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

const failpoints = process.argv.includes('--failpoints');
const outdir = failpoints ? path.join('out', 'failpoints') : 'out';

/** One bundle, `out/<name>.mjs`, of `source` and all it imports. */
async function bundle(name, source, extra = {}) {
  if (!existsSync(source)) return;
  await build({
    entryPoints: { [name]: source },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Electron 45's own Node, which runs the bridge in the field (package.json `engines`).
    target: 'node24',
    minify: true,
    sourcemap: false,
    external: ['keytar'],
    plugins: [requireBuiltins, ...(extra.plugins ?? [])],
    define: { __SPLATTR_FAILPOINTS__: String(failpoints) },
    // Prefer ES modules: jsonc-parser's UMD main requires its parts dynamically, which a bundle
    // breaks.
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
}

// The bridge is two files: its entry sets up the compile cache
// (src/core/bridge/startup/compileCache.ts), then loads the bridge itself, which is compiled
// only then. Each file is read whole, so the entry imports the other as it stands beside it.
const besideEntry = {
  name: 'bridge-beside-entry',
  setup(b) {
    b.onResolve({ filter: /^\.\/run$/ }, () => ({ path: './run.mjs', external: true }));
  },
};
await rm(path.join(outdir, 'bridge'), { recursive: true, force: true });
await bundle('bridge/bridge', 'src/bridge/main.ts', { plugins: [besideEntry] });
await bundle('bridge/run', 'src/bridge/run.ts');
await bundle('cli/cli', 'src/cli/main.ts');
