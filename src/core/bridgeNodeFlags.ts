// Its own module: the bridge's entry imports it, and must import next to nothing
// (src/bridge/main.ts).

/**
 * Node options before the script in every entry this app writes: V8 without its optimising
 * compilers (Maglev, TurboFan). Set from the bridge's own code they came too late, as V8 had
 * already started optimising Node's start-up code and the bundle's while they loaded: 2 MiB of
 * compiler code touched by each bridge before its first answer (bench/README.md). The bridge sets
 * them again at start (bridge/startup/compileTiers.ts) for an entry written before they were here.
 */
export const BRIDGE_NODE_FLAGS: readonly string[] = ['--no-maglev', '--no-turbofan'];
