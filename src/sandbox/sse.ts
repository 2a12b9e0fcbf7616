import type { Response } from 'express';

/**
 * Answers one modern request: as a single JSON object, or — from the first notification the
 * request sends on — as an SSE stream scoped to it (2026-07-28 Streamable HTTP, Receiving
 * Messages). Hand-written because the SDK's transport is built around sessions.
 */
export class ResponseChannel {
  private streaming = false;

  constructor(private readonly res: Response) {}

  get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  /** Switches to SSE (if not yet) and sends one message. */
  event(message: unknown): void {
    if (!this.open) return;
    if (!this.streaming) {
      this.streaming = true;
      this.res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        'X-Accel-Buffering': 'no',
      });
      this.res.flushHeaders();
    }
    this.res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  /** An SSE comment, which keeps quiet long-lived streams from idle timeouts. */
  keepAlive(): void {
    if (this.open && this.streaming) this.res.write(':\n\n');
  }

  /** The final message: the last SSE event, or the JSON body with this status. */
  finish(status: number, message: unknown): void {
    if (!this.open) return;
    if (this.streaming) {
      this.event(message);
      this.res.end();
    } else {
      this.res.status(status).json(message);
    }
  }
}
