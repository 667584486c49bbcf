// Recovering access: a new password with a code sent by email, or signing in with a recovery
// code when the authenticator app is lost.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { authRoutes, EmailCode, Password } from '#shared/contract/auth';
import { Email } from '#shared/entities/values';
import { callRoute, messageOf } from '../../api/call-route.ts';
import { navigate } from '../../app/routes.ts';
import { Button } from '../../ui/button.tsx';
import { Banner } from '../../ui/feedback.tsx';
import { FormError } from '../../ui/form-card.tsx';
import { TextField } from '../../ui/field.tsx';
import { Segmented } from '../../ui/segmented.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { useAnonymousClient } from './auth-client.ts';
import { PasswordMeter, usePasswordStrength } from './password-strength.tsx';
import { SignInForm } from './sign-in-form.tsx';

type Mode = 'email' | 'recovery-code';

export function RecoverScreen() {
  const [mode, setMode] = useState<Mode>('email');
  return (
    <AuthLayout
      title="Recover access"
      subtitle="Forgot your password, or lost your authenticator app? Choose what happened."
      footer={
        <p>
          <a href="#/sign-in">Back to sign in</a>
        </p>
      }
    >
      <div className="stack">
        <Segmented
          legend="What happened"
          value={mode}
          onChange={(value) => {
            setMode(value === 'recovery-code' ? 'recovery-code' : 'email');
          }}
          options={[
            { value: 'email', label: 'I forgot my password' },
            { value: 'recovery-code', label: 'I lost my authenticator' },
          ]}
        />
        {mode === 'email' ? (
          <ResetWithEmailCode />
        ) : (
          <>
            <p className="muted">
              Sign in with your password; when asked for the code, enter one of your saved recovery codes.
            </p>
            <SignInForm preferRecoveryCode />
          </>
        )}
      </div>
    </AuthLayout>
  );
}

const RequestForm = z.object({ email: Email });
const ResetForm = z.object({ code: z.string().trim().pipe(EmailCode), newPassword: Password });

function ResetWithEmailCode() {
  const client = useAnonymousClient();
  const [sentTo, setSentTo] = useState<string | undefined>(undefined);
  const request = useForm<z.infer<typeof RequestForm>>({
    resolver: zodResolver(RequestForm),
    defaultValues: { email: '' },
  });
  const reset = useForm<z.input<typeof ResetForm>, unknown, z.infer<typeof ResetForm>>({
    resolver: zodResolver(ResetForm),
    defaultValues: { code: '', newPassword: '' },
  });
  const newPassword = reset.watch('newPassword');
  const strength = usePasswordStrength(newPassword, sentTo !== undefined ? [sentTo] : []);

  const sendCode = request.handleSubmit(async ({ email }) => {
    try {
      await callRoute(client, authRoutes.requestPasswordReset, { body: { email } });
      setSentTo(email);
    } catch (error) {
      request.setError('root', { message: messageOf(error) });
    }
  });
  const setPassword = reset.handleSubmit(async (values) => {
    if (sentTo === undefined) return;
    try {
      await callRoute(client, authRoutes.resetPassword, { body: { email: sentTo, ...values } });
      navigate({ name: 'sign-in', email: sentTo });
    } catch (error) {
      reset.setError('root', { message: messageOf(error) });
    }
  });

  if (sentTo === undefined) {
    return (
      <form className="stack" noValidate onSubmit={(event) => void sendCode(event)}>
        <FormError message={request.formState.errors.root?.message} />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          error={request.formState.errors.email?.message}
          {...request.register('email')}
        />
        <Button type="submit" variant="primary" busy={request.formState.isSubmitting}>
          Email me a code
        </Button>
      </form>
    );
  }
  return (
    <form className="stack" noValidate onSubmit={(event) => void setPassword(event)}>
      <Banner tone="info" live>
        If {sentTo} has an account, a code is on its way. Signing in with the new password ends every other
        session.
      </Banner>
      <FormError message={reset.formState.errors.root?.message} />
      <TextField
        label="Code from the email"
        inputMode="numeric"
        autoComplete="one-time-code"
        error={reset.formState.errors.code?.message}
        {...reset.register('code')}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        error={reset.formState.errors.newPassword?.message}
        {...reset.register('newPassword')}
      />
      <PasswordMeter strength={strength} id="reset-strength" />
      <Button type="submit" variant="primary" busy={reset.formState.isSubmitting}>
        Set new password
      </Button>
    </form>
  );
}
