// Document validation for the local database: the same zod schemas the server uses, keyed by the
// RxDB schema title and plugged in through RxDB's storage wrapper (RxDB has no zod plugin).
import { wrappedValidateStorageFactory, type RxStorage, type RxValidationError } from 'rxdb';
import { z } from 'zod';
import { Hlc } from '#shared/hlc';
import { AccountDoc, ProfileDoc, SettingsDoc } from '#shared/policy/table';

/** Another user's profile as projected for us: any field may be missing. */
export const DirectoryDoc = ProfileDoc.partial().extend({
  id: z.string().max(64),
  clocks: z.record(z.string(), Hlc),
});
export type DirectoryDoc = z.infer<typeof DirectoryDoc>;

const schemasByTitle: Readonly<Record<string, z.ZodType>> = {
  profile: ProfileDoc,
  settings: SettingsDoc,
  account: AccountDoc,
  directory: DirectoryDoc,
};

const STORAGE_KEYS = new Set(['_meta', '_rev', '_attachments', '_deleted']);

function validatorFor(schema: { title?: string }): (doc: Record<string, unknown>) => RxValidationError[] {
  const title = schema.title ?? '';
  const zodSchema = Object.hasOwn(schemasByTitle, title) ? schemasByTitle[title] : undefined;
  // RxDB's own stores (checkpoints, local documents) have other titles and are not ours to check.
  if (zodSchema === undefined) return () => [];
  return (doc) => {
    // A tombstone only has to say which document is gone.
    if (doc._deleted === true) return [];
    const data = Object.fromEntries(Object.entries(doc).filter(([key]) => !STORAGE_KEYS.has(key)));
    const result = zodSchema.safeParse(data);
    return result.success
      ? []
      : result.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
  };
}

export function withZodValidation<I, O>(storage: RxStorage<I, O>): RxStorage<I, O> {
  return wrappedValidateStorageFactory(validatorFor, 'accord-zod')({ storage });
}
