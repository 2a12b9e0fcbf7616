import * as z from 'zod';

/** The MCP clients the app knows. Adding one is a new module in core/clients and a line here. */
export const CLIENT_IDS = ['claude-desktop', 'cursor'] as const;
export const ClientIdSchema = z.enum(CLIENT_IDS);
export type ClientId = z.infer<typeof ClientIdSchema>;

export const CLIENT_NAMES: Record<ClientId, string> = {
  'claude-desktop': 'Claude Desktop',
  cursor: 'Cursor',
};

export const ClientInfoSchema = z.object({
  id: ClientIdSchema,
  name: z.string(),
  installed: z.boolean(),
  configPath: z.string(),
  running: z.boolean(),
  /** Whether the client reads its config only at launch, so adding needs a restart. */
  needsRestartAfterChange: z.boolean(),
});
export type ClientInfo = z.infer<typeof ClientInfoSchema>;
