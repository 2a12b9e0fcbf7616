import { ipcMain, type WebContents } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type CompanionEvent } from '../shared/api';
import { dispatchApiCall } from '../shared/apiServer';
import type { CompanionService } from '../core/service';
import { isTrustedSender } from './security';

/**
 * The whole IPC surface, registered in one place: one channel, every call checked against the
 * API_METHODS table (method name and argument) by dispatchApiCall, and only from our own window.
 */
export function registerIpc(service: CompanionService, ui: () => WebContents | undefined): void {
  ipcMain.handle(IPC_CALL_CHANNEL, (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event.sender, event.senderFrame, ui())) {
      throw new Error('Refused a call from a frame that is not the Splattr Companion window.');
    }
    return dispatchApiCall(service, method, input);
  });
}

export function sendEvent(ui: WebContents | undefined, event: CompanionEvent): void {
  if (ui && !ui.isDestroyed()) ui.send(IPC_EVENT_CHANNEL, event);
}
