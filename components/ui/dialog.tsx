'use client';

import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

const TABBABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Tab from the last control comes back to the first, Shift+Tab from the first goes to the last. showModal() makes
 * the page behind inert but lets the focus leave for the browser's own toolbar, which loses a keyboard user.
 */
function wrapTab(event: KeyboardEvent<HTMLDialogElement>) {
  if (event.key !== 'Tab') return;
  const controls = Array.from(event.currentTarget.querySelectorAll<HTMLElement>(TABBABLE)).filter((element) => element.checkVisibility());
  const first = controls[0];
  const last = controls.at(-1);
  if (!first || !last) return;
  const edge = event.shiftKey ? first : last;
  if (document.activeElement !== edge) return;
  event.preventDefault();
  (event.shiftKey ? last : first).focus();
}

type DialogProps = {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Focused on close when the element that opened the dialog is gone (it sat in a menu that closed, say). */
  returnFocusTo?: () => HTMLElement | null | undefined;
  /** 'alert' for confirmations: screen readers announce it as one. */
  role?: 'dialog' | 'alertdialog';
  className?: string;
};

/**
 * A modal on the native <dialog>: showModal() traps focus and makes the rest of the page inert, Escape closes it.
 * Mount it to open and unmount it to close; focus goes back to where it was before.
 */
export function Dialog({ title, onClose, children, returnFocusTo, role = 'dialog', className = '' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  const returnFocusRef = useRef(returnFocusTo);
  useEffect(() => {
    onCloseRef.current = onClose;
    returnFocusRef.current = returnFocusTo;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // Opened from a menu item that is gone already, focus sits on <body>: that is no place to return to.
    const active = document.activeElement;
    const opener = active instanceof HTMLElement && active !== document.body ? active : null;
    if (!dialog.open) dialog.showModal();
    // showModal() focuses the first focusable element (the close button); a field marked data-autofocus wins.
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    // Escape (and the browser's own close) fires 'close': the owner unmounts us. The event is queued, so one from
    // an earlier close (React's development double mount) can land after we opened again: ignore it then.
    const onNativeClose = () => {
      if (!dialog.open) onCloseRef.current();
    };
    dialog.addEventListener('close', onNativeClose);
    return () => {
      dialog.removeEventListener('close', onNativeClose);
      if (dialog.open) dialog.close();
      const target = opener?.isConnected ? opener : returnFocusRef.current?.();
      // After React has removed the dialog, so the focus is not taken back by it; not when React mounted us
      // again at once (development's double mount): the dialog is open and holds the focus then.
      queueMicrotask(() => {
        if (!dialog.isConnected) target?.focus();
      });
    };
  }, []);

  return (
    <dialog
      ref={ref}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={titleId}
      aria-modal="true"
      onKeyDown={wrapTab}
      // A click on the backdrop lands on the <dialog> itself (the content fills its inside): close, as people expect.
      onClick={(event) => {
        if (event.target === ref.current) onCloseRef.current();
      }}
      className={`m-auto max-h-[85dvh] w-[calc(100vw-2rem)] max-w-md overflow-hidden rounded-2xl border border-line bg-surface-raised p-0 text-ink shadow-xl backdrop:bg-black/50 ${className}`}
    >
      <div className="flex max-h-[85dvh] flex-col">
        <div className="flex items-center gap-2 border-b border-line px-4 py-3">
          <h2 id={titleId} className="min-w-0 flex-1 truncate text-lg font-semibold">
            {title}
          </h2>
          <button
            type="button"
            aria-label="Close"
            onClick={() => onCloseRef.current()}
            className="rounded-lg px-2 py-1 text-xl leading-none text-muted hover:bg-surface-alt hover:text-ink"
          >
            ×
          </button>
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto px-4 py-3">{children}</div>
      </div>
    </dialog>
  );
}

/** "Remove Bo from the group?" with one destructive button and Cancel (focused first, so Enter is safe). */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  onConfirm,
  onCancel,
  pending = false,
  error,
}: {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
  error?: string | null;
}) {
  return (
    <Dialog title={title} onClose={onCancel} role="alertdialog">
      <div className="flex flex-col gap-4">
        <div className="text-sm">{body}</div>
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <button
            type="button"
            data-autofocus
            onClick={onCancel}
            className="rounded-lg px-4 py-2 text-sm font-semibold text-ink hover:bg-surface-alt"
          >
            Cancel
          </button>
          <button
            type="button"
            disabled={pending}
            onClick={onConfirm}
            className="rounded-lg bg-danger px-4 py-2 text-sm font-semibold text-white hover:opacity-90 disabled:opacity-60"
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
