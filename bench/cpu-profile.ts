// Summarises a V8 CPU profile (`node --cpu-prof`, or BENCH_PROFILE_DIR for the benchmark servers):
// self time by function and by source file, and inclusive time of the functions named on the
// command line, so a reader can see where a figure's time goes without opening DevTools.
//   npx tsx bench/cpu-profile.ts <file.cpuprofile> [--top 30] [--focus name,name]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '30' }, focus: { type: 'string' } },
  allowPositionals: true,
});
const file = positionals[0];
if (file === undefined) throw new Error('usage: cpu-profile.ts <file.cpuprofile> [--top N] [--focus a,b]');
const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
const top = Number(values.top);

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** Microseconds of samples whose leaf is each node. */
const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfTime.values()].reduce((sum, us) => sum + us, 0);
const idleIds = new Set(
  profile.nodes
    .filter((node) => ['(idle)', '(program)'].includes(node.callFrame.functionName))
    .map((node) => node.id),
);
const idle = [...idleIds].reduce((sum, id) => sum + (selfTime.get(id) ?? 0), 0);
const busy = total - idle;

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, '~/')
    .replace(/^\/work\/[^/]+\//, '');
const frameName = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

function tally(key: (node: ProfileNode) => string): [string, number][] {
  const sums = new Map<string, number>();
  for (const [id, us] of selfTime) {
    if (idleIds.has(id)) continue;
    const node = byId.get(id);
    if (node === undefined) continue;
    const name = key(node);
    sums.set(name, (sums.get(name) ?? 0) + us);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

const percent = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
const print = (title: string, rows: [string, number][]) => {
  console.log(`\n${title}`);
  for (const [name, us] of rows.slice(0, top))
    console.log(`${percent(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
};

console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled, busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / total).toFixed(0)}%); percentages are of busy time`,
);
print('self time by function', tally(frameName));
print(
  'self time by file (node_modules as ~/package)',
  tally((node) => shortUrl(node.callFrame.url) || node.callFrame.functionName),
);
print(
  'self time by package or folder',
  tally((node) => {
    const url = shortUrl(node.callFrame.url);
    if (url === '') return node.callFrame.functionName;
    if (url.startsWith('~/'))
      return url
        .split('/')
        .slice(0, url.startsWith('~/@') ? 3 : 2)
        .join('/');
    if (url.startsWith('node:')) return 'node:*';
    return url.split('/').slice(0, 2).join('/');
  }),
);

// Inclusive time: a sample counts once for every distinct focused function on its stack.
const focus = values.focus?.split(',').filter((name) => name !== '') ?? [];
if (focus.length > 0) {
  const inclusive = new Map<string, number>(focus.map((name) => [name, 0]));
  profile.samples.forEach((leaf, i) => {
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parentOf.get(id)) {
      const name = byId.get(id)?.callFrame.functionName;
      if (name !== undefined && inclusive.has(name)) seen.add(name);
    }
    for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  print(
    'inclusive time of focused functions',
    [...inclusive].sort((a, b) => b[1] - a[1]),
  );
}
