import {
  API_METHODS,
  ApiResultSchema,
  type ApiMethod,
  type CompanionApi,
  type CompanionEvent,
} from './api';
import { CompanionError } from './errors';

/**
 * Builds a CompanionApi from a transport that sends one call and gets one ApiResult back. The
 * preload (over Electron IPC) and the test harness (over a socket) both use it, so they cannot
 * drift from the table.
 */
export function createApiClient(
  send: (method: ApiMethod, input: unknown) => Promise<unknown>,
  subscribe: (listener: (event: CompanionEvent) => void) => () => void,
): CompanionApi {
  const api = { onEvent: subscribe } as Partial<CompanionApi> & Pick<CompanionApi, 'onEvent'>;
  for (const method of Object.keys(API_METHODS) as ApiMethod[]) {
    const call = async (input: unknown) => {
      const result = ApiResultSchema.parse(await send(method, input ?? {}));
      if (!result.ok) throw new CompanionError(result.error.code, result.error.message);
      return API_METHODS[method].output.parse(result.value);
    };
    Object.assign(api, { [method]: call });
  }
  return api as CompanionApi;
}
