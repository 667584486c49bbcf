// Sign-in in up to three steps: email and password; then an authenticator or recovery code when
// two-factor is on; or an offer to restore an account scheduled for deletion.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import {
  authRoutes,
  PASSWORD_MAX_LENGTH,
  RecoveryCode,
  TotpCode,
  type SessionTokens,
} from '#shared/contract/auth';
import { Email } from '#shared/entities/values';
import { AccordError } from '#shared/errors';
import { callRoute, messageOf } from '../../api/call-route.ts';
import { deviceName } from '../../api/device-name.ts';
import { useManager } from '../../app/app-context.tsx';
import { navigate } from '../../app/routes.ts';
import { Button } from '../../ui/button.tsx';
import { Banner } from '../../ui/feedback.tsx';
import { TextField } from '../../ui/field.tsx';
import { useAnonymousClient } from './auth-client.ts';

const Credentials = z.object({
  email: Email,
  password: z.string().min(1, 'enter your password').max(PASSWORD_MAX_LENGTH),
});
type Credentials = z.infer<typeof Credentials>;

type Step =
  | { readonly kind: 'credentials' }
  | {
      readonly kind: 'second-factor';
      readonly challengeToken: string;
      readonly email: string;
      readonly password: string;
    }
  | {
      readonly kind: 'restore';
      readonly restoreToken: string;
      readonly deletionDueAt: string;
      readonly email: string;
    };

export function SignInForm({
  email,
  lockEmail = false,
  onSignedIn,
  preferRecoveryCode = false,
}: {
  readonly email?: string;
  readonly lockEmail?: boolean;
  readonly onSignedIn?: () => void;
  readonly preferRecoveryCode?: boolean;
}) {
  const client = useAnonymousClient();
  const manager = useManager();
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const form = useForm<Credentials>({
    resolver: zodResolver(Credentials),
    defaultValues: { email: email ?? '', password: '' },
    mode: 'onTouched',
  });
  const { errors, isSubmitting } = form.formState;

  const finish = async (tokens: SessionTokens, address: string) => {
    await manager.signedIn(tokens, address.toLowerCase());
    onSignedIn?.();
  };

  const submit = form.handleSubmit(async (values) => {
    try {
      const result = await callRoute(client, authRoutes.signIn, {
        body: { ...values, deviceName: await deviceName() },
      });
      switch (result.kind) {
        case 'signed-in':
          await finish(result.tokens, values.email);
          return;
        case 'second-factor':
          setStep({ kind: 'second-factor', challengeToken: result.challengeToken, ...values });
          return;
        case 'restore-offered':
          setStep({
            kind: 'restore',
            restoreToken: result.restoreToken,
            deletionDueAt: result.deletionDueAt,
            email: values.email,
          });
          return;
      }
    } catch (error) {
      if (error instanceof AccordError && error.code === 'forbidden' && /verif/i.test(error.message)) {
        form.setError('root', { message: `${error.message} Enter the code from the email to finish.` });
        return;
      }
      form.setError('root', { message: messageOf(error) });
    }
  });

  if (step.kind === 'second-factor') {
    return (
      <SecondFactorStep
        challengeToken={step.challengeToken}
        preferRecoveryCode={preferRecoveryCode}
        onTokens={(tokens) => finish(tokens, step.email)}
        onBack={() => {
          setStep({ kind: 'credentials' });
        }}
      />
    );
  }
  if (step.kind === 'restore') {
    return (
      <RestoreStep
        restoreToken={step.restoreToken}
        deletionDueAt={step.deletionDueAt}
        onTokens={(tokens) => finish(tokens, step.email)}
        onBack={() => {
          setStep({ kind: 'credentials' });
        }}
      />
    );
  }

  const rootError = errors.root?.message;
  return (
    <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
      {rootError !== undefined ? (
        <Banner tone="danger" live>
          {rootError}
          {/verif/i.test(rootError) ? (
            <>
              {' '}
              <a href={`#/verify?email=${encodeURIComponent(form.getValues('email'))}`}>Verify your email</a>
            </>
          ) : null}
        </Banner>
      ) : null}
      <TextField
        label="Email"
        type="email"
        autoComplete="username"
        readOnly={lockEmail}
        error={errors.email?.message}
        {...form.register('email')}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        error={errors.password?.message}
        {...form.register('password')}
      />
      <Button type="submit" variant="primary" busy={isSubmitting}>
        Sign in
      </Button>
    </form>
  );
}

