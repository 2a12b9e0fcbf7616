import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ElicitResultSchema } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import type { AccountStore } from './accounts';
import type { ToolListChanges } from './toolListChanges';
import { callerOf, json } from './tools';

const MAX_LARGE_BYTES = 32 * 1024 * 1024;

/** Counts `test_wait` calls that the client cancelled before they finished. */
export class CancellationLog {
  private cancelled = 0;
  record(): void {
    this.cancelled += 1;
  }
  count(): number {
    return this.cancelled;
  }
}

/**
 * Tools that exercise every kind of MCP message (progress, cancellation, a server-to-client
 * request — an `input_required` result in the modern era —, a large result, a list-changed
 * notification), for relay-fidelity tests and benchmarks. Off unless asked for.
 */
export function registerTestTools(
  server: McpServer,
  deps: {
    accounts: AccountStore;
    cancellations: CancellationLog;
    toolListChanges: ToolListChanges;
  },
): void {
  const { accounts, cancellations, toolListChanges } = deps;

  server.registerTool(
    'test_progress',
    {
      description: 'Sends `steps` progress notifications, then returns.',
      inputSchema: { steps: z.number().int().min(1).max(10_000) },
    },
    async ({ steps }, extra) => {
      callerOf(accounts, extra.authInfo);
      const progressToken = extra._meta?.progressToken;
      if (progressToken !== undefined) {
        for (let progress = 1; progress <= steps; progress++) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress, total: steps, message: `step ${progress}` },
          });
        }
      }
      return json({ steps, notified: progressToken !== undefined });
    },
  );

  server.registerTool(
    'test_resume',
    {
      description:
        'Sends `steps` progress notifications, closing its response stream after every `closeEvery` of them and pausing `pauseMs` (the client resumes the stream meanwhile), then returns. Closes nothing unless the server keeps events (resumable streams, 2025-11-25).',
      inputSchema: {
        steps: z.number().int().min(1).max(1_000),
        closeEvery: z.number().int().min(1),
        pauseMs: z.number().int().min(0).max(60_000),
      },
    },
    async ({ steps, closeEvery, pauseMs }, extra) => {
      callerOf(accounts, extra.authInfo);
      const progressToken = extra._meta?.progressToken;
      let closes = 0;
      for (let progress = 1; progress <= steps; progress++) {
        if (progressToken !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress, total: steps, message: `step ${progress}` },
          });
        }
        if (progress % closeEvery === 0 && progress < steps && extra.closeSSEStream) {
          extra.closeSSEStream();
          closes += 1;
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
      }
      return json({ steps, closes });
    },
  );

  server.registerTool(
    'test_wait',
    {
      description:
        'Waits `ms` milliseconds, or until the call is cancelled; reports progress 0 when it starts.',
      inputSchema: {
        ms: z
          .number()
          .int()
          .min(0)
          .max(10 * 60_000),
      },
    },
    async ({ ms }, extra) => {
      callerOf(accounts, extra.authInfo);
      const progressToken = extra._meta?.progressToken;
      // Tells a caller that wants to cancel that the wait has really begun.
      if (progressToken !== undefined) {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress: 0, total: ms, message: 'waiting' },
        });
      }
      const cancelled = await new Promise<boolean>((resolve) => {
        if (extra.signal.aborted) return resolve(true);
        const timer = setTimeout(() => resolve(false), ms);
        extra.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve(true);
          },
          { once: true },
        );
      });
      if (cancelled) cancellations.record();
      return json({ waitedMs: ms, cancelled });
    },
  );

  server.registerTool(
    'test_elicit',
    {
      description: 'Asks the client a question (elicitation) and returns its answer.',
      inputSchema: { message: z.string().max(500).default('What is your favourite colour?') },
    },
    async ({ message }, extra) => {
      callerOf(accounts, extra.authInfo);
      const answer = await extra.sendRequest(
        {
          method: 'elicitation/create',
          params: {
            message,
            requestedSchema: {
              type: 'object',
              properties: { answer: { type: 'string', title: 'Answer' } },
              required: ['answer'],
            },
          },
        },
        ElicitResultSchema,
      );
      return json(answer);
    },
  );

  server.registerTool(
    'test_large',
    {
      description: 'Returns a text result of exactly `bytes` bytes.',
      inputSchema: { bytes: z.number().int().min(0).max(MAX_LARGE_BYTES) },
    },
    async ({ bytes }, extra) => {
      callerOf(accounts, extra.authInfo);
      return { content: [{ type: 'text', text: 'x'.repeat(bytes) }] };
    },
  );

  server.registerTool(
    'test_list_changed',
    {
      description:
        'Announces that the tool list changed, to every listening client (GET stream or subscriptions/listen).',
    },
    async (extra) => {
      callerOf(accounts, extra.authInfo);
      return json({ listeners: toolListChanges.announce() });
    },
  );
}
