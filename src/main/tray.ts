import { Menu, Tray, nativeImage } from 'electron';
import type { Connection } from '../shared/connection';
import trayIcon from '../../resources/tray.png?asset';

/** "2 connected · 1 needs sign-in": what the tray shows at a glance. */
export function statusSummary(connections: readonly Connection[]): string {
  if (connections.length === 0) return 'No connections yet';
  const needSignIn = connections.filter((c) => c.status === 'needs_sign_in').length;
  const broken = connections.filter(
    (c) => c.status === 'error' || c.status === 'missing_from_config',
  ).length;
  const connected = connections.length - needSignIn - broken;
  return [
    connected && `${connected} connected`,
    needSignIn && `${needSignIn} need${needSignIn === 1 ? 's' : ''} sign-in`,
    broken && `${broken} need${broken === 1 ? 's' : ''} attention`,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function createTray(actions: { open: () => void; quit: () => void }) {
  const image = nativeImage.createFromPath(trayIcon);
  if (process.platform === 'darwin') image.setTemplateImage(true);
  const tray = new Tray(image);
  tray.on('click', actions.open);

  function update(connections: readonly Connection[]): void {
    const summary = statusSummary(connections);
    tray.setToolTip(`Splattr Companion: ${summary}`);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: summary, enabled: false },
        { type: 'separator' },
        { label: 'Open Splattr Companion', click: actions.open },
        { label: 'Quit', click: actions.quit },
      ]),
    );
  }

  update([]);
  return { update, destroy: () => tray.destroy() };
}
