import type { SavedServer } from '../registry/statusFiles';

/** The bridge's view of its connection's tokens (TokenManager in production, fakes in tests). */
export interface BridgeAuth {
  /** A usable access token; throws CompanionError('needs_sign_in') when the grant is gone. */
  getAccessToken(): Promise<string>;
  /** Called once after Splattr rejected `rejected`; returns the token to retry with. */
  refreshAfterRejection(rejected: string): Promise<string>;
  /**
   * Sees a 403 before the transport does; throws CompanionError('needs_sign_in') when a step-up
   * sign-in would help (`insufficient_scope` for scope the connection does not hold yet).
   */
  forbidden?(response: { status: number; headers: Headers }): Promise<void>;
}

/**
 * What the bridge tells the app about its health, through its status file. As in the status
 * files, a key present with the value undefined clears it.
 */
export interface BridgeStatusPatch {
  lastUsedAt?: string;
  /** A sentence a person can act on. */
  lastError?: string | undefined;
  needsSignIn?: boolean;
  savedServer?: SavedServer;
  /** What the bridge learnt of the eras Splattr speaks, for its origin. */
  serverEras?: Record<string, ServerEras>;
}

/** Whether Splattr answered (true) or refused (false) each era; unknown until tried. */
export interface ServerEras {
  legacy?: boolean;
  modern?: boolean;
}

export interface BridgeStatusSink {
  update(patch: BridgeStatusPatch): Promise<void>;
}

/** Diagnostics only, never stdout (which carries JSON-RPC) and never a secret or a message body. */
export interface BridgeLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
