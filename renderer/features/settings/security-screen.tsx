// Settings › Security: where the sign-in is kept, password change, two-step sign-in, sessions and
// devices (with revoke), and the account's security events.
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { authRoutes, Password, PASSWORD_MAX_LENGTH, type securityEventTypes } from '#shared/contract/auth';
import type { CredentialStoreStatus } from '#shared/contract/ipc';
import { messageOf } from '../../api/call-route.ts';
import { useFormatter } from '../../app/format.ts';
import { invoke } from '../../platform/bridge.ts';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Badge, Banner, Loading } from '../../ui/feedback.tsx';
import { Checkbox, TextField } from '../../ui/field.tsx';
import { FormCard } from '../../ui/form-card.tsx';
import { PasswordMeter, usePasswordStrength } from '../auth/password-strength.tsx';
import { useAccount, useSettings } from '../own-docs.ts';
import { useCall, useRemote } from '../server-data.ts';
import { TwoFactorCard } from './two-factor.tsx';

export function SecurityScreen() {
  const account = useAccount();
  return (
    <div className="stack-lg">
      <CredentialStorageCard />
      <PasswordCard email={account?.email ?? ''} />
      <TwoFactorCard enabled={account?.twoFactorEnabled ?? false} />
      <SessionsCard />
      <EventsCard />
    </div>
  );
}

function CredentialStorageCard() {
  const [status, setStatus] = useState<CredentialStoreStatus | undefined>(undefined);
  useEffect(() => {
    void invoke('credentials:status', {})
      .then(setStatus)
      .catch(() => undefined);
  }, []);
  if (status === undefined) return null;
  const weaker = status.backend === 'browser' || !status.persistent || status.backend === 'basic_text';
  return (
    <Banner
      tone={weaker ? 'warning' : 'success'}
      title={
        status.backend === 'browser'
          ? 'Your sign-in is kept in this browser'
          : status.persistent
            ? 'Your sign-in is kept in the system keychain'
            : 'Your sign-in is not kept after you quit'
      }
    >
      <span data-testid="credential-status">
        {status.reason ??
          (status.persistent
            ? `Stored with ${status.backend}.`
            : 'You will sign in again each time the app starts.')}
      </span>
    </Banner>
  );
}

const PasswordChange = z.object({
  currentPassword: z.string().min(1, 'enter your current password').max(PASSWORD_MAX_LENGTH),
  newPassword: Password,
  endOtherSessions: z.boolean(),
});
type PasswordChange = z.infer<typeof PasswordChange>;

function PasswordCard({ email }: { readonly email: string }) {
  const call = useCall();
  const [done, setDone] = useState(false);
  const form = useForm<PasswordChange>({
    resolver: zodResolver(PasswordChange),
    defaultValues: { currentPassword: '', newPassword: '', endOtherSessions: true },
    mode: 'onTouched',
  });
  const { errors, isSubmitting } = form.formState;
  const strength = usePasswordStrength(form.watch('newPassword'), [email]);
  const submit = form.handleSubmit(async (values) => {
    setDone(false);
    try {
      await call(authRoutes.changePassword, { body: values });
      form.reset();
      setDone(true);
    } catch (error) {
      form.setError('root', { message: messageOf(error) });
    }
  });
  return (
    <FormCard
      label="Change password"
      title="Password"
      submitLabel="Change password"
      busy={isSubmitting}
      error={errors.root?.message}
      onSubmit={submit}
    >
      {done ? (
        <Banner tone="success" live>
          Password changed.
        </Banner>
      ) : null}
      <input type="text" autoComplete="username" value={email} readOnly hidden />
      <div className="grid-2">
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          error={errors.currentPassword?.message}
          {...form.register('currentPassword')}
        />
        <div className="stack-sm">
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            error={errors.newPassword?.message}
            {...form.register('newPassword')}
          />
          <PasswordMeter strength={strength} id="new-password-strength" />
        </div>
      </div>
      <Checkbox label="Sign out everywhere else" {...form.register('endOtherSessions')} />
    </FormCard>
  );
}

