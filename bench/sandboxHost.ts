// Runs the sandbox in a process of its own, so the server has its own event loop and heap: the
// measured clients and bridges never share a thread with it, as with the real Splattr. Started
// by sandboxProcess.ts, which reads the addresses from the IPC channel.
import { startSandbox } from '../src/sandbox';

const sandbox = await startSandbox({ testTools: true });
process.send?.({
  origin: sandbox.origin,
  mcpUrl: sandbox.mcpUrl,
  issuer: sandbox.issuer,
  controlToken: sandbox.controlToken,
});
// The bench process going away (normally or not) closes the channel: stop with it.
process.once('disconnect', () => {
  void sandbox.close().finally(() => process.exit(0));
});
