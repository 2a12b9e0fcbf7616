import v8 from 'node:v8';

/**
 * Keeps V8 to its interpreter and baseline compiler (Ignition, Sparkplug) in the bridge. Its
 * optimising compilers (Maglev, TurboFan) would touch several MiB of the Node binary's code and
 * keep their compile zones on background threads, which a long-running bridge holds for good:
 * measured, about 15 MiB resident after 1000 calls, for a relay whose hot path is native code
 * anyway (Buffer searches, socket and pipe writes). Set before the relay's code runs, so no
 * function is ever optimised; bench/README.md has the figures with and without.
 */
export function limitCompileTiers(): void {
  v8.setFlagsFromString('--no-maglev');
  v8.setFlagsFromString('--no-turbofan');
}
