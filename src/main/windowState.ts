import { screen, type BrowserWindow, type Rectangle } from 'electron';
import Store from 'electron-store';
import * as z from 'zod';
import { dataDir } from '../core/paths';

const BoundsSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(480).max(10_000),
  height: z.number().int().min(400).max(10_000),
});

export const DEFAULT_SIZE = { width: 920, height: 720 };

/** Remembers the window's size and place in a small file in the data folder. */
export function createWindowState() {
  const store = new Store<{ bounds?: unknown }>({
    name: 'window-state',
    cwd: dataDir(),
    clearInvalidConfig: true,
  });

  /** The saved bounds, unless they are damaged or lie on a display that is gone. */
  function restore(): Partial<Rectangle> {
    const saved = BoundsSchema.safeParse(store.get('bounds'));
    if (!saved.success) return DEFAULT_SIZE;
    const { workArea } = screen.getDisplayMatching(saved.data);
    const visible =
      saved.data.x < workArea.x + workArea.width &&
      saved.data.y < workArea.y + workArea.height &&
      saved.data.x + saved.data.width > workArea.x &&
      saved.data.y + saved.data.height > workArea.y;
    return visible ? saved.data : { width: saved.data.width, height: saved.data.height };
  }

  function track(window: BrowserWindow): void {
    const save = () => {
      if (!window.isMinimized() && !window.isMaximized()) store.set('bounds', window.getBounds());
    };
    // Saving on every resize event would write many times a second; these mark the end of a move.
    window.on('resized', save);
    window.on('moved', save);
    window.on('close', save);
  }

  return { restore, track };
}
