// The form that registers a webhook endpoint: address, description, the events it receives and,
// for administrators, whose events. Validated with the contract's own request schema.
import { useForm, type Path, type UseFormRegister } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import type { ResponseOf } from '#shared/contract/route';
import { CreateWebhookBody, webhookEvents, webhookRoutes } from '#shared/contract/webhooks';
import { AccordError } from '#shared/errors';
import { messageOf } from '../../../api/call-route.ts';
import { Button } from '../../../ui/button.tsx';
import { Card } from '../../../ui/card.tsx';
import { Banner } from '../../../ui/feedback.tsx';
import { Checkbox, TextField } from '../../../ui/field.tsx';
import { useCall } from '../../server-data.ts';
import { eventLabels } from './queries.ts';

type WebhookInput = z.input<typeof CreateWebhookBody>;
type WebhookValues = z.output<typeof CreateWebhookBody>;
export type CreatedWebhook = ResponseOf<typeof webhookRoutes.create>;

const formFields: readonly Path<WebhookInput>[] = ['url', 'description', 'events', 'scope'];

// The contract's event list has no message of its own for "none chosen"; the form words it here.
const resolver = zodResolver(CreateWebhookBody, {
  error: (issue) =>
    issue.code === 'too_small' && issue.origin === 'array' ? 'choose at least one event' : undefined,
});

function isFormField(name: string | undefined): name is Path<WebhookInput> {
  return formFields.some((field) => field === name);
}

export function NewWebhookForm({
  isAdmin,
  onCreated,
}: {
  readonly isAdmin: boolean;
  readonly onCreated: (created: CreatedWebhook) => void;
}) {
  const call = useCall();
  const form = useForm<WebhookInput, unknown, WebhookValues>({
    resolver,
    defaultValues: { url: '', description: '', events: ['profile.updated'], scope: 'own' },
  });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    try {
      const created = await call(webhookRoutes.create, { body: values });
      form.reset();
      onCreated(created);
    } catch (failure) {
      // The server names the field it refused (e.g. an address on a private network).
      const field = failure instanceof AccordError ? failure.field : undefined;
      form.setError(
        isFormField(field) ? field : 'root',
        { message: messageOf(failure) },
        { shouldFocus: true },
      );
    }
  });

  return (
    <form noValidate onSubmit={(event) => void submit(event)} aria-label="New webhook">
      <Card
        title="New webhook"
        description="Accord sends a signed POST request to your address when the events you choose happen."
        footer={
          <Button type="submit" variant="primary" busy={isSubmitting}>
            Create webhook
          </Button>
        }
      >
        <div className="stack">
          {errors.root?.message !== undefined ? (
            <Banner tone="danger" live>
              {errors.root.message}
            </Banner>
          ) : null}
          <TextField
            label="Endpoint address"
            type="url"
            inputMode="url"
            placeholder="https://example.com/hooks/accord"
            hint="An https address on the public internet."
            error={errors.url?.message}
            {...form.register('url')}
          />
          <TextField
            label="Description"
            hint="Optional, so you recognise it later, e.g. “CRM sync”."
            error={errors.description?.message}
            {...form.register('description')}
          />
          <fieldset
            className="fieldset"
            aria-describedby={errors.events ? 'webhook-events-error' : undefined}
          >
            <legend className="ui-field__label">Events</legend>
            <div className="stack-sm">
              {webhookEvents.map((event) => (
                <Checkbox
                  key={event}
                  label={
                    <>
                      {eventLabels[event]} <span className="muted mono">{event}</span>
                    </>
                  }
                  value={event}
                  {...form.register('events')}
                />
              ))}
            </div>
            {errors.events?.message !== undefined ? (
              <p className="text-danger" id="webhook-events-error">
                {errors.events.message}
              </p>
            ) : null}
          </fieldset>
          {isAdmin ? <ScopeChoice register={form.register} /> : null}
        </div>
      </Card>
    </form>
  );
}

/** Administrators may receive the events of every account, as an administrator may read them. */
function ScopeChoice({ register }: { readonly register: UseFormRegister<WebhookInput> }) {
  return (
    <fieldset className="fieldset">
      <legend className="ui-field__label">Whose events</legend>
      <div className="stack-sm">
        <label className="ui-check">
          <input type="radio" value="own" {...register('scope')} />
          <span>My account only</span>
        </label>
        <label className="ui-check">
          <input type="radio" value="all" {...register('scope')} />
          <span>Every account (administrators only)</span>
        </label>
      </div>
    </fieldset>
  );
}
