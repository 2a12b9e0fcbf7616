import { useRef } from 'react';

/**
 * Radix dialogs give the focus back to their Trigger on close; ours open from buttons elsewhere
 * (a row's Remove, the header's Settings) or from events, so remember what had the focus when the
 * dialog opened and return there, as a keyboard user expects.
 */
export function useReturnFocus() {
  const opener = useRef<HTMLElement | null>(null);
  return {
    onOpenAutoFocus: () => {
      opener.current =
        document.activeElement instanceof HTMLElement ? document.activeElement : null;
    },
    onCloseAutoFocus: (event: Event) => {
      const target = opener.current;
      opener.current = null;
      if (target?.isConnected) {
        event.preventDefault();
        target.focus();
      }
    },
  };
}
