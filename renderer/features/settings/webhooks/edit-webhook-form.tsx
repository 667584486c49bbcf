// Changing a registered webhook in place: its address, description and events. The signing secret
// and the delivery log stay as they are; whose events it receives is fixed when it is created.
import { useForm } from 'react-hook-form';
import { webhookRoutes, type WebhookEndpoint } from '#shared/contract/webhooks';
import { messageOf } from '../../../api/call-route.ts';
import { Button } from '../../../ui/button.tsx';
import { FormError } from '../../../ui/form-card.tsx';
import { useCall } from '../../server-data.ts';
import {
  fieldOfFailure,
  WebhookFields,
  webhookResolver,
  type WebhookInput,
  type WebhookValues,
} from './webhook-fields.tsx';

export function EditWebhookForm({
  endpoint,
  onSaved,
  onCancel,
}: {
  readonly endpoint: WebhookEndpoint;
  readonly onSaved: () => void;
  readonly onCancel: () => void;
}) {
  const call = useCall();
  const form = useForm<WebhookInput, unknown, WebhookValues>({
    resolver: webhookResolver,
    defaultValues: {
      url: endpoint.url,
      description: endpoint.description,
      events: endpoint.events,
      scope: endpoint.scope,
    },
  });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async ({ url, description, events }) => {
    try {
      await call(webhookRoutes.update, { body: { endpointId: endpoint.id, url, description, events } });
      onSaved();
    } catch (failure) {
      form.setError(fieldOfFailure(failure), { message: messageOf(failure) }, { shouldFocus: true });
    }
  });

  return (
    <form
      className="webhook__edit stack"
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label={`Change webhook ${endpoint.url}`}
    >
      <FormError message={errors.root?.message} />
      <WebhookFields register={form.register} errors={errors} />
      <div className="row">
        <Button type="submit" size="small" variant="primary" busy={isSubmitting}>
          Save changes
        </Button>
        <Button size="small" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
