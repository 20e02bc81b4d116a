// Mutation testing of spec/ and impl/ with Stryker (docs/mutation.md).
//
//   npm run mutation        both directories, one after the other (spec, then impl)
//   npm run mutation:spec   spec/ against the spec's tests
//   npm run mutation:impl   impl/ against the executor's tests
//
// MUTATION_SCOPE (spec | impl | all) picks the files to mutate, the tests that run
// (vitest.mutation.config.ts reads the same variable) and the report file names.
// `all` mutates both directories against the union of both test sets in a single run.
// `--mutate <file>` on the command line narrows any scope, e.g.
//   MUTATION_SCOPE=spec npx stryker run --mutate spec/fee.ts

const scope = process.env.MUTATION_SCOPE ?? 'all';
if (!['spec', 'impl', 'all'].includes(scope)) throw new Error(`MUTATION_SCOPE must be spec, impl or all, got ${scope}`);
process.env.MUTATION_SCOPE = scope;

const SPEC = ['spec/**/*.ts', '!spec/index.ts'];
// impl/workers/* are thin worker entry points (they run in worker threads, where no
// mutant is active); everything else in impl/ is mutated, the LMDB backend included.
const IMPL = ['impl/**/*.ts', '!impl/index.ts', '!impl/workers/**'];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // Test modules build fixtures (keys, signed transactions, executors) at import time, so
  // most mutants are also reached outside any test ("hybrid" static mutants). With
  // ignoreStatic they run against the tests that cover them, activated at test time: a
  // kill is a real kill. Mutants reached only at import time are reported as Ignored.
  ignoreStatic: true,
  // Human-readable diagnostic text (rejection details, codec field names, error messages)
  // is not part of conformance; its mutants are reported as Ignored with that reason.
  plugins: ['@stryker-mutator/vitest-runner', './scripts/stryker-diagnostic-text.mjs'],
  ignorers: ['diagnostic-text'],
  mutate: scope === 'spec' ? SPEC : scope === 'impl' ? IMPL : [...SPEC, ...IMPL],
  ignorePatterns: ['dist', 'coverage', 'docs/api', 'reports', '.stryker-tmp'],
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  timeoutMS: 10_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
