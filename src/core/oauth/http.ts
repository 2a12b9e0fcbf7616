import { CompanionError } from '../../shared/errors';
import { requireSecureUrl } from './secureUrl';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** No single sign-in request may hang the flow; the person's own wait is bounded elsewhere. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The largest answer sign-in reads. Metadata, registrations, tokens, keys and userinfo are a few
 * KiB; a server sending more is broken or hostile, and without a bound it could fill memory.
 */
export const MAX_SIGN_IN_BODY_BYTES = 1024 * 1024;

const tooLarge = () =>
  new CompanionError(
    'server_error',
    'Splattr sent a sign-in answer far larger than any such answer should be, so sign-in was stopped. Please try again later, or contact Splattr support.',
  );

/**
 * The fetch every sign-in request goes through. The SDK's discovery helpers take any TypeError
 * for a CORS refusal and quietly try the next URL, so a server that cannot be reached would look
 * like one without metadata: throwing our own error here keeps "unreachable" apart. A 5xx answer
 * becomes 'server_error' for the same reason, and because the SDK's messages quote response
 * bodies, which must not reach a person or a log. Every URL passes the https rule first (metadata
 * can name any endpoint), and every body is capped.
 */
export function signInFetch(base: FetchLike = fetch, signal?: AbortSignal): FetchLike {
  return async (input, init) => {
    if (signal?.aborted) throw new CompanionError('sign_in_aborted');
    requireSecureUrl(input, 'An address in the Splattr server’s sign-in metadata');
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
    return capBody(response, MAX_SIGN_IN_BODY_BYTES);
  };
}

/** The same response, whose body errors (with our sentence) once it passes `limit` bytes. */
export function capBody(response: Response, limit = MAX_SIGN_IN_BODY_BYTES): Response {
  // A body on these statuses is not allowed in a Response; there is none to cap.
  if (!response.body || [101, 204, 205, 304].includes(response.status)) return response;
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) {
    void response.body.cancel();
    throw tooLarge();
  }
  let seen = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  const capped = new Response(counted, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // Callers compare redirect targets against the URL that answered.
  Object.defineProperty(capped, 'url', { value: response.url });
  return capped;
}
