// A react-hook-form bound to some fields of the user's own document, validated with the policy's
// zod schemas. Values that sync brings in update untouched fields only; what the user is typing
// (and a failed validation) is never overwritten or lost.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useForm, type DefaultValues, type FieldValues, type Path, type Resolver } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { deepEqual } from '#shared/canonical';
import { messageOf } from '../../api/call-route.ts';

/** A text input for a nullable policy field: empty means null. */
export function optionalText<S extends z.ZodType<unknown, string | null>>(schema: S) {
  return z
    .string()
    .trim()
    .transform((value) => (value === '' ? null : value))
    .pipe(schema);
}

export type SaveState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'saved'; readonly at: number }
  | { readonly kind: 'failed'; readonly message: string };

export function useDocForm<Input extends FieldValues, Output extends Record<string, unknown>>(options: {
  readonly schema: z.ZodType<Output, Input>;
  readonly values: Input | undefined;
  readonly save: (patch: Partial<NoInfer<Output>>) => Promise<void>;
  readonly focusField?: string | undefined;
}) {
  const { schema, values, save, focusField } = options;
  const resolver = useMemo(
    () => zodResolver(schema as never) as unknown as Resolver<Input, unknown, Output>,
    [schema],
  );
  const form = useForm<Input, unknown, Output>({
    resolver,
    mode: 'onTouched',
    defaultValues: (values ?? {}) as DefaultValues<Input>,
  });
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'idle' });
  const loaded = values !== undefined;
  const initialized = useRef(loaded);
  // Reading dirtyFields during render subscribes this form to it.
  const dirtyFields = form.formState.dirtyFields as Record<string, unknown>;

  // Values that sync brings in replace untouched fields only (and become their new baseline).
  useEffect(() => {
    if (values === undefined) return;
    if (!initialized.current) {
      initialized.current = true;
      form.reset(values);
      return;
    }
    for (const [key, value] of Object.entries(values)) {
      const name = key as Path<Input>;
      if (dirtyFields[key] !== undefined && dirtyFields[key] !== false) continue;
      if (deepEqual(form.getValues(name), value)) continue;
      form.resetField(name, { defaultValue: value as never, keepError: true });
    }
  }, [values, form, dirtyFields]);

  useEffect(() => {
    if (loaded && focusField !== undefined) form.setFocus(focusField as Path<Input>, { shouldSelect: true });
  }, [loaded, focusField, form]);

  const onSubmit = form.handleSubmit(async (output) => {
    const dirty = Object.keys(form.formState.dirtyFields);
    const patch = Object.fromEntries(
      Object.entries(output).filter(([key]) => dirty.includes(key)),
    ) as Partial<Output>;
    try {
      if (Object.keys(patch).length > 0) await save(patch);
      form.reset(form.getValues());
      setSaveState({ kind: 'saved', at: Date.now() });
    } catch (error) {
      setSaveState({ kind: 'failed', message: messageOf(error) });
    }
  });

  return { form, onSubmit, saveState };
}
