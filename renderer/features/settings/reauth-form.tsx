// "Confirm it's you": the password (and code when two-step sign-in is on) before a sensitive action.
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '#shared/contract/auth';
import { messageOf } from '../../api/call-route.ts';
import { Button } from '../../ui/button.tsx';
import { Banner } from '../../ui/feedback.tsx';
import { TextField } from '../../ui/field.tsx';
import { useReauthenticate } from '../server-data.ts';

const ReauthValues = z.object({
  password: z.string().min(1, 'enter your password').max(PASSWORD_MAX_LENGTH),
  totpCode: z.union([z.literal(''), z.string().regex(/^\d{6}$/, 'enter the 6-digit code')]),
});

export function ReauthForm({
  twoFactor,
  onConfirmed,
  onCancel,
}: {
  readonly twoFactor: boolean;
  readonly onConfirmed: () => void;
  readonly onCancel: () => void;
}) {
  const reauthenticate = useReauthenticate();
  const form = useForm<z.infer<typeof ReauthValues>>({
    resolver: zodResolver(ReauthValues),
    defaultValues: { password: '', totpCode: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (values) => {
    try {
      await reauthenticate(values.password, values.totpCode);
      onConfirmed();
    } catch (error) {
      form.setError('password', { message: messageOf(error) });
    }
  });
  return (
    <form
      className="stack reauth"
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label="Confirm it’s you"
    >
      <Banner tone="info">For your security, confirm your password first.</Banner>
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        autoFocus
        error={errors.password?.message}
        {...form.register('password')}
      />
      {twoFactor ? (
        <TextField
          label="Authenticator code"
          inputMode="numeric"
          autoComplete="one-time-code"
          error={errors.totpCode?.message}
          {...form.register('totpCode')}
        />
      ) : null}
      <div className="row">
        <Button type="submit" variant="primary" busy={isSubmitting}>
          Confirm
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
