/**
 * How hard the property-based fuzz suites push: a fixed seed and a modest run count in the normal suite (and CI);
 * `npm run fuzz` raises the count through VIDMAE_FUZZ_RUNS and may pick a fresh seed with VIDMAE_FUZZ_SEED.
 */

/** fast-check parameters for one property: `fc.assert(property, fuzzParameters())`. */
export function fuzzParameters(defaultRuns = 200): { seed: number; numRuns: number; endOnFailure: true } {
  const runs = Number(process.env.VIDMAE_FUZZ_RUNS ?? defaultRuns);
  const seed = Number(process.env.VIDMAE_FUZZ_SEED ?? 20261207);
  return { seed, numRuns: Number.isSafeInteger(runs) && runs > 0 ? runs : defaultRuns, endOnFailure: true };
}
