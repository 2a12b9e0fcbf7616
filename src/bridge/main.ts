// What a client config launches: `<node> bridge.mjs --connection <id>` (./run.ts). This file is
// compiled before it runs, with everything it imports, so it imports only what keeping the rest
// of the bridge's compiled code needs; the bridge itself loads after that is set up.
import { keepCompiledCode } from '../core/bridge/startup/compileCache';
import { dataDir } from '../core/paths';

keepCompiledCode(dataDir());
await import('./run');
