// The "verify" action for the emails and phone numbers in a profile: the server sends a code to
// each new entry; entering it here marks the entry verified (the change then arrives by sync).
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import {
  ContactCode,
  contactRoutes,
  type ContactKind,
  type ContactVerification,
} from '#shared/contract/contact';
import { messageOf } from '../../api/call-route.ts';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { useCall, useRemote } from '../server-data.ts';

/** The server's verification state of every contact entry, reloaded when the entries change. */
export function useContactVerifications(entryKey: string) {
  const { state, reload } = useRemote(contactRoutes.list, {});
  const [seenKey, setSeenKey] = useState(entryKey);
  if (seenKey !== entryKey) {
    setSeenKey(entryKey);
    reload();
  }
  const byEntry = new Map<string, ContactVerification>(
    state.kind === 'ready' ? state.data.verifications.map((row) => [`${row.kind}:${row.entryId}`, row]) : [],
  );
  return { of: (kind: ContactKind, entryId: string) => byEntry.get(`${kind}:${entryId}`), reload };
}

const CodeValues = z.object({ code: z.string().trim().pipe(ContactCode) });

export function VerifyAction({
  kind,
  entryId,
  address,
  verification,
  onChanged,
}: {
  readonly kind: ContactKind;
  readonly entryId: string;
  readonly address: string;
  readonly verification: ContactVerification | undefined;
  readonly onChanged: () => void;
}) {
  const call = useCall();
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const form = useForm<z.input<typeof CodeValues>, unknown, z.infer<typeof CodeValues>>({
    resolver: zodResolver(CodeValues),
    defaultValues: { code: '' },
  });
  switch (verification?.state) {
    case 'invalid_number':
      return <span className="text-danger">Not a valid number</span>;
    case 'in_use_elsewhere':
      return <span className="text-danger">Verified on another account</span>;
    case 'verified':
      // Confirmed on the server; the flag reaches this device with the next sync.
      return <span className="muted">Verified, syncing…</span>;
    default:
      break;
  }
  if (!open) {
    return (
      <Button
        size="small"
        onClick={() => {
          setOpen(true);
          // The list may predate this entry reaching the server: look again for its code.
          onChanged();
        }}
        aria-label={`Verify ${address}`}
      >
        Verify
      </Button>
    );
  }
  const resend = () => {
    setNotice(undefined);
    call(contactRoutes.resend, { body: { kind, entryId } })
      .then(() => {
        setNotice('A new code is on its way.');
        onChanged();
      })
      .catch((error: unknown) => {
        setNotice(messageOf(error));
      });
  };
  const submit = form.handleSubmit(async ({ code }) => {
    try {
      await call(contactRoutes.verify, { body: { kind, entryId, code } });
      setOpen(false);
      onChanged();
    } catch (error) {
      form.setError('code', { message: messageOf(error) });
    }
  });
  const hint = codeHint(verification);
  return (
    <form
      className="verify-form"
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label={`Verify ${address}`}
    >
      <TextField
        label={`Code sent to ${address}`}
        hint={hint}
        inputMode="numeric"
        autoComplete="one-time-code"
        autoFocus
        error={form.formState.errors.code?.message}
        {...form.register('code')}
      />
      {notice !== undefined ? (
        <p className="muted" role="status">
          {notice}
        </p>
      ) : null}
      <div className="row">
        <Button type="submit" size="small" variant="primary" busy={form.formState.isSubmitting}>
          Confirm
        </Button>
        <Button size="small" variant="ghost" onClick={resend}>
          Send a new code
        </Button>
        <Button
          size="small"
          variant="ghost"
          onClick={() => {
            setOpen(false);
          }}
        >
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** What to tell the person about the code for an entry, when it is not simply on its way. */
function codeHint(verification: ContactVerification | undefined): string | undefined {
  switch (verification?.state) {
    case undefined:
      return 'The code is sent once this device has synced the new entry.';
    case 'code_sent':
      return undefined;
    case 'code_expired':
      return 'The code has expired: send a new one.';
    case 'code_used_up':
      return 'Too many wrong codes: send a new one.';
    case 'not_sent':
      return 'No code went out yet: send one.';
    case 'verified':
    case 'in_use_elsewhere':
    case 'invalid_number':
      return undefined;
  }
}
