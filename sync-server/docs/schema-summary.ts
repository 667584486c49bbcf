// One-line summaries of JSON Schemas (type and constraints) for the reference tables.

type Schema = Readonly<Record<string, unknown>>;

export function typeSummary(schema: unknown): string {
  if (typeof schema !== 'object' || schema === null) return 'any';
  const s = schema as Schema;
  const options = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(options)) {
    const parts = options.map(typeSummary);
    return [...new Set(parts)].join(' or ');
  }
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (s.type) {
    case 'array':
      return `list of ${typeSummary(s.items)}`;
    case 'object':
      return s.properties ? `object { ${Object.keys(s.properties).join(', ')} }` : 'object';
    case 'string':
      return typeof s.format === 'string' ? `string (${s.format})` : 'string';
    default:
      return typeof s.type === 'string' ? s.type : 'any';
  }
}

/** Validation constraints worth stating: lengths, patterns, ranges, item counts. */
export function constraintSummary(schema: unknown, path = ''): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Schema;
  const at = path === '' ? '' : `${path}: `;
  const rules: string[] = [];
  if (typeof s.minLength === 'number' && s.minLength > 0)
    rules.push(`${at}at least ${s.minLength} characters`);
  if (typeof s.maxLength === 'number') rules.push(`${at}at most ${s.maxLength} characters`);
  if (typeof s.pattern === 'string') rules.push(`${at}matches \`${s.pattern}\``);
  if (typeof s.format === 'string') rules.push(`${at}format ${s.format}`);
  if (typeof s.minimum === 'number') rules.push(`${at}≥ ${s.minimum}`);
  if (typeof s.maximum === 'number') rules.push(`${at}≤ ${s.maximum}`);
  if (typeof s.maxItems === 'number') rules.push(`${at}at most ${s.maxItems} entries`);
  const options = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(options)) for (const option of options) rules.push(...constraintSummary(option, path));
  if (s.type === 'array') rules.push(...constraintSummary(s.items, path));
  if (s.type === 'object' && typeof s.properties === 'object' && s.properties !== null) {
    for (const [name, property] of Object.entries(s.properties as Record<string, unknown>)) {
      rules.push(...constraintSummary(property, path === '' ? name : `${path}.${name}`));
    }
  }
  return [...new Set(rules)];
}
