import * as Toast from '@radix-ui/react-toast';
import type { Toast as ToastItem } from '../useCompanion';
import { AlertIcon, CheckIcon, CloseIcon } from './icons';

/**
 * Errors stay until dismissed (people read at their own pace) and are announced at once;
 * confirmations fade after a few seconds and are announced politely.
 */
export function Toasts({
  toasts,
  onDismiss,
}: {
  toasts: ToastItem[];
  onDismiss: (id: number) => void;
}) {
  return (
    <>
      {toasts.map((item) => (
        <Toast.Root
          key={item.id}
          className={`toast toast--${item.tone}`}
          type={item.tone === 'error' ? 'foreground' : 'background'}
          duration={item.tone === 'error' ? Infinity : 5000}
          onOpenChange={(open) => (open ? undefined : onDismiss(item.id))}
        >
          <span className="toast-icon" aria-hidden="true">
            {item.tone === 'error' ? <AlertIcon /> : <CheckIcon />}
          </span>
          <div className="toast-body">
            <Toast.Title className="toast-title">{item.title}</Toast.Title>
            {item.description ? (
              <Toast.Description className="toast-description">
                {item.description}
              </Toast.Description>
            ) : null}
          </div>
          <Toast.Close className="icon-button" aria-label="Dismiss">
            <CloseIcon />
          </Toast.Close>
        </Toast.Root>
      ))}
      <Toast.Viewport className="toast-viewport" />
    </>
  );
}
