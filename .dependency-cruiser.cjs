// @ts-check
// The dependency rules ESLint's per-import patterns cannot see: cycles through any number of
// files, type-only imports included (they still tie the modules' meaning together), and the order
// of the folders inside src/core. `npm run lint` runs it; test/architecture proves it bites.

/** Inside core, a folder may import only the folders below it (docs/architecture.md). */
const CORE_LAYERS = [
  { name: 'basics', path: '^src/core/([^/]+\\.ts$|net/)' },
  { name: 'oauth, registry', path: '^src/core/(oauth|registry)/' },
  { name: 'credentials', path: '^src/core/credentials/' },
  { name: 'clients, bridge', path: '^src/core/(clients|bridge)/' },
  { name: 'service', path: '^src/core/service/' },
];

const upward = CORE_LAYERS.slice(0, -1).map((layer, index) => ({
  name: `core-${layer.name.replace(/\W+/g, '-')}-imports-upward`,
  comment: `src/core ${layer.name} must not import a layer above it (${CORE_LAYERS.slice(index + 1)
    .map((l) => l.name)
    .join('; ')}).`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: CORE_LAYERS.slice(index + 1).map((l) => l.path) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-import-cycle',
      comment: 'No module may import itself through others: untangle it into a lower module.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'clients-and-bridge-are-peers',
      comment: 'The client modules and the bridge share only what lies below them.',
      severity: 'error',
      from: { path: '^src/core/clients/' },
      to: { path: '^src/core/bridge/' },
    },
    {
      name: 'bridge-and-clients-are-peers',
      comment: 'The client modules and the bridge share only what lies below them.',
      severity: 'error',
      from: { path: '^src/core/bridge/' },
      to: { path: '^src/core/clients/' },
    },
    ...upward,
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|out)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
