// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'url'];
const nodePatterns = ['node:*', ...nodeBuiltins, ...nodeBuiltins.map((m) => `${m}/*`)];

// The layering of DESIGN.md, enforced: renderer → shared; entries → core → shared.
const layer = (files, patterns, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
  },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'release/**',
      'bench/results/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: reactHooks.configs.recommended.rules,
  },
  layer(
    ['src/shared/**'],
    [...nodePatterns, 'electron', '**/core/**', '**/main/**', '**/renderer/**'],
    'src/shared is the pure contract: no node, no electron, no other layer.',
  ),
  layer(
    ['src/core/**'],
    ['electron', 'electron-store', '**/main/**', '**/renderer/**', '**/preload/**', '**/cli/**'],
    'src/core is Electron-free and never imports an upper layer.',
  ),
  layer(
    ['src/renderer/**'],
    [...nodePatterns, 'electron', '**/core/**', '**/main/**', '**/sandbox/**'],
    'The renderer only talks to window.splattr and imports src/shared.',
  ),
  {
    // The bridge runs this code; see src/core/utcTimestamp.ts for what toISOString costs it.
    files: ['src/core/**', 'src/bridge/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'toISOString', message: 'Use utcTimestamp (src/core/utcTimestamp.ts).' },
      ],
    },
  },
  layer(
    ['bench/**', 'support/**'],
    ['**/test/**'],
    'Benchmarks and the shared test support do not import the tests: what both need lives in support/.',
  ),
  layer(
    ['src/sandbox/**'],
    ['electron', '**/core/**', '**/main/**', '**/renderer/**'],
    'The sandbox stands in for Splattr: it shares nothing with the app.',
  ),
);
