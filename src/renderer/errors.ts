import { ERROR_MESSAGES, ErrorInfoSchema, type ErrorInfo } from '../shared/errors';

/**
 * A failed call rejects with a CompanionError, or, through Electron's contextBridge, with its plain
 * { code, message } (the bridge drops an Error's other properties). Either way the page gets the
 * service's sentence; anything else becomes the generic one.
 */
export function errorInfo(error: unknown): ErrorInfo {
  const candidate =
    typeof error === 'object' && error !== null
      ? { code: (error as { code?: unknown }).code, message: (error as Error).message }
      : undefined;
  const parsed = ErrorInfoSchema.safeParse(candidate);
  return parsed.success ? parsed.data : { code: 'internal', message: ERROR_MESSAGES.internal };
}
