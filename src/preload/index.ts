import { contextBridge, ipcRenderer } from 'electron';
import '../shared/noEval';
import {
  CompanionEventSchema,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  type CompanionApi,
  type CompanionEvent,
} from '../shared/api';
import { createApiClient } from '../shared/apiClient';
import { CompanionError } from '../shared/errors';

type Listener = (event: CompanionEvent) => void;
const listeners = new Set<Listener>();
/**
 * Events that come before the page subscribes (a deep link that launched the app, a notification
 * clicked while loading) are kept and handed to the first listener, so none is lost.
 */
let early: CompanionEvent[] | undefined = [];

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, payload: unknown) => {
  const parsed = CompanionEventSchema.safeParse(payload);
  if (!parsed.success) return;
  if (early) early.push(parsed.data);
  for (const listener of listeners) listener(parsed.data);
});

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  if (early) {
    const replay = early;
    early = undefined;
    for (const event of replay) listener(event);
  }
  return () => listeners.delete(listener);
}

/**
 * contextBridge re-creates a thrown Error from its message alone, so a CompanionError would reach
 * the page without its code. Rejecting with the plain { code, message } keeps both; the page
 * reads either shape (src/renderer/errors.ts).
 */
function keepErrorCodes(client: CompanionApi): CompanionApi {
  const wrapped = { ...client };
  for (const [name, call] of Object.entries(client)) {
    if (name === 'onEvent') continue;
    Object.assign(wrapped, {
      [name]: (input: never) =>
        (call as (arg: never) => Promise<unknown>)(input).catch((error: unknown) => {
          throw error instanceof CompanionError ? error.toInfo() : error;
        }),
    });
  }
  return wrapped;
}

const api = keepErrorCodes(
  createApiClient(
    (method, input) => ipcRenderer.invoke(IPC_CALL_CHANNEL, method, input),
    subscribe,
  ),
) satisfies CompanionApi;

contextBridge.exposeInMainWorld('splattr', api);
