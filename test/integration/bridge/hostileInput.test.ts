import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../../support/companion';
import { withSandbox } from '../../helpers/sandbox';
import { createBridgeHome, type BridgeHome } from '../../helpers/bridge/launch';
import { spawnRawBridge, type RawBridge } from '../../helpers/bridge/rawBridge';

const MIB = 1024 * 1024;

/** A whoami call: proof that the bridge still serves after what came before it. */
async function expectStillServing(raw: RawBridge, id: number): Promise<void> {
  await raw.callTool(id, 'whoami');
  const answer = await raw.answerTo(id);
  expect(JSON.stringify(answer.result)).toContain(DEMO.email);
}

function expectOnlyJsonRpc(raw: RawBridge): void {
  expect(raw.lines.length).toBeGreaterThan(0);
  for (const line of raw.lines) {
    expect(() => JSONRPCMessageSchema.parse(JSON.parse(line)), line.slice(0, 200)).not.toThrow();
  }
}

describe('hostile input on the bridge’s stdin', () => {
  const sandbox = withSandbox({ testTools: true });
  let bridge: BridgeHome;
  let raw: RawBridge;

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox());
    raw = spawnRawBridge(bridge);
    await raw.open();
  });
  afterAll(async () => {
    expect(await raw.stop()).toBe(0);
    expectOnlyJsonRpc(raw);
    await bridge.dispose();
  });

  it('malformed JSON: a parse error (-32700, no id), and the bridge keeps serving', async () => {
    const before = raw.lines.length;
    await raw.write('{"jsonrpc":"2.0","id":2,"method":"tools/list"\n');
    await expectStillServing(raw, 3);
    expect(raw.lines.slice(before).map((line) => JSON.parse(line))).toContainEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: expect.stringContaining('not valid JSON') },
    });
  });

  it('invalid UTF-8: a parse error, and the bridge keeps serving', async () => {
    const before = raw.lines.length;
    const bytes = Buffer.concat([
      Buffer.from('{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"x":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}}\n'),
    ]);
    await raw.write(bytes);
    await expectStillServing(raw, 5);
    const refused = raw.lines.slice(before).map((line) => JSON.parse(line));
    expect(refused).toContainEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: expect.stringContaining('not valid UTF-8') },
    });
    expect(refused.some((m) => m.id === 4)).toBe(false);
  });

  it('a batch array: an invalid request (-32600), nothing of it reaches Splattr', async () => {
    const before = raw.lines.length;
    await raw.send([
      { jsonrpc: '2.0', id: 6, method: 'tools/list' },
      { jsonrpc: '2.0', id: 7, method: 'tools/list' },
    ]);
    await expectStillServing(raw, 8);
    const answers = raw.lines.slice(before).map((line) => JSON.parse(line));
    expect(answers).toContainEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: expect.stringContaining('batches') },
    });
    expect(answers.some((m) => m.id === 6 || m.id === 7)).toBe(false);
  });

  it('a 100 MiB line: its request gets an invalid-request error by id, and the bridge keeps serving', async () => {
    const head =
      '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"whoami","arguments":{"pad":"';
    await raw.write(head);
    const chunk = 'y'.repeat(MIB);
    for (let i = 0; i < 100; i++) await raw.write(chunk);
    await raw.write('"}}}\n');
    expect(await raw.answerTo(9)).toMatchObject({
      error: { code: -32600, message: expect.stringContaining('larger than the 32 MiB') },
    });
    await expectStillServing(raw, 10);
  });

  it('an answer to a request nobody sent: dropped with a log line, nothing on stdout', async () => {
    const before = raw.lines.length;
    await raw.send({ jsonrpc: '2.0', id: 'never-asked', result: {} });
    await expectStillServing(raw, 11);
    expect(raw.lines.slice(before).map((line) => JSON.parse(line).id)).toEqual([11]);
    const log = await readFile(path.join(bridge.dataDir, 'logs', 'bridge.log'), 'utf8');
    expect(log).toContain('client answer to an unknown request dropped');
  });

  it('a message that is JSON but not JSON-RPC: an invalid request with its id', async () => {
    await raw.send({ id: 12, method: 'tools/list' });
    expect(await raw.answerTo(12)).toMatchObject({ error: { code: -32600 } });
    await expectStillServing(raw, 13);
  });
});

describe('an answer from Splattr larger than the bridge relays', () => {
  const sandbox = withSandbox({ testTools: true });
  let bridge: BridgeHome;

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox());
  });
  afterAll(async () => {
    await bridge.dispose();
  });

  it('becomes an error for that request, and the next call works', async () => {
    const raw = spawnRawBridge(bridge, { SPLATTR_BRIDGE_MAX_MESSAGE_BYTES: String(MIB) });
    await raw.open();
    await raw.callTool(2, 'test_large', { bytes: 2 * MIB });
    expect(await raw.answerTo(2)).toMatchObject({
      error: { code: -32603, message: expect.stringContaining('larger than the 1 MiB') },
    });
    await expectStillServing(raw, 3);
    expect(await raw.stop()).toBe(0);
    expectOnlyJsonRpc(raw);
  });
});
