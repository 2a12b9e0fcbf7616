import { Notification } from 'electron';
import { CLIENT_NAMES } from '../shared/clients';
import { accountLine, type Connection } from '../shared/connection';

/** Tells the person a connection needs them; clicking the notification opens it in the app. */
export function notifyNeedsSignIn(connection: Connection, open: (id: string) => void): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({
    title: `${CLIENT_NAMES[connection.client]} needs you to sign in to Splattr again`,
    body: `${accountLine(connection)}: open Splattr Companion and click Reconnect.`,
  });
  notification.on('click', () => open(connection.id));
  notification.show();
}
