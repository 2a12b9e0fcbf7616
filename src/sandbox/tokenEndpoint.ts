import type Provider from 'oidc-provider';
import { PendingRefusal, type Refusal } from './refusals';

type KoaMiddleware = Parameters<Provider['use']>[0];
type KoaContext = Parameters<KoaMiddleware>[0];

const TOKEN_PATH = '/token';

/**
 * Watches the token endpoint for the test controls: counts requests by grant type and, when
 * asked, answers the next few with an error status instead of processing them.
 */
export class TokenEndpointMonitor {
  private counts: Record<string, number> = {};
  private readonly failure = new PendingRefusal();

  counted(): Record<string, number> {
    return { ...this.counts };
  }

  reset(): void {
    this.counts = {};
  }

  fail(input: Refusal | null): void {
    this.failure.set(input);
  }

  readonly middleware: KoaMiddleware = async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== TOKEN_PATH) return next();
    const status = this.failure.take();
    if (status !== undefined) {
      this.count(await grantTypeOfUnreadBody(ctx));
      ctx.status = status;
      ctx.body =
        status === 503
          ? { error: 'temporarily_unavailable', error_description: 'The sandbox was told to fail.' }
          : { error: 'server_error', error_description: 'The sandbox was told to fail.' };
      return;
    }
    try {
      await next();
    } finally {
      const params = ctx.oidc?.params as { grant_type?: unknown } | undefined;
      this.count(typeof params?.grant_type === 'string' ? params.grant_type : 'unknown');
    }
  };

  private count(grantType: string): void {
    this.counts[grantType] = (this.counts[grantType] ?? 0) + 1;
  }
}

/** Reads the form body of a request the provider will not see, for its grant type. */
async function grantTypeOfUnreadBody(ctx: KoaContext): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) break;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('grant_type') ?? 'unknown';
}
