#!/usr/bin/env node
// The packaged CLI: the bundle `npm run build` writes.
import '../out/cli/cli.mjs';