function SessionsCard() {
  const call = useCall();
  const settings = useSettings();
  const format = useFormatter(settings);
  const { state, reload } = useRemote(authRoutes.listSessions, {});
  const [error, setError] = useState<string | undefined>(undefined);
  const act = (work: Promise<unknown>) => {
    setError(undefined);
    work.then(reload).catch((failure: unknown) => {
      setError(messageOf(failure));
    });
  };
  const others =
    state.kind === 'ready' ? state.data.sessions.filter((session) => !session.current).length : 0;
  return (
    <Card
      title="Sessions and devices"
      description="Everywhere you are signed in. Ending a session signs that device out."
      actions={
        others > 0 ? (
          <Button
            size="small"
            onClick={() => {
              act(call(authRoutes.revokeOtherSessions, {}));
            }}
          >
            Sign out all others
          </Button>
        ) : undefined
      }
    >
      {error !== undefined ? (
        <Banner tone="danger" live>
          {error}
        </Banner>
      ) : null}
      {state.kind === 'loading' ? (
        <Loading label="Loading sessions…" />
      ) : state.kind === 'failed' ? (
        <p className="muted">{state.message}</p>
      ) : (
        <table className="ui-table">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Last active</th>
              <th scope="col">Signed in</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {state.data.sessions.map((session) => (
              <tr key={session.id}>
                <td>
                  <div className="row">
                    <span>{session.deviceName}</span>
                    {session.current ? <Badge tone="accent">This device</Badge> : null}
                  </div>
                  {session.ip !== null ? <span className="muted">{session.ip}</span> : null}
                </td>
                <td>{format.dateTime(session.lastSeenAt)}</td>
                <td>{format.date(session.createdAt)}</td>
                <td className="cell-actions">
                  {session.current ? null : (
                    <Button
                      size="small"
                      variant="ghost"
                      aria-label={`End the session on ${session.deviceName}`}
                      onClick={() => {
                        act(call(authRoutes.revokeSession, { body: { sessionId: session.id } }));
                      }}
                    >
                      End
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

const eventLabels: Record<(typeof securityEventTypes)[number], string> = {
  registered: 'Account created',
  email_verified: 'Email verified',
  sign_in_succeeded: 'Signed in',
  sign_in_failed: 'Failed sign-in attempt',
  account_locked: 'Sign-in locked after failed attempts',
  signed_out: 'Signed out',
  session_revoked: 'Session ended',
  refresh_token_reused: 'Reused sign-in token: session ended',
  password_changed: 'Password changed',
  password_reset: 'Password reset',
  email_change_requested: 'Email change requested',
  email_changed: 'Email changed',
  email_change_reverted: 'Email change undone',
  two_factor_enabled: 'Two-step sign-in turned on',
  two_factor_disabled: 'Two-step sign-in turned off',
  recovery_codes_regenerated: 'New recovery codes',
  recovery_code_used: 'Recovery code used',
  deletion_requested: 'Deletion requested',
  deletion_restored: 'Account restored',
  account_purged: 'Account purged',
  token_created: 'Access token created',
  token_revoked: 'Access token revoked',
  data_exported: 'Data exported',
  admin_action: 'Administrator action',
};

const alarming = new Set(['sign_in_failed', 'account_locked', 'refresh_token_reused']);

function EventsCard() {
  const settings = useSettings();
  const format = useFormatter(settings);
  const { state } = useRemote(authRoutes.auditEvents, { query: { limit: 20 } });
  return (
    <Card
      title="Security events"
      description="The latest things that happened to your account, newest first."
    >
      {state.kind === 'loading' ? (
        <Loading label="Loading events…" />
      ) : state.kind === 'failed' ? (
        <p className="muted">{state.message}</p>
      ) : state.data.events.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ul className="ui-list events">
          {state.data.events.map((event) => (
            <li key={event.id}>
              <span
                className={`event-dot ${alarming.has(event.type) ? 'is-alarming' : ''}`}
                aria-hidden="true"
              />
              <span className="grow">
                <span>{eventLabels[event.type]}</span>
                {event.detail !== null ? <span className="muted"> · {event.detail}</span> : null}
                {event.ip !== null ? <span className="muted"> · {event.ip}</span> : null}
              </span>
              <span className="muted">{format.dateTime(event.at)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
