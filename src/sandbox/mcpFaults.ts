import type { NextFunction, Request, Response } from 'express';

export type McpFault = {
  mode: 'status503' | 'slow' | 'reset' | 'insufficientScope';
  times: number;
  delayMs?: number;
  /** For `insufficientScope`: the scope the 403 challenge asks for. */
  scope?: string;
};

const DEFAULT_DELAY_MS = 2_000;

/** Makes the next few /mcp requests fail the way a struggling server does, for reliability tests. */
export class McpFaults {
  private fault: McpFault | null = null;

  set(fault: McpFault | null): void {
    this.fault = fault && fault.times > 0 ? { ...fault } : null;
  }

  readonly middleware = async (req: Request, res: Response, next: NextFunction) => {
    const fault = this.fault;
    if (!fault) return next();
    if (--fault.times <= 0) this.fault = null;
    switch (fault.mode) {
      case 'status503':
        res.status(503).set('Retry-After', '1').json({
          error: 'temporarily_unavailable',
          error_description: 'The sandbox was told to fail.',
        });
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'insufficientScope':
        // What a resource server answers a token that lacks a scope the call needs (RFC 6750
        // §3.1), which the MCP spec meets with one step-up sign-in.
        res
          .status(403)
          .set(
            'WWW-Authenticate',
            `Bearer error="insufficient_scope", scope="${fault.scope ?? 'openid email profile'}"`,
          )
          .json({ error: 'insufficient_scope' });
        return;
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? DEFAULT_DELAY_MS));
        return next();
    }
  };
}
