import { Menu, Tray, nativeImage } from 'electron';
import { statusSummary, type Connection } from '../shared/connection';
import trayIcon from '../../resources/tray.png?asset';

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
