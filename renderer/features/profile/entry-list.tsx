// Editors for the profile's set fields: a list of entries with remove, and an inline add form
// validated with the entry schema from the policy table.
import { useState, type ReactNode } from 'react';
import { useForm, type FieldValues, type Path, type Resolver } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { liveEntries } from '#shared/policy/set-entry';
import { messageOf } from '../../api/call-route.ts';
import { Button } from '../../ui/button.tsx';
import { EmptyState } from '../../ui/feedback.tsx';
import { TextField } from '../../ui/field.tsx';
import type { IconName } from '../../ui/icons.tsx';

export interface InputSpec<K extends string> {
  readonly name: K;
  readonly label: string;
  readonly type?: 'text' | 'email' | 'tel' | 'url';
  readonly placeholder?: string;
  readonly autoComplete?: string;
  readonly hint?: string;
}

interface Entry<V> {
  readonly id: string;
  readonly at: string;
  readonly removed: boolean;
  readonly value?: V;
}

export function EntryList<V, Input extends FieldValues>({
  entries,
  icon,
  noun,
  emptyText,
  render,
  onRemove,
  addSchema,
  inputs,
  onAdd,
  actions,
}: {
  readonly entries: readonly Entry<V>[];
  readonly icon: IconName;
  readonly noun: string;
  readonly emptyText: string;
  readonly render: (value: V) => ReactNode;
  readonly onRemove: (id: string) => Promise<void>;
  readonly addSchema: z.ZodType<V, Input>;
  readonly inputs: readonly InputSpec<Extract<keyof Input, string>>[];
  readonly onAdd: (value: V) => Promise<unknown>;
  readonly actions?: (value: V, id: string) => ReactNode;
}) {
  const [adding, setAdding] = useState(false);
  const live = liveEntries(entries).filter(
    (entry): entry is Entry<V> & { value: V } => entry.value !== undefined,
  );
  return (
    <div className="stack">
      {live.length === 0 && !adding ? (
        <EmptyState icon={icon} title={`No ${noun}s yet`}>
          {emptyText}
        </EmptyState>
      ) : (
        <ul className="ui-list entry-list">
          {live.map((entry) => (
            <li key={entry.id}>
              <div className="grow">{render(entry.value)}</div>
              {actions?.(entry.value, entry.id)}
              <Button
                size="small"
                variant="ghost"
                icon="trash"
                aria-label={`Remove this ${noun}`}
                onClick={() => void onRemove(entry.id)}
              />
            </li>
          ))}
        </ul>
      )}
      {adding ? (
        <AddForm
          schema={addSchema}
          inputs={inputs}
          noun={noun}
          onAdd={async (value) => {
            await onAdd(value);
            setAdding(false);
          }}
          onCancel={() => {
            setAdding(false);
          }}
        />
      ) : (
        <div>
          <Button
            icon="plus"
            size="small"
            onClick={() => {
              setAdding(true);
            }}
          >
            Add {noun}
          </Button>
        </div>
      )}
    </div>
  );
}

function AddForm<V, Input extends FieldValues>({
  schema,
  inputs,
  noun,
  onAdd,
  onCancel,
}: {
  readonly schema: z.ZodType<V, Input>;
  readonly inputs: readonly InputSpec<Extract<keyof Input, string>>[];
  readonly noun: string;
  readonly onAdd: (value: V) => Promise<void>;
  readonly onCancel: () => void;
}) {
  const form = useForm<Input, unknown, V>({
    resolver: zodResolver(schema as never) as unknown as Resolver<Input, unknown, V>,
    mode: 'onTouched',
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async (value) => {
    try {
      await onAdd(value);
    } catch (error) {
      form.setError('root', { message: messageOf(error) });
    }
  });
  const errorOf = (name: string): string | undefined => {
    const error = (errors as Record<string, { message?: unknown } | undefined>)[name];
    return typeof error?.message === 'string' ? error.message : undefined;
  };
  return (
    <form
      className="add-entry"
      noValidate
      aria-label={`New ${noun}`}
      onSubmit={(event) => void submit(event)}
    >
      <div className="grid-2">
        {inputs.map((input, index) => (
          <TextField
            key={input.name}
            label={input.label}
            type={input.type ?? 'text'}
            placeholder={input.placeholder}
            autoComplete={input.autoComplete ?? 'off'}
            hint={input.hint}
            autoFocus={index === 0}
            error={errorOf(input.name)}
            {...form.register(input.name as unknown as Path<Input>)}
          />
        ))}
      </div>
      {errors.root?.message !== undefined ? <p className="text-danger">{errors.root.message}</p> : null}
      <div className="row">
        <Button type="submit" variant="primary" size="small" busy={isSubmitting}>
          Add {noun}
        </Button>
        <Button size="small" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
