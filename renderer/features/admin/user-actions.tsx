// What an administrator can do to one account. Each action opens a small form with the reason the
// audit log keeps (required); purging asks to repeat the email address, changing a role for the
// new role. The server's answer is shown as it comes: what happened, or why not.
import { useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { AdminReason, adminRoutes, type AdminUserSummary } from '#shared/contract/admin';
import { AccordError } from '#shared/errors';
import { Role } from '#shared/policy/field';
import { messageOf } from '../../api/call-route.ts';
import { Button } from '../../ui/button.tsx';
import { Banner } from '../../ui/feedback.tsx';
import { SelectField, TextAreaField, TextField } from '../../ui/field.tsx';
import { useAdminCall } from './admin-gate.tsx';
import { roleLabels } from './present.tsx';

export const userActionKinds = [
  'suspend',
  'unsuspend',
  'signOutEverywhere',
  'sendPasswordReset',
  'markEmailVerified',
  'restoreDeletion',
  'purge',
  'changeRole',
] as const;
export type UserActionKind = (typeof userActionKinds)[number];

interface ActionSpec {
  readonly label: string;
  readonly explain: string;
  readonly danger?: true;
  readonly availableFor: (user: AdminUserSummary) => boolean;
}

export const actionSpecs: Record<UserActionKind, ActionSpec> = {
  suspend: {
    label: 'Suspend',
    explain: 'Ends every session at once; the person cannot sign in or sync until unsuspended.',
    danger: true,
    availableFor: (user) => user.status === 'active',
  },
  unsuspend: {
    label: 'Unsuspend',
    explain: 'The person may sign in again and reappears in directories.',
    availableFor: (user) => user.status === 'suspended',
  },
  signOutEverywhere: {
    label: 'Sign out everywhere',
    explain: 'Ends every session; each device must sign in again.',
    availableFor: () => true,
  },
  sendPasswordReset: {
    label: 'Send password reset',
    explain: 'Mails a reset code; the person chooses the new password.',
    availableFor: (user) => user.status === 'active' && user.emailVerified,
  },
  markEmailVerified: {
    label: 'Mark email verified',
    explain: 'Treats the sign-in address as confirmed.',
    availableFor: (user) => !user.emailVerified,
  },
  restoreDeletion: {
    label: 'Restore account',
    explain: 'Cancels the pending deletion; the account becomes active again.',
    availableFor: (user) => user.status === 'pending-deletion',
  },
  purge: {
    label: 'Purge now',
    explain: 'Erases the personal data now instead of at the end of the grace period. This cannot be undone.',
    danger: true,
    availableFor: (user) => user.status === 'pending-deletion',
  },
  changeRole: {
    label: 'Change role',
    explain: 'Makes a member an administrator, or an administrator a member.',
    availableFor: () => true,
  },
};

const ActionValues = z.object({ reason: AdminReason, confirmEmail: z.string().trim(), role: Role });
type ActionValues = z.infer<typeof ActionValues>;

/** The form's schema for one action on one user: the reason always, the extra field where needed. */
export function actionSchema(kind: UserActionKind, user: AdminUserSummary) {
  return ActionValues.superRefine((values, context) => {
    if (kind === 'purge' && values.confirmEmail.toLowerCase() !== user.email.toLowerCase()) {
      context.addIssue({
        code: 'custom',
        path: ['confirmEmail'],
        message: 'type the account’s email address exactly',
      });
    }
    if (kind === 'changeRole' && values.role === user.role) {
      context.addIssue({ code: 'custom', path: ['role'], message: `already ${roleLabels[user.role]}` });
    }
  });
}

function useRunAction() {
  const call = useAdminCall();
  return async (kind: UserActionKind, user: AdminUserSummary, values: ActionValues): Promise<string> => {
    const target = { userId: user.userId, reason: values.reason };
    switch (kind) {
      case 'purge':
        return (await call(adminRoutes.purge, { body: { ...target, confirmEmail: values.confirmEmail } }))
          .message;
      case 'changeRole':
        return (await call(adminRoutes.changeRole, { body: { ...target, role: values.role } })).message;
      default:
        return (await call(adminRoutes[kind], { body: target })).message;
    }
  };
}

export function ActionForm({
  kind,
  user,
  onDone,
  onCancel,
}: {
  readonly kind: UserActionKind;
  readonly user: AdminUserSummary;
  readonly onDone: (message: string) => void;
  readonly onCancel: () => void;
}) {
  const spec = actionSpecs[kind];
  const run = useRunAction();
  const schema = useMemo(() => actionSchema(kind, user), [kind, user]);
  const form = useForm<ActionValues>({
    resolver: zodResolver(schema),
    defaultValues: { reason: '', confirmEmail: '', role: user.role === 'admin' ? 'user' : 'admin' },
  });
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    setFailure(undefined);
    try {
      onDone(await run(kind, user, values));
    } catch (error) {
      const field = error instanceof AccordError ? error.field : undefined;
      if (field === 'reason' || field === 'confirmEmail' || field === 'role') {
        form.setError(field, { message: messageOf(error) });
      } else setFailure(messageOf(error));
    }
  });
  return (
    <form
      className="stack admin-action-form"
      aria-label={spec.label}
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <p className="admin-muted">{spec.explain}</p>
      {failure !== undefined ? (
        <Banner tone="danger" live>
          {failure}
        </Banner>
      ) : null}
      {kind === 'changeRole' ? (
        <SelectField
          label="New role"
          options={Role.options.map((role) => ({ value: role, label: roleLabels[role] }))}
          error={errors.role?.message}
          {...form.register('role')}
        />
      ) : null}
      {kind === 'purge' ? (
        <TextField
          label="Type the email address to confirm"
          autoComplete="off"
          hint={user.email}
          error={errors.confirmEmail?.message}
          {...form.register('confirmEmail')}
        />
      ) : null}
      <TextAreaField
        label="Reason"
        hint="Kept in the audit log; leave personal details out."
        rows={2}
        autoFocus
        error={errors.reason?.message}
        {...form.register('reason')}
      />
      <div className="row">
        <Button type="submit" variant={spec.danger ? 'danger' : 'primary'} busy={isSubmitting}>
          {spec.label}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** The actions that apply to the user's current state; one form open at a time. */
export function UserActions({
  user,
  onChanged,
}: {
  readonly user: AdminUserSummary;
  readonly onChanged: () => void;
}) {
  const [open, setOpen] = useState<UserActionKind | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const available = userActionKinds.filter((kind) => actionSpecs[kind].availableFor(user));
  return (
    <div className="stack">
      {done !== undefined ? (
        <Banner tone="success" live>
          {done}
        </Banner>
      ) : null}
      {open === undefined ? (
        <div className="row admin-actions">
          {available.map((kind) => (
            <Button
              key={kind}
              size="small"
              variant={actionSpecs[kind].danger ? 'danger' : 'secondary'}
              onClick={() => {
                setDone(undefined);
                setOpen(kind);
              }}
            >
              {actionSpecs[kind].label}
            </Button>
          ))}
        </div>
      ) : (
        <ActionForm
          kind={open}
          user={user}
          onDone={(message) => {
            setOpen(undefined);
            setDone(message);
            onChanged();
          }}
          onCancel={() => {
            setOpen(undefined);
          }}
        />
      )}
    </div>
  );
}
