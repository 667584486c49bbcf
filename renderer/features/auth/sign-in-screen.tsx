// The sign-in screen; lists accounts already on this device so one can be reopened offline.
import type { KnownAccount } from '../../api/known-accounts.ts';
import { useManager } from '../../app/app-context.tsx';
import { Avatar } from '../../ui/avatar.tsx';
import { Button } from '../../ui/button.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { SignInForm } from './sign-in-form.tsx';

export function SignInScreen({
  email,
  accounts,
}: {
  readonly email?: string;
  readonly accounts: readonly KnownAccount[];
}) {
  const manager = useManager();
  return (
    <AuthLayout
      title="Sign in to Accord"
      subtitle="Your profile and settings, on every device — and editable offline."
      footer={
        <p>
          New here? <a href="#/sign-up">Create an account</a> · <a href="#/recover">Can’t sign in?</a>
        </p>
      }
    >
      <SignInForm {...(email !== undefined ? { email } : {})} />
      {accounts.length > 0 ? (
        <section className="known-accounts" aria-labelledby="known-accounts-title">
          <h2 id="known-accounts-title" className="known-accounts__title">
            On this device
          </h2>
          <ul className="ui-list">
            {accounts.map((account) => (
              <li key={account.userId}>
                <Avatar name={account.displayName || account.email} size="sm" />
                <span className="known-accounts__name">
                  <span>{account.displayName || account.email}</span>
                  <span className="muted">{account.email}</span>
                </span>
                <Button size="small" onClick={() => void manager.switchTo(account.userId)}>
                  Open
                </Button>
                <Button
                  size="small"
                  variant="ghost"
                  icon="trash"
                  aria-label={`Remove ${account.email} from this device`}
                  onClick={() => void manager.removeLocalData(account.userId)}
                />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </AuthLayout>
  );
}
