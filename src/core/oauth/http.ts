import { CompanionError } from '../../shared/errors';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** No single sign-in request may hang the flow; the person's own wait is bounded elsewhere. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The fetch every sign-in request goes through. The SDK's discovery helpers take any TypeError
 * for a CORS refusal and quietly try the next URL, so a server that cannot be reached would look
 * like one without metadata: throwing our own error here keeps "unreachable" apart. A 5xx answer
 * becomes 'server_error' for the same reason, and because the SDK's messages quote response
 * bodies, which must not reach a person or a log.
 */
export function signInFetch(base: FetchLike = fetch, signal?: AbortSignal): FetchLike {
  return async (input, init) => {
    if (signal?.aborted) throw new CompanionError('sign_in_aborted');
    const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS)];
    if (signal) signals.push(signal);
    if (init?.signal) signals.push(init.signal);
    let response: Response;
    try {
      response = await base(input, { ...init, signal: AbortSignal.any(signals) });
    } catch (error) {
      if (signal?.aborted) throw new CompanionError('sign_in_aborted');
      if (error instanceof CompanionError) throw error;
      throw new CompanionError('server_unreachable', undefined, { cause: error });
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new CompanionError('server_error');
    }
    return response;
  };
}
