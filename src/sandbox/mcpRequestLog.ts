/** Requests that reached /mcp past the token check, by the era that served them and method. */
export type McpRequestCounts = Record<'legacy' | 'modern', Record<string, number>>;

/**
 * Counts what each era of the endpoint served, so a test can see how a client probed and which
 * era it settled on (a POST counts under its JSON-RPC method, a GET or DELETE under its verb).
 */
export class McpRequestLog {
  private counts: McpRequestCounts = { legacy: {}, modern: {} };

  record(era: 'legacy' | 'modern', what: string): void {
    const byMethod = this.counts[era];
    byMethod[what] = (byMethod[what] ?? 0) + 1;
  }

  counted(): McpRequestCounts {
    return { legacy: { ...this.counts.legacy }, modern: { ...this.counts.modern } };
  }

  reset(): void {
    this.counts = { legacy: {}, modern: {} };
  }
}
