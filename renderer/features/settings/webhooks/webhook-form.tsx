// The form that registers a webhook endpoint: address, description, the events it receives and,
// for administrators, whose events. Validated with the contract's own request schema.
import { useForm, type UseFormRegister } from 'react-hook-form';
import type { ResponseOf } from '#shared/contract/route';
import { webhookRoutes } from '#shared/contract/webhooks';
import { messageOf } from '../../../api/call-route.ts';
import { FormCard } from '../../../ui/form-card.tsx';
import { useCall } from '../../server-data.ts';
import {
  fieldOfFailure,
  WebhookFields,
  webhookResolver,
  type WebhookInput,
  type WebhookValues,
} from './webhook-fields.tsx';

export type CreatedWebhook = ResponseOf<typeof webhookRoutes.create>;

export function NewWebhookForm({
  isAdmin,
  onCreated,
}: {
  readonly isAdmin: boolean;
  readonly onCreated: (created: CreatedWebhook) => void;
}) {
  const call = useCall();
  const form = useForm<WebhookInput, unknown, WebhookValues>({
    resolver: webhookResolver,
    defaultValues: { url: '', description: '', events: ['profile.updated'], scope: 'own' },
  });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    try {
      const created = await call(webhookRoutes.create, { body: values });
      form.reset();
      onCreated(created);
    } catch (failure) {
      form.setError(fieldOfFailure(failure), { message: messageOf(failure) }, { shouldFocus: true });
    }
  });

  return (
    <FormCard
      label="New webhook"
      title="New webhook"
      description="Accord sends a signed POST request to your address when the events you choose happen."
      submitLabel="Create webhook"
      busy={isSubmitting}
      error={errors.root?.message}
      onSubmit={submit}
    >
      <WebhookFields register={form.register} errors={errors} />
      {isAdmin ? <ScopeChoice register={form.register} /> : null}
    </FormCard>
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
