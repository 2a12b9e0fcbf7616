import v8 from 'node:v8';
import { BRIDGE_NODE_FLAGS } from '../../bridgeNodeFlags';

/**
 * Keeps V8 to its interpreter and baseline compiler (Ignition, Sparkplug) in the bridge. Its
 * optimising compilers (Maglev, TurboFan) would touch several MiB of the Node binary's code and
 * keep their compile zones on background threads, which a long-running bridge holds for good:
 * measured, about 15 MiB resident after 1000 calls, for a relay whose hot path is native code
 * anyway (Buffer searches, socket and pipe writes); bench/README.md has the figures.
 *
 * The entries this app writes pass the same options on the command line, which is what keeps
 * V8 from optimising start-up code too. Set here as well, they hold in a bridge started from
 * an entry written before that, until the app heals it.
 */
export function limitCompileTiers(): void {
  for (const flag of BRIDGE_NODE_FLAGS) v8.setFlagsFromString(flag);
}
