// Runs in the page, in place of the preload: the same createApiClient, over HTTP instead of IPC.
import '../../../src/shared/noEval';
import { CompanionEventSchema, type ApiMethod, type CompanionEvent } from '../../../src/shared/api';
import { createApiClient } from '../../../src/shared/apiClient';

type Listener = (event: CompanionEvent) => void;
const listeners = new Set<Listener>();
let source: EventSource | undefined;

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  source ??= new EventSource('/__events');
  source.onmessage = (message) => {
    const parsed = CompanionEventSchema.safeParse(JSON.parse(String(message.data)));
    if (parsed.success) for (const each of listeners) each(parsed.data);
  };
  return () => listeners.delete(listener);
}

async function send(method: ApiMethod, input: unknown): Promise<unknown> {
  const response = await fetch(`/__api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input ?? {}),
  });
  return response.json();
}

Object.defineProperty(window, 'splattr', { value: createApiClient(send, subscribe) });
