// Preloaded into @doyensec/electronegativity by scripts/electronegativity.sh. At start the tool
// downloads translations of its messages with got 11; where that fails (offline, or no route),
// got's retry throws "The `onCancel` handler was attached after the promise settled" from a timer
// on Node 22 and later, which ends the process before the audit. The audit needs no translations:
// here got fails at once, which the tool already handles by keeping its English messages. Its one
// other download (the security-fix check) is excluded by the script.
import Module from 'node:module';

const load = Module._load;
Module._load = function loadWithoutGot(request, ...rest) {
  if (request === 'got') return () => Promise.reject(new Error('electronegativity runs offline'));
  return load.call(this, request, ...rest);
};
