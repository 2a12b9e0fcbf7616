import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ModernRpcError,
  spawnModernClient,
  type InputRequest,
  type JsonObject,
  type ModernClient,
} from '../../../support/modernClient';

const SERVER = path.join(import.meta.dirname, '../../fixtures/tinyModernStdioServer.ts');
const clients: ModernClient[] = [];

function start(options: { protocolVersion?: string } = {}): ModernClient {
  const client = spawnModernClient({
    command: process.execPath,
    args: ['--import', 'tsx', SERVER],
    timeoutMs: 15_000,
    ...options,
  });
  clients.push(client);
  return client;
}

const textOf = (result: JsonObject) => (result.content as Array<{ text: string }>)[0]!.text;
const stats = async (client: ModernClient) =>
  JSON.parse(textOf(await client.callTool('stats'))) as {
    cancelled: Array<string | number>;
    listens: Array<string | number>;
  };

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

describe('the modern stdio test client', () => {
  it('sends every request with the 2026-07-28 _meta and reads the answer', async () => {
    const client = start();
    expect(await client.discover()).toMatchObject({ supportedVersions: ['2026-07-28'] });
    const echoed = JSON.parse(textOf(await client.callTool('echo', { word: 'hi' })));
    expect(echoed).toEqual({
      args: { word: 'hi' },
      meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': {
          name: 'splattr-test-modern-client',
          version: '1.0.0',
        },
        'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
      },
    });
    expect(client.serverRequests).toEqual([]);
    expect(client.strayLines).toEqual([]);
  });

  it('passes progress to the caller in order, and keeps every notification', async () => {
    const client = start();
    const seen: number[] = [];
    await client.callTool('echo', {}, { onProgress: (progress) => seen.push(progress.progress) });
    expect(seen).toEqual([1, 2, 3]);
    expect(client.notifications.map((n) => n.method)).toEqual(
      Array(3).fill('notifications/progress'),
    );
  });

  it('answers input_required through onInput and retries with inputResponses and requestState', async () => {
    const client = start();
    const asked: InputRequest[] = [];
    client.onInput = async (request) => {
      asked.push(request);
      return { action: 'accept', content: { name: 'Ada' } };
    };
    expect(textOf(await client.callTool('ask'))).toBe('hello Ada');
    expect(asked).toEqual([expect.objectContaining({ method: 'elicitation/create' })]);

    const first = await client.callTool('ask', {}, { raw: true });
    expect(first).toMatchObject({ resultType: 'input_required', requestState: 'state-1' });
  });

  it('rejects with a clear error when input is asked and nobody answers it', async () => {
    const client = start();
    await expect(client.callTool('ask')).rejects.toThrow(/asked for input \(name\)/);
  });

  it('cancels with notifications/cancelled, which the server receives', async () => {
    const client = start();
    const call = client.begin('tools/call', { name: 'wait', arguments: {} });
    client.cancel(call.id);
    await expect(call.result).rejects.toThrow(/cancelled/);
    expect((await stats(client)).cancelled).toEqual([call.id]);
  });

  it('listens for list changes until it stops, or until the server ends the subscription', async () => {
    const client = start();
    const listen = client.listen({ toolsListChanged: true });
    expect(await listen.acknowledged).toEqual({ toolsListChanged: true });
    await client.callTool('change');
    expect(await listen.next()).toMatchObject({
      method: 'notifications/tools/list_changed',
      params: { _meta: { 'io.modelcontextprotocol/subscriptionId': listen.id } },
    });
    listen.stop();
    expect((await stats(client)).listens).toEqual([]);

    const second = client.listen({ toolsListChanged: true });
    await second.acknowledged;
    await client.callTool('end_listens');
    await second.ended;
  });

  it('surfaces a JSON-RPC error as ModernRpcError with its code and data', async () => {
    const client = start({ protocolVersion: '1900-01-01' });
    const error = await client.discover().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModernRpcError);
    expect(error).toMatchObject({
      code: -32022,
      data: { supported: ['2026-07-28'], requested: '1900-01-01' },
    });
  });

  it('rejects pending requests with the stderr tail when the server dies', async () => {
    const client = start();
    const call = client.begin('tools/call', { name: 'wait', arguments: {} });
    client.process.kill('SIGKILL');
    await expect(call.result).rejects.toThrow(/exited \(SIGKILL\)/);
  });
});
