// Settings › Account: the sign-in email (change it, with a pending state until confirmed) and
// deleting the account after a grace period (restore by signing in before it ends).
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { authRoutes, EmailCode, PASSWORD_MAX_LENGTH } from '#shared/contract/auth';
import { Email } from '#shared/entities/values';
import { messageOf } from '../../api/call-route.ts';
import { useManager, useRuntime } from '../../app/app-context.tsx';
import { useFormatter } from '../../app/format.ts';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Badge, Banner, Loading } from '../../ui/feedback.tsx';
import { FormError } from '../../ui/form-card.tsx';
import { TextField } from '../../ui/field.tsx';
import { NotSyncedYet } from '../not-synced.tsx';
import { useAccount, useSettings } from '../own-docs.ts';
import { useCall, useRemote } from '../server-data.ts';
import { DownloadDataCard } from './download-data.tsx';

const passwordField = z.string().min(1, 'enter your password').max(PASSWORD_MAX_LENGTH);
const EmailChange = z.object({ newEmail: Email, password: passwordField });
const EmailConfirm = z.object({ code: z.string().trim().pipe(EmailCode) });
const Deletion = z.object({ password: passwordField });

export function AccountScreen() {
  const account = useAccount();
  const settings = useSettings();
  const format = useFormatter(settings);
  if (account === undefined) return <Loading />;
  if (account === null) return <NotSyncedYet what="account" />;
  return (
    <div className="stack-lg">
      <Card title="Account">
        <dl className="facts facts--wide">
          <div>
            <dt>Sign-in email</dt>
            <dd className="row">
              <span data-testid="account-email">{account.email}</span>
              {account.emailVerified ? (
                <Badge tone="success">Verified</Badge>
              ) : (
                <Badge tone="warning">Not verified</Badge>
              )}
            </dd>
          </div>
          <div>
            <dt>Member since</dt>
            <dd>{format.date(account.createdAt)}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>{account.role === 'admin' ? 'Administrator' : 'Member'}</dd>
          </div>
        </dl>
      </Card>
      <EmailCard pendingEmail={account.pendingEmail} />
      <DownloadDataCard twoFactor={account.twoFactorEnabled} />
      <DeleteCard />
    </div>
  );
}

function EmailCard({ pendingEmail }: { readonly pendingEmail: string | null }) {
  const call = useCall();
  const manager = useManager();
  const [requested, setRequested] = useState<string | undefined>(undefined);
  const [changed, setChanged] = useState(false);
  const pending = requested ?? pendingEmail ?? undefined;
  const change = useForm<z.infer<typeof EmailChange>>({
    resolver: zodResolver(EmailChange),
    defaultValues: { newEmail: '', password: '' },
  });
  const confirm = useForm<z.input<typeof EmailConfirm>, unknown, z.infer<typeof EmailConfirm>>({
    resolver: zodResolver(EmailConfirm),
    defaultValues: { code: '' },
  });
  const submitChange = change.handleSubmit(async (values) => {
    setChanged(false);
    try {
      await call(authRoutes.requestEmailChange, { body: values });
      setRequested(values.newEmail);
      change.reset();
    } catch (error) {
      change.setError('root', { message: messageOf(error) });
    }
  });
  const submitConfirm = confirm.handleSubmit(async (values) => {
    try {
      const me = await call(authRoutes.confirmEmailChange, { body: values });
      manager.relabel({ email: me.email });
      setRequested(undefined);
      setChanged(true);
      confirm.reset();
    } catch (error) {
      confirm.setError('code', { message: messageOf(error) });
    }
  });
  return (
    <Card
      title="Change sign-in email"
      description="We send a code to the new address and a notice to the current one."
    >
      <div className="stack">
        {changed ? (
          <Banner tone="success" live>
            Your sign-in email is changed.
          </Banner>
        ) : null}
        {pending !== undefined ? (
          <form
            className="stack"
            noValidate
            onSubmit={(event) => void submitConfirm(event)}
            aria-label="Confirm new email"
          >
            <Banner tone="info" title={`Waiting for confirmation of ${pending}`}>
              Enter the code we sent there. Until then you keep signing in with your current address.
            </Banner>
            <TextField
              label="Code from the email"
              inputMode="numeric"
              autoComplete="one-time-code"
              error={confirm.formState.errors.code?.message}
              {...confirm.register('code')}
            />
            <div>
              <Button type="submit" variant="primary" busy={confirm.formState.isSubmitting}>
                Confirm new email
              </Button>
            </div>
          </form>
        ) : null}
        <form
          className="stack"
          noValidate
          onSubmit={(event) => void submitChange(event)}
          aria-label="Request an email change"
        >
          <FormError message={change.formState.errors.root?.message} />
          <div className="grid-2">
            <TextField
              label="New email"
              type="email"
              autoComplete="email"
              error={change.formState.errors.newEmail?.message}
              {...change.register('newEmail')}
            />
            <TextField
              label="Password"
              type="password"
              autoComplete="current-password"
              error={change.formState.errors.password?.message}
              {...change.register('password')}
            />
          </div>
          <div>
            <Button type="submit" busy={change.formState.isSubmitting}>
              {pending !== undefined ? 'Send to another address' : 'Send confirmation code'}
            </Button>
          </div>
        </form>
      </div>
    </Card>
  );
}

