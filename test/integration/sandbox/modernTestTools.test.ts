import { beforeAll, describe, expect, it } from 'vitest';
import { modernMeta, modernPost, modernStream } from '../../../support/modernHttp';
import { withSandbox } from '../../helpers/sandbox';

const ELICIT = { elicitation: {} };

/** The text of a modern tools/call result's first content item. */
const textOf = (result: Record<string, unknown> | undefined) =>
  (result?.content as Array<{ text: string }> | undefined)?.[0]?.text ?? '';

describe.each(['modern', 'dual'] as const)('test tools over MCP 2026-07-28 (--era %s)', (era) => {
  const sandbox = withSandbox({ era, testTools: true });
  let token: string;
  beforeAll(async () => {
    token = (await sandbox().controls.issueTokens({ email: 'demo@splattr.test' })).accessToken;
  });

  it('test_progress streams one progress notification per step, in order, before the result', async () => {
    const answer = await modernPost(
      sandbox().mcpUrl,
      token,
      'tools/call',
      { name: 'test_progress', arguments: { steps: 5 } },
      { meta: modernMeta({ progressToken: 'p-1' }) },
    );
    expect(answer.contentType).toContain('text/event-stream');
    const progress = answer.messages.filter((m) => m.method === 'notifications/progress');
    expect(progress.map((m) => (m.params as { progress: number }).progress)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(
      progress.every((m) => (m.params as { progressToken: string }).progressToken === 'p-1'),
    ).toBe(true);
    expect(answer.messages.at(-1)).toBe(answer.response);
    expect(JSON.parse(textOf(answer.response?.result))).toEqual({ steps: 5, notified: true });
  });

  it('test_wait stops when the client closes the response stream, and the sandbox counts it', async () => {
    const { controls, mcpUrl } = sandbox();
    const before = controls.cancelledRequests();
    const stream = await modernStream(
      mcpUrl,
      token,
      'tools/call',
      { name: 'test_wait', arguments: { ms: 60_000 } },
      { meta: modernMeta({ progressToken: 1 }) },
    );
    expect((await stream.next())?.method).toBe('notifications/progress');
    stream.close();
    for (let attempt = 0; attempt < 200 && controls.cancelledRequests() === before; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(controls.cancelledRequests()).toBe(before + 1);
  });

  it('test_elicit asks through input_required, and the retry with inputResponses completes', async () => {
    const { mcpUrl } = sandbox();
    const params = { name: 'test_elicit', arguments: { message: 'Pick a colour' } };
    const first = await modernPost(mcpUrl, token, 'tools/call', params, { capabilities: ELICIT });
    expect(first.status).toBe(200);
    const asked = first.response?.result as {
      resultType: string;
      inputRequests: Record<string, { method: string; params: { message: string } }>;
      requestState: string;
    };
    expect(asked.resultType).toBe('input_required');
    const [[key, request]] = Object.entries(asked.inputRequests) as [
      [string, { method: string; params: { message: string } }],
    ];
    expect(request.method).toBe('elicitation/create');
    expect(request.params.message).toBe('Pick a colour');
    expect(asked.requestState).toEqual(expect.any(String));

    const retry = await modernPost(
      mcpUrl,
      token,
      'tools/call',
      {
        ...params,
        inputResponses: { [key]: { action: 'accept', content: { answer: 'teal' } } },
        requestState: asked.requestState,
      },
      { capabilities: ELICIT },
    );
    expect(retry.response?.result?.resultType).toBe('complete');
    expect(JSON.parse(textOf(retry.response?.result))).toEqual({
      action: 'accept',
      content: { answer: 'teal' },
    });
  });

  it('asks again when the retry lacks the answer, and refuses a requestState from another call', async () => {
    const { mcpUrl } = sandbox();
    const params = { name: 'test_elicit', arguments: { message: 'First question' } };
    const first = await modernPost(mcpUrl, token, 'tools/call', params, { capabilities: ELICIT });
    const { requestState } = first.response?.result as { requestState: string };

    const retry = (as: string, extra: Record<string, unknown> = {}) =>
      modernPost(
        mcpUrl,
        as,
        'tools/call',
        { ...params, inputResponses: {}, requestState, ...extra },
        { capabilities: ELICIT },
      );
    const unanswered = await retry(token);
    expect(unanswered.response?.result?.resultType).toBe('input_required');

    const elsewhere = await retry(token, {
      arguments: { message: 'Another question' },
      inputResponses: { 'elicitation/create#1': { action: 'accept', content: { answer: 'x' } } },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.response?.error?.code).toBe(-32602);

    const { accessToken: bobToken } = await sandbox().controls.issueTokens({
      email: 'bob@globex.test',
    });
    const otherPerson = await retry(bobToken);
    expect(otherPerson.status).toBe(400);
  });

  it('a client that did not declare elicitation gets MissingRequiredClientCapability (-32021)', async () => {
    const answer = await modernPost(sandbox().mcpUrl, token, 'tools/call', {
      name: 'test_elicit',
      arguments: {},
    });
    expect(answer.status).toBe(400);
    expect(answer.response?.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { elicitation: {} } },
    });
  });

  it('test_large returns a result of exactly the size asked for', async () => {
    const answer = await modernPost(sandbox().mcpUrl, token, 'tools/call', {
      name: 'test_large',
      arguments: { bytes: 1024 * 1024 },
    });
    expect(textOf(answer.response?.result).length).toBe(1024 * 1024);
  });
});
