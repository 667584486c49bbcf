// Email verification: the 6-digit code from the mail signs the new account in on this device.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { authRoutes, EmailCode } from '#shared/contract/auth';
import { Email } from '#shared/entities/values';
import { callRoute, messageOf } from '../../api/call-route.ts';
import { deviceName } from '../../api/device-name.ts';
import { useManager } from '../../app/app-context.tsx';
import { navigate } from '../../app/routes.ts';
import { Button } from '../../ui/button.tsx';
import { Banner } from '../../ui/feedback.tsx';
import { TextField } from '../../ui/field.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { useAnonymousClient } from './auth-client.ts';

const VerifyForm = z.object({ email: Email, code: z.string().trim().pipe(EmailCode) });
type VerifyValues = z.infer<typeof VerifyForm>;

export function VerifyScreen({ email }: { readonly email: string }) {
  const client = useAnonymousClient();
  const manager = useManager();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const form = useForm<z.input<typeof VerifyForm>, unknown, VerifyValues>({
    resolver: zodResolver(VerifyForm),
    defaultValues: { email, code: '' },
  });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    try {
      const tokens = await callRoute(client, authRoutes.verifyEmail, {
        body: { ...values, deviceName: await deviceName() },
      });
      await manager.signedIn(tokens, values.email.toLowerCase());
      navigate({ name: 'profile' }, { replace: true });
    } catch (error) {
      form.setError('code', { message: messageOf(error) });
    }
  });

  const resend = async () => {
    const address = form.getValues('email');
    if (!Email.safeParse(address).success) {
      form.setError('email', { message: 'enter a valid email address' });
      return;
    }
    try {
      const answer = await callRoute(client, authRoutes.resendVerification, { body: { email: address } });
      setNotice(answer.message);
    } catch (error) {
      setNotice(messageOf(error));
    }
  };

  return (
    <AuthLayout
      title="Check your email"
      subtitle="Enter the 6-digit code we sent to confirm your address. It expires after a while; you can ask for a new one."
      footer={
        <p>
          <a href="#/sign-in">Back to sign in</a>
        </p>
      }
    >
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        {notice !== undefined ? (
          <Banner tone="info" live>
            {notice}
          </Banner>
        ) : null}
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          error={errors.email?.message}
          {...form.register('email')}
        />
        <TextField
          label="Verification code"
          inputMode="numeric"
          autoComplete="one-time-code"
          placeholder="123456"
          autoFocus
          error={errors.code?.message}
          {...form.register('code')}
        />
        <Button type="submit" variant="primary" busy={isSubmitting}>
          Verify and sign in
        </Button>
        <Button variant="ghost" onClick={() => void resend()}>
          Send a new code
        </Button>
      </form>
    </AuthLayout>
  );
}
