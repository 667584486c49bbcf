// Renders docs/ exactly as committed: generated text formatted with the project's Prettier config.
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { generateDocs } from '../sync-server/docs/generate.ts';

export const DOCS_DIR = 'docs';

export async function renderFormattedDocs(): Promise<Record<string, string>> {
  const docs = await generateDocs();
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(docs) as [string, string][]) {
    const file = path.join(DOCS_DIR, name);
    const options = (await resolveConfig(file)) ?? {};
    out[name] = await format(text, { ...options, filepath: file });
  }
  return out;
}
