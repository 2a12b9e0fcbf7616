import * as z from 'zod/mini';

/** The MCP clients the app knows. Adding one is a new module in core/clients and a line here. */
export const CLIENT_IDS = [
  'claude-desktop',
  'cursor',
  'claude-code',
  'vscode',
  'vscode-insiders',
  'windsurf',
  'gemini-cli',
  'codex',
  'zed',
  'lm-studio',
] as const;
export const ClientIdSchema = z.enum(CLIENT_IDS);
export type ClientId = z.infer<typeof ClientIdSchema>;

export const CLIENT_NAMES: Record<ClientId, string> = {
  'claude-desktop': 'Claude Desktop',
  cursor: 'Cursor',
  'claude-code': 'Claude Code',
  vscode: 'VS Code',
  'vscode-insiders': 'VS Code Insiders',
  windsurf: 'Windsurf',
  'gemini-cli': 'Gemini CLI',
  codex: 'Codex CLI',
  zed: 'Zed',
  'lm-studio': 'LM Studio',
};

/** What a person does after an add for the client to load Splattr, in the client's own terms. */
export interface NextStepText {
  title: string;
  detail: string;
}

export const NEXT_STEPS: Record<ClientId, NextStepText> = {
  'claude-desktop': {
    title: 'Restart Claude Desktop to load Splattr',
    detail: 'Claude Desktop reads its settings only when it starts.',
  },
  cursor: {
    title: 'Check that Splattr is on in Cursor',
    detail:
      'If Cursor added Splattr switched off, open Cursor Settings → MCP and turn on “splattr”.',
  },
  'claude-code': {
    title: 'Start a new Claude Code session',
    detail:
      'Claude Code loads its MCP servers when a session starts: run claude again, then /mcp shows “splattr”.',
  },
  vscode: {
    title: 'Start Splattr in VS Code',
    detail:
      'VS Code notices the change by itself. If Splattr’s tools are not in Chat, run “MCP: List Servers” and start “splattr”.',
  },
  'vscode-insiders': {
    title: 'Start Splattr in VS Code Insiders',
    detail:
      'VS Code Insiders notices the change by itself. If Splattr’s tools are not in Chat, run “MCP: List Servers” and start “splattr”.',
  },
  windsurf: {
    title: 'Refresh Windsurf’s MCP servers',
    detail: 'Open the MCP panel in Windsurf’s Cascade and press Refresh to load “splattr”.',
  },
  'gemini-cli': {
    title: 'Reload Gemini CLI’s MCP servers',
    detail:
      'Type /mcp reload in a running Gemini CLI, or start gemini again. It uses your servers only in folders you trust.',
  },
  codex: {
    title: 'Start a new Codex session',
    detail:
      'Codex CLI reads config.toml when it starts: run codex again, then /mcp shows “splattr”.',
  },
  zed: {
    title: 'Zed loads Splattr by itself',
    detail:
      'Zed reloads its settings when they change; “splattr” appears under the Agent Panel’s settings.',
  },
  'lm-studio': {
    title: 'Check that Splattr is on in LM Studio',
    detail:
      'LM Studio picks up mcp.json changes by itself; turn on “mcp/splattr” in the Program tab of its right-hand sidebar.',
  },
};

export const ClientInfoSchema = z.object({
  id: ClientIdSchema,
  name: z.string(),
  installed: z.boolean(),
  configPath: z.string(),
  running: z.boolean(),
  /** Whether the client reads its config only at launch, so adding needs a restart. */
  needsRestartAfterChange: z.boolean(),
  /** Whether this app can restart the client for the person (a desktop app, not a terminal CLI). */
  canRestart: z.boolean(),
});
export type ClientInfo = z.infer<typeof ClientInfoSchema>;
