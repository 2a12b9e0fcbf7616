import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AccountStore } from './accounts';
import type { OrganizationStore } from './organizations';
import { registerTestTools, type CancellationLog } from './testTools';
import type { ToolListChanges } from './toolListChanges';
import { registerTools } from './tools';

export const SERVER_INFO = { name: 'splattr', version: '1.0.0' };

export interface McpServerOptions {
  accounts: AccountStore;
  organizations: OrganizationStore;
  cancellations: CancellationLog;
  toolListChanges: ToolListChanges;
  testTools: boolean;
}

/**
 * Splattr's MCP server with its tools, as the SDK builds it. Both eras run the same one: a legacy
 * session keeps one for its lifetime, a modern request gets its own for one exchange.
 */
export function buildMcpServer(options: McpServerOptions): McpServer {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: { listChanged: true } } });
  registerTools(server, options);
  if (options.testTools) registerTestTools(server, options);
  return server;
}
