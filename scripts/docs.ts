// `npm run docs`: regenerates docs/ from the code (contracts, policy table, merge examples).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DOCS_DIR, renderFormattedDocs } from './render-docs.ts';

for (const [name, text] of Object.entries(await renderFormattedDocs())) {
  const file = path.join(DOCS_DIR, name);
  await writeFile(file, text);
  console.log(`wrote ${file}`);
}