interface CodeForm {
  readonly code: string;
}

function SecondFactorStep({
  challengeToken,
  preferRecoveryCode,
  onTokens,
  onBack,
}: {
  readonly challengeToken: string;
  readonly preferRecoveryCode: boolean;
  readonly onTokens: (tokens: SessionTokens) => Promise<void>;
  readonly onBack: () => void;
}) {
  const client = useAnonymousClient();
  const [useRecovery, setUseRecovery] = useState(preferRecoveryCode);
  const schema = z.object({ code: useRecovery ? RecoveryCode : TotpCode });
  const form = useForm<CodeForm>({
    resolver: zodResolver(schema),
    defaultValues: { code: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async ({ code }) => {
    try {
      const tokens = await callRoute(client, authRoutes.signInSecondFactor, {
        body: useRecovery ? { challengeToken, recoveryCode: code } : { challengeToken, totpCode: code },
      });
      await onTokens(tokens);
    } catch (error) {
      form.setError('code', { message: messageOf(error) });
    }
  });
  return (
    <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
      <p className="muted">
        {useRecovery
          ? 'Enter one of the recovery codes you saved when you turned on two-step sign-in. Each code works once.'
          : 'Enter the 6-digit code from your authenticator app.'}
      </p>
      <TextField
        key={useRecovery ? 'recovery' : 'totp'}
        label={useRecovery ? 'Recovery code' : 'Authenticator code'}
        autoComplete="one-time-code"
        inputMode={useRecovery ? 'text' : 'numeric'}
        placeholder={useRecovery ? 'abcde-12345' : '123456'}
        autoFocus
        error={errors.code?.message}
        {...form.register('code')}
      />
      <Button type="submit" variant="primary" busy={isSubmitting}>
        Continue
      </Button>
      <div className="row-between">
        <Button variant="ghost" size="small" onClick={onBack}>
          Back
        </Button>
        <Button
          variant="ghost"
          size="small"
          onClick={() => {
            setUseRecovery(!useRecovery);
            form.reset({ code: '' });
          }}
        >
          {useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
        </Button>
      </div>
    </form>
  );
}

function RestoreStep({
  restoreToken,
  deletionDueAt,
  onTokens,
  onBack,
}: {
  readonly restoreToken: string;
  readonly deletionDueAt: string;
  readonly onTokens: (tokens: SessionTokens) => Promise<void>;
  readonly onBack: () => void;
}) {
  const client = useAnonymousClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const restore = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const tokens = await callRoute(client, authRoutes.restoreAccount, {
        body: { restoreToken, deviceName: await deviceName() },
      });
      await onTokens(tokens);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };
  return (
    <div className="stack">
      <Banner tone="warning" title="This account is scheduled for deletion">
        It will be deleted for good on {new Date(deletionDueAt).toLocaleString()}. Until then you can restore
        it and everything stays as it was.
      </Banner>
      {error !== undefined ? (
        <Banner tone="danger" live>
          {error}
        </Banner>
      ) : null}
      <Button variant="primary" busy={busy} onClick={() => void restore()}>
        Restore my account
      </Button>
      <Button
        variant="ghost"
        onClick={() => {
          onBack();
          navigate({ name: 'sign-in' });
        }}
      >
        Keep it scheduled
      </Button>
    </div>
  );
}
