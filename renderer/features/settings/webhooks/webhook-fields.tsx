// The fields a webhook form shares between creating and changing an endpoint — address,
// description, events — with the contract's request schema as the resolver, and the mapping of a
// server refusal to the field it names.
import { useId } from 'react';
import type { FieldErrors, Path, UseFormRegister } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { CreateWebhookBody, webhookEvents } from '#shared/contract/webhooks';
import { AccordError } from '#shared/errors';
import { Checkbox, TextField } from '../../../ui/field.tsx';
import { eventLabels } from './queries.ts';

export type WebhookInput = z.input<typeof CreateWebhookBody>;
export type WebhookValues = z.output<typeof CreateWebhookBody>;

const formFields: readonly Path<WebhookInput>[] = ['url', 'description', 'events', 'scope'];

// The contract's event list has no message of its own for "none chosen"; the form words it here.
export const webhookResolver = zodResolver(CreateWebhookBody, {
  error: (issue) =>
    issue.code === 'too_small' && issue.origin === 'array' ? 'choose at least one event' : undefined,
});

/** The form field a server refusal names (e.g. an address on a private network), else the form. */
export function fieldOfFailure(failure: unknown): Path<WebhookInput> | 'root' {
  const field = failure instanceof AccordError ? failure.field : undefined;
  return formFields.find((name) => name === field) ?? 'root';
}

export function WebhookFields({
  register,
  errors,
}: {
  readonly register: UseFormRegister<WebhookInput>;
  readonly errors: FieldErrors<WebhookInput>;
}) {
  const eventsErrorId = `${useId()}-events-error`;
  return (
    <>
      <TextField
        label="Endpoint address"
        type="url"
        inputMode="url"
        placeholder="https://example.com/hooks/accord"
        hint="An https address on the public internet."
        error={errors.url?.message}
        {...register('url')}
      />
      <TextField
        label="Description"
        hint="Optional, so you recognise it later, e.g. “CRM sync”."
        error={errors.description?.message}
        {...register('description')}
      />
      <fieldset className="fieldset" aria-describedby={errors.events ? eventsErrorId : undefined}>
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
              {...register('events')}
            />
          ))}
        </div>
        {errors.events?.message !== undefined ? (
          <p className="text-danger" id={eventsErrorId}>
            {errors.events.message}
          </p>
        ) : null}
      </fieldset>
    </>
  );
}
