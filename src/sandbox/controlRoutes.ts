import { timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import * as z from 'zod';
import type { SandboxControls } from './controls';
import { MCP_ERAS } from './eras';

const Email = z.object({ email: z.string() });
/** The next `times` requests answer `status`; `null` clears. */
const Refusal = z
  .object({ status: z.number().int().min(400).max(599), times: z.number().int().min(0) })
  .nullable();
const COMMANDS: {
  [K in keyof SandboxControls]: (controls: SandboxControls, body: unknown) => unknown;
} = {
  revokeAccount: (c, body) => c.revokeAccount(Email.parse(body).email),
  deleteClient: (c, body) =>
    c.deleteClient(z.object({ clientId: z.string() }).parse(body).clientId),
  tokenRequests: (c) => c.tokenRequests(),
  moveAuthorizationServer: (c) => c.moveAuthorizationServer(),
  resetTokenRequests: (c) => c.resetTokenRequests(),
  listGrants: (c, body) => c.listGrants(Email.parse(body).email),
  issueTokens: (c, body) =>
    c.issueTokens(
      z
        .object({
          email: z.string(),
          clientId: z.string().optional(),
          clientName: z.string().optional(),
        })
        .parse(body),
    ),
  failTokenEndpoint: (c, body) => c.failTokenEndpoint(Refusal.parse(body)),
  mcpFaults: (c, body) =>
    c.mcpFaults(
      z
        .object({
          mode: z.enum(['status503', 'slow', 'reset', 'insufficientScope']),
          times: z.number().int().min(0),
          delayMs: z.number().int().min(0).max(600_000).optional(),
          scope: z
            .string()
            .regex(/^[\w:. -]{1,200}$/)
            .optional(),
        })
        .nullable()
        .parse(body),
    ),
  cancelledRequests: (c) => c.cancelledRequests(),
  mcpRequests: (c) => c.mcpRequests(),
  resetMcpRequests: (c) => c.resetMcpRequests(),
  setMcpEra: (c, body) => c.setMcpEra(z.object({ era: z.enum(MCP_ERAS) }).parse(body).era),
  endSubscriptions: (c, body) =>
    c.endSubscriptions(z.object({ graceful: z.boolean() }).parse(body)),
  openSubscriptions: (c) => c.openSubscriptions(),
  refuseSubscriptions: (c, body) => c.refuseSubscriptions(Refusal.parse(body)),
  closeGetStreams: (c) => c.closeGetStreams(),
  refuseGetStreams: (c, body) => c.refuseGetStreams(Refusal.parse(body)),
};

/**
 * `POST /__sandbox/<control>` with a JSON body (the control's argument, `null` to clear) and the
 * control token as bearer; answers `{ "result": … }`. For tests that run the sandbox as a process.
 */
export function controlRoutes(controls: SandboxControls, controlToken: string): Router {
  const router = express.Router();
  const expected = Buffer.from(`Bearer ${controlToken}`);
  router.post(
    '/__sandbox/:name',
    express.json({ limit: '64kb', strict: false }),
    async (req, res) => {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.status(401).json({ error: 'The control token is missing or wrong.' });
        return;
      }
      const name = req.params.name;
      const command = Object.hasOwn(COMMANDS, name)
        ? COMMANDS[name as keyof SandboxControls]
        : undefined;
      if (!command) {
        res.status(404).json({ error: `Unknown control ${name}.` });
        return;
      }
      try {
        res.json({
          result: (await command(controls, req.body === undefined ? {} : req.body)) ?? null,
        });
      } catch (error) {
        res.status(400).json({ error: error instanceof Error ? error.message : String(error) });
      }
    },
  );
  return router;
}
