import { API_METHODS, type ApiMethod, type ApiResult, type CompanionApi } from './api';
import { CompanionError, toErrorInfo } from './errors';

/**
 * The other end of createApiClient: validates the method and its argument against the table,
 * calls the implementation, and turns every outcome into an ApiResult.
 */
export async function dispatchApiCall(
  impl: Omit<CompanionApi, 'onEvent'>,
  method: unknown,
  input: unknown,
): Promise<ApiResult> {
  try {
    if (typeof method !== 'string' || !Object.hasOwn(API_METHODS, method)) {
      throw new CompanionError('invalid_input');
    }
    const name = method as ApiMethod;
    const parsed = API_METHODS[name].input.safeParse(input ?? {});
    if (!parsed.success) throw new CompanionError('invalid_input');
    const call = impl[name] as (arg: unknown) => Promise<unknown>;
    const value = await call.call(impl, parsed.data);
    return { ok: true, value: value ?? null };
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}
