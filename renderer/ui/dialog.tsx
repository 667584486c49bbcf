// Modal dialog and side drawer on the native <dialog> element: it traps focus, closes on Escape
// and returns focus to the opener, without any script of ours doing it.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from './button.tsx';

export interface DialogProps {
  readonly open: boolean;
  readonly title: ReactNode;
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly variant?: 'dialog' | 'drawer';
  readonly headerExtra?: ReactNode;
}

export function Dialog({ open, title, onClose, children, variant = 'dialog', headerExtra }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`ui-dialog ${variant === 'drawer' ? 'ui-drawer' : ''}`}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {open ? (
        <>
          <header className="ui-dialog__header">
            <h2 id={titleId}>{title}</h2>
            <div className="row">
              {headerExtra}
              <Button variant="ghost" icon="x" onClick={onClose} aria-label="Close" />
            </div>
          </header>
          <div className="ui-dialog__body">{children}</div>
        </>
      ) : null}
    </dialog>
  );
}
