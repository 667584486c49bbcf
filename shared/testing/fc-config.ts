// Shared fast-check settings: FC_RUNS raises or lowers every property's run count (default 500).
// fast-check prints the seed and path of a failing run; replay with { seed, path } in fcOptions.

const fromEnv = Number(process.env.FC_RUNS ?? 500);

/** Runs per property: FC_RUNS from the environment, or 500. */
export const FC_RUNS = Number.isFinite(fromEnv) && fromEnv > 0 ? Math.floor(fromEnv) : 500;

/** Options for `fc.assert`; spread and extend per property where a test needs more. */
export const fcOptions = { numRuns: FC_RUNS } as const;
