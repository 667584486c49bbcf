// Registration: email, optional display name and a password with a strength meter; the server
// mails a code and the next screen asks for it.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { authRoutes, Password } from '#shared/contract/auth';
import { Email } from '#shared/entities/values';
import { profileFields } from '#shared/entities/profile';
import { callRoute, messageOf } from '../../api/call-route.ts';
import { navigate } from '../../app/routes.ts';
import { Button } from '../../ui/button.tsx';
import { FormError } from '../../ui/form-card.tsx';
import { Checkbox, TextField } from '../../ui/field.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { useAnonymousClient } from './auth-client.ts';
import { PasswordMeter, usePasswordStrength } from './password-strength.tsx';

export const SignUpForm = z
  .object({ email: Email, displayName: profileFields.displayName.schema, password: Password })
  .refine((values) => values.password.toLowerCase() !== values.email.toLowerCase(), {
    path: ['password'],
    error: 'the password must not be your email address',
  });
type SignUpValues = z.infer<typeof SignUpForm>;

export function SignUpScreen() {
  const client = useAnonymousClient();
  const [showPassword, setShowPassword] = useState(false);
  const form = useForm<z.input<typeof SignUpForm>, unknown, SignUpValues>({
    resolver: zodResolver(SignUpForm),
    defaultValues: { email: '', displayName: '', password: '' },
    mode: 'onTouched',
  });
  const { errors, isSubmitting } = form.formState;
  const [email, displayName, password] = form.watch(['email', 'displayName', 'password']);
  const strength = usePasswordStrength(password, [email, displayName]);

  const submit = form.handleSubmit(async (values) => {
    try {
      await callRoute(client, authRoutes.register, {
        body: {
          email: values.email,
          password: values.password,
          ...(values.displayName !== '' ? { displayName: values.displayName } : {}),
        },
      });
      navigate({ name: 'verify', email: values.email });
    } catch (error) {
      form.setError('root', { message: messageOf(error) });
    }
  });

  return (
    <AuthLayout
      title="Create your account"
      subtitle="We’ll send a code to confirm your email address."
      footer={
        <p>
          Already have an account? <a href="#/sign-in">Sign in</a>
        </p>
      }
    >
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <FormError message={errors.root?.message} />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          error={errors.email?.message}
          {...form.register('email')}
        />
        <TextField
          label="Display name"
          hint="Optional. The name other people see; you can change it later."
          autoComplete="name"
          error={errors.displayName?.message}
          {...form.register('displayName')}
        />
        <div className="stack-sm">
          <TextField
            label="Password"
            type={showPassword ? 'text' : 'password'}
            autoComplete="new-password"
            aria-describedby="password-strength"
            error={errors.password?.message}
            {...form.register('password')}
          />
          <PasswordMeter strength={strength} id="password-strength" />
          <Checkbox
            label="Show password"
            checked={showPassword}
            onChange={(event) => {
              setShowPassword(event.currentTarget.checked);
            }}
          />
        </div>
        <Button type="submit" variant="primary" busy={isSubmitting}>
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
