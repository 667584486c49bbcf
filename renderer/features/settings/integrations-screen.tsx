// Settings › Integrations: personal access tokens — create with scopes (the token is shown once),
// list and revoke; offline, the list comes from the synced settings document — then webhooks.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { authRoutes } from '#shared/contract/auth';
import { tokenScopes } from '#shared/entities/settings';
import { messageOf } from '../../api/call-route.ts';
import { useFormatter } from '../../app/format.ts';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Badge, Banner, EmptyState, Loading } from '../../ui/feedback.tsx';
import { Checkbox, TextField } from '../../ui/field.tsx';
import { FormCard } from '../../ui/form-card.tsx';
import { useSettings } from '../own-docs.ts';
import { useCall, useRemote } from '../server-data.ts';
import { WebhooksSection } from './webhooks/webhooks-section.tsx';

const scopeLabels: Record<(typeof tokenScopes)[number], string> = {
  'profile:read': 'Read your profile',
  'settings:read': 'Read your settings',
  'directory:read': 'Read the directory as you see it',
};

const NewToken = z.object({
  name: z.string().trim().min(1, 'give the token a name').max(80, 'at most 80 characters'),
  scopes: z.array(z.enum(tokenScopes)).min(1, 'choose at least one permission'),
});
type NewToken = z.infer<typeof NewToken>;

export function IntegrationsScreen() {
  const call = useCall();
  const settings = useSettings();
  const format = useFormatter(settings);
  const { state, reload } = useRemote(authRoutes.listAccessTokens, {});
  const [created, setCreated] = useState<{ token: string; name: string } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const form = useForm<NewToken>({
    resolver: zodResolver(NewToken),
    defaultValues: { name: '', scopes: ['profile:read'] },
  });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    try {
      const result = await call(authRoutes.createAccessToken, { body: values });
      setCreated({ token: result.token, name: result.info.name });
      form.reset();
      reload();
    } catch (failure) {
      form.setError('root', { message: messageOf(failure) });
    }
  });
  const revoke = (tokenId: string) => {
    setError(undefined);
    call(authRoutes.revokeAccessToken, { body: { tokenId } })
      .then(reload)
      .catch((failure: unknown) => {
        setError(messageOf(failure));
      });
  };
  const tokens = state.kind === 'ready' ? state.data.tokens : (settings?.accessTokens ?? []);
  const offline = state.kind === 'failed';

  return (
    <div className="stack-lg">
      {created !== undefined ? (
        <Banner
          tone="success"
          live
          title={`Token “${created.name}” created — copy it now, it is shown only once`}
          actions={
            <Button
              size="small"
              variant="ghost"
              onClick={() => {
                setCreated(undefined);
              }}
            >
              Done
            </Button>
          }
        >
          <code className="ui-code" data-testid="new-token">
            {created.token}
          </code>
        </Banner>
      ) : null}
      <FormCard
        label="New access token"
        title="New personal access token"
        description="For scripts and other apps that read your data. Tokens only read; they cannot change anything."
        submitLabel="Create token"
        busy={isSubmitting}
        error={errors.root?.message}
        onSubmit={submit}
      >
        <TextField
          label="Name"
          hint="So you recognise it later, e.g. “Backup script”."
          error={errors.name?.message}
          {...form.register('name')}
        />
        <fieldset className="fieldset">
          <legend className="ui-field__label">Permissions</legend>
          <div className="stack-sm">
            {tokenScopes.map((scope) => (
              <Checkbox key={scope} label={scopeLabels[scope]} value={scope} {...form.register('scopes')} />
            ))}
          </div>
          {errors.scopes?.message !== undefined ? (
            <p className="text-danger">{errors.scopes.message}</p>
          ) : null}
        </fieldset>
      </FormCard>
      <Card
        title="Your tokens"
        description={offline ? 'Offline: showing the list last synced to this device.' : undefined}
      >
        {error !== undefined ? (
          <Banner tone="danger" live>
            {error}
          </Banner>
        ) : null}
        {state.kind === 'loading' && settings === undefined ? (
          <Loading />
        ) : tokens.length === 0 ? (
          <EmptyState icon="key" title="No tokens">
            Tokens you create appear here.
          </EmptyState>
        ) : (
          <table className="ui-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Permissions</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td>
                    {token.name}
                    <div className="muted">created {format.date(token.createdAt)}</div>
                  </td>
                  <td>
                    <div className="row">
                      {token.scopes.map((scope) => (
                        <Badge key={scope}>{scope}</Badge>
                      ))}
                    </div>
                  </td>
                  <td>{token.lastUsedAt === null ? 'Never' : format.dateTime(token.lastUsedAt)}</td>
                  <td className="cell-actions">
                    <Button
                      size="small"
                      variant="ghost"
                      disabled={offline}
                      aria-label={`Revoke ${token.name}`}
                      onClick={() => {
                        revoke(token.id);
                      }}
                    >
                      Revoke
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <WebhooksSection />
    </div>
  );
}
