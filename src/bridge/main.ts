// What a client config launches: `<node> <options> bridge.mjs --connection <id>` (./run.ts; the
// options are in src/core/bridgeNodeFlags.ts). This file is compiled before it runs, with
// everything it imports, so it imports only what must be set up before the rest of the bridge
// is compiled: V8's compile tiers, for an entry written without the options, and the cache of
// compiled code.
import { limitCompileTiers } from '../core/bridge/startup/compileTiers';
import { keepCompiledCode } from '../core/bridge/startup/compileCache';
import { dataDir } from '../core/paths';

limitCompileTiers();
keepCompiledCode(dataDir());
await import('./run');
