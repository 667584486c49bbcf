// Two-step sign-in: set up with a QR code, confirm with a first code, then show the recovery codes
// once (with a way to save them to a file); regenerate codes or turn it off.
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import QRCode from 'qrcode';
import { authRoutes, PASSWORD_MAX_LENGTH, TotpCode } from '#shared/contract/auth';
import { messageOf } from '../../api/call-route.ts';
import { invoke } from '../../platform/bridge.ts';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Badge, Banner } from '../../ui/feedback.tsx';
import { TextField } from '../../ui/field.tsx';
import { isReauthRequired, useCall } from '../server-data.ts';
import { ReauthForm } from './reauth-form.tsx';

type Stage =
  | { readonly kind: 'idle' }
  | { readonly kind: 'reauth'; readonly retry: () => void }
  | { readonly kind: 'scan'; readonly secret: string; readonly otpauthUri: string }
  | { readonly kind: 'codes'; readonly codes: readonly string[] }
  | { readonly kind: 'disable' };

export async function saveRecoveryCodes(codes: readonly string[]): Promise<boolean> {
  const opened = await invoke('file:save-dialog', {
    suggestedName: 'accord-recovery-codes.txt',
    filters: [{ name: 'Text', extensions: ['txt'] }],
  });
  if (opened.handle === null) return false;
  const text = `Accord recovery codes — each works once.\n\n${codes.join('\n')}\n`;
  await invoke('file:write', { handle: opened.handle, chunk: new TextEncoder().encode(text) });
  await invoke('file:close', { handle: opened.handle, abort: false });
  return true;
}

export function TwoFactorCard({ enabled }: { readonly enabled: boolean }) {
  const call = useCall();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const attempt = (work: () => Promise<void>) => {
    setError(undefined);
    setBusy(true);
    work()
      .catch((failure: unknown) => {
        if (isReauthRequired(failure))
          setStage({
            kind: 'reauth',
            retry: () => {
              attempt(work);
            },
          });
        else setError(messageOf(failure));
      })
      .finally(() => {
        setBusy(false);
      });
  };
  const start = () => {
    attempt(async () => {
      const setup = await call(authRoutes.setupTwoFactor, {});
      setStage({ kind: 'scan', ...setup });
    });
  };
  const regenerate = () => {
    attempt(async () => {
      const result = await call(authRoutes.regenerateRecoveryCodes, {});
      setStage({ kind: 'codes', codes: result.recoveryCodes });
    });
  };

  return (
    <Card
      title="Two-step sign-in"
      description="Ask for a code from an authenticator app when signing in on a new device."
      actions={enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
    >
      <div className="stack">
        {error !== undefined ? (
          <Banner tone="danger" live>
            {error}
          </Banner>
        ) : null}
        {stage.kind === 'reauth' ? (
          <ReauthForm
            twoFactor={enabled}
            onConfirmed={stage.retry}
            onCancel={() => {
              setStage({ kind: 'idle' });
            }}
          />
        ) : stage.kind === 'scan' ? (
          <ScanStep
            secret={stage.secret}
            uri={stage.otpauthUri}
            onConfirmed={(codes) => {
              setStage({ kind: 'codes', codes });
            }}
            onCancel={() => {
              setStage({ kind: 'idle' });
            }}
          />
        ) : stage.kind === 'codes' ? (
          <RecoveryCodes
            codes={stage.codes}
            onDone={() => {
              setStage({ kind: 'idle' });
            }}
          />
        ) : stage.kind === 'disable' ? (
          <DisableForm
            onDone={() => {
              setStage({ kind: 'idle' });
            }}
          />
        ) : enabled ? (
          <div className="row">
            <Button busy={busy} onClick={regenerate}>
              New recovery codes
            </Button>
            <Button
              variant="ghost"
              onClick={() => {
                setStage({ kind: 'disable' });
              }}
            >
              Turn off
            </Button>
          </div>
        ) : (
          <div>
            <Button variant="primary" busy={busy} onClick={start}>
              Set up two-step sign-in
            </Button>
          </div>
        )}
      </div>
    </Card>
  );
}

function ScanStep({
  secret,
  uri,
  onConfirmed,
  onCancel,
}: {
  readonly secret: string;
  readonly uri: string;
  readonly onConfirmed: (codes: readonly string[]) => void;
  readonly onCancel: () => void;
}) {
  const call = useCall();
  const [qr, setQr] = useState<string | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    void QRCode.toDataURL(uri, { margin: 1, width: 200 }).then((url) => {
      if (!cancelled) setQr(url);
    });
    return () => {
      cancelled = true;
    };
  }, [uri]);
  const form = useForm<{ totpCode: string }>({
    resolver: zodResolver(z.object({ totpCode: TotpCode })),
    defaultValues: { totpCode: '' },
  });
  const submit = form.handleSubmit(async ({ totpCode }) => {
    try {
      const result = await call(authRoutes.confirmTwoFactor, { body: { totpCode } });
      onConfirmed(result.recoveryCodes);
    } catch (error) {
      form.setError('totpCode', { message: messageOf(error) });
    }
  });
  return (
    <div className="two-factor-setup">
      <div className="qr">
        {qr !== undefined ? (
          <img src={qr} alt="QR code for your authenticator app" width={200} height={200} />
        ) : null}
      </div>
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <p>1. Scan the code with your authenticator app, or enter this key:</p>
        <code className="ui-code">{secret}</code>
        <p>2. Enter the 6-digit code the app shows.</p>
        <TextField
          label="Code from the app"
          inputMode="numeric"
          autoComplete="one-time-code"
          error={form.formState.errors.totpCode?.message}
          {...form.register('totpCode')}
        />
        <div className="row">
          <Button type="submit" variant="primary" busy={form.formState.isSubmitting}>
            Turn on
          </Button>
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </form>
    </div>
  );
}

function RecoveryCodes({
  codes,
  onDone,
}: {
  readonly codes: readonly string[];
  readonly onDone: () => void;
}) {
  const [saved, setSaved] = useState(false);
  return (
    <div className="stack">
      <Banner tone="warning" title="Save your recovery codes now">
        They are shown only once. Each one signs you in once if you lose your authenticator app.
      </Banner>
      <ol className="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code} className="mono">
            {code}
          </li>
        ))}
      </ol>
      <div className="row">
        <Button
          icon="upload"
          onClick={() => {
            void saveRecoveryCodes(codes).then(setSaved);
          }}
        >
          Save as a file
        </Button>
        <Button variant="primary" onClick={onDone}>
          {saved ? 'Done' : 'I have saved them'}
        </Button>
      </div>
    </div>
  );
}

function DisableForm({ onDone }: { readonly onDone: () => void }) {
  const call = useCall();
  const form = useForm<{ password: string }>({
    resolver: zodResolver(
      z.object({ password: z.string().min(1, 'enter your password').max(PASSWORD_MAX_LENGTH) }),
    ),
    defaultValues: { password: '' },
  });
  const submit = form.handleSubmit(async ({ password }) => {
    try {
      await call(authRoutes.disableTwoFactor, { body: { password } });
      onDone();
    } catch (error) {
      form.setError('password', { message: messageOf(error) });
    }
  });
  return (
    <form
      className="stack"
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label="Turn off two-step sign-in"
    >
      <p>Turning it off makes your account easier to break into. Enter your password to confirm.</p>
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        error={form.formState.errors.password?.message}
        {...form.register('password')}
      />
      <div className="row">
        <Button type="submit" variant="danger" busy={form.formState.isSubmitting}>
          Turn off two-step sign-in
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
