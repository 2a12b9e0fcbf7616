import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolText, withSandbox } from '../../helpers/sandbox';

describe.each(['legacy', 'dual'] as const)('test tools over MCP 2025-11-25 (--era %s)', (era) => {
  const sandbox = withSandbox({ era, testTools: true });
  let client: Client;
  const questions: string[] = [];

  beforeAll(async () => {
    const { mcpUrl, controls } = sandbox();
    const { accessToken } = await controls.issueTokens({ email: 'demo@splattr.test' });
    client = new Client(
      { name: 'fidelity', version: '1.0.0' },
      { capabilities: { elicitation: {} } },
    );
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      questions.push(request.params.message);
      return { action: 'accept', content: { answer: 'teal' } };
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { Authorization: `Bearer ${accessToken}` } },
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
  });

  it('test_progress sends one progress notification per step to the caller', async () => {
    const seen: number[] = [];
    const result = await client.callTool(
      { name: 'test_progress', arguments: { steps: 5 } },
      undefined,
      {
        onprogress: (progress) => seen.push(progress.progress),
      },
    );
    expect(result.isError).toBeFalsy();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('test_wait stops when the client cancels, and the sandbox counts the cancellation', async () => {
    const { controls } = sandbox();
    expect(controls.cancelledRequests()).toBe(0);
    const abort = new AbortController();
    const call = client.callTool({ name: 'test_wait', arguments: { ms: 60_000 } }, undefined, {
      signal: abort.signal,
      timeout: 120_000,
      onprogress: () => abort.abort('the test cancels'),
    });
    await expect(call).rejects.toThrow();
    for (let attempt = 0; attempt < 200 && controls.cancelledRequests() === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(controls.cancelledRequests()).toBe(1);
  });

  it('test_elicit asks the client and returns its answer', async () => {
    const result = await client.callTool({
      name: 'test_elicit',
      arguments: { message: 'Pick a colour' },
    });
    expect(questions).toEqual(['Pick a colour']);
    expect(JSON.parse(toolText(result))).toEqual({ action: 'accept', content: { answer: 'teal' } });
  });

  it('test_large returns a result of the size asked for', async () => {
    const text = toolText(
      await client.callTool({ name: 'test_large', arguments: { bytes: 1024 * 1024 } }),
    );
    expect(text.length).toBe(1024 * 1024);
  });
});
