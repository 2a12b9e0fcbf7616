import type { CompanionApi } from '../shared/api';

declare global {
  interface Window {
    /** Exposed by the preload (or, in browser tests, by the test harness). */
    splattr: CompanionApi;
  }
}

export function api(): CompanionApi {
  return window.splattr;
}