const DAY_MS = 86_400_000;

/** Whole days from now until `due`, for "in 30 days" next to the deletion date. */
function daysUntil(due: string): number {
  return Math.max(0, Math.round((Date.parse(due) - Date.now()) / DAY_MS));
}

function DeleteCard() {
  const call = useCall();
  const manager = useManager();
  const runtime = useRuntime();
  const settings = useSettings();
  const format = useFormatter(settings);
  const [confirming, setConfirming] = useState(false);
  const [scheduled, setScheduled] = useState<string | undefined>(undefined);
  // The grace period is a server setting; offline (or before it answers) the text stays general.
  const me = useRemote(authRoutes.me, {}).state;
  const graceDays = me.kind === 'ready' ? me.data.deletionGraceDays : undefined;
  const form = useForm<z.infer<typeof Deletion>>({
    resolver: zodResolver(Deletion),
    defaultValues: { password: '' },
  });
  const submit = form.handleSubmit(async (values) => {
    try {
      const result = await call(authRoutes.requestDeletion, { body: values });
      setScheduled(result.deletionDueAt);
      // The server has ended every session, this one too; say so here instead of "sign in again".
      runtime.session.endHere(
        `Your account is scheduled for deletion on ${format.date(result.deletionDueAt)}. Sign in before then to restore it.`,
      );
    } catch (error) {
      form.setError('password', { message: messageOf(error) });
    }
  });
  return (
    <Card
      title="Delete account"
      description="Your profile leaves every directory at once and you are signed out everywhere."
    >
      <div className="stack">
        <p>
          {graceDays === undefined
            ? 'Deletion waits for a grace period.'
            : `Deletion waits for a grace period of ${graceDays} days: confirmed today, the account is deleted on ${format.date(Date.now() + graceDays * DAY_MS)}.`}{' '}
          Until it ends, signing in offers to restore the account exactly as it was; afterwards your personal
          data is purged and every device removes its copy.
        </p>
        {scheduled !== undefined ? (
          <Banner
            tone="warning"
            live
            title={`Your account will be deleted on ${format.date(scheduled)}, in ${daysUntil(scheduled)} days`}
            actions={
              <Button variant="primary" size="small" onClick={() => void manager.signOut({ wipe: false })}>
                Sign out
              </Button>
            }
          >
            Every session has ended. Until then, signing in offers to restore it exactly as it was; we also
            sent this date to your email address.
          </Banner>
        ) : confirming ? (
          <form
            className="stack"
            noValidate
            onSubmit={(event) => void submit(event)}
            aria-label="Confirm account deletion"
          >
            <TextField
              label="Password"
              type="password"
              autoComplete="current-password"
              error={form.formState.errors.password?.message}
              {...form.register('password')}
            />
            <div className="row">
              <Button type="submit" variant="danger" busy={form.formState.isSubmitting}>
                Delete my account
              </Button>
              <Button
                variant="ghost"
                onClick={() => {
                  setConfirming(false);
                }}
              >
                Cancel
              </Button>
            </div>
          </form>
        ) : (
          <div>
            <Button
              variant="danger"
              onClick={() => {
                setConfirming(true);
              }}
            >
              Delete account…
            </Button>
          </div>
        )}
      </div>
    </Card>
  );
}
