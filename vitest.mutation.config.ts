/**
 * Vitest configuration for mutation testing (`npm run mutation`, see docs/mutation.md).
 *
 * Same tests as `vitest.config.ts` minus the files that cannot see a mutant or only test
 * tooling outside spec/ and impl/, with small property budgets and a fixed file order
 * (fast, targeted files first) so a mutant is usually killed by the first file that runs.
 */
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files run in this order (by path prefix); anything else runs after them. */
const ORDER = [
  'test/mutation/',
  'test/spec/rules-wire',
  'test/spec/codec-diagnostics',
  'test/spec/rules-crypto-fee',
  'test/spec/rules-checks',
  'test/spec/rules-effects',
  'test/spec/precedence',
  'test/spec/reference-data',
  'test/impl/schedule',
  'test/impl/regressions',
  'test/vectors/',
  'test/spec/properties',
  'test/impl/agreement',
  'test/conformance/arbitraries',
  'test/impl/faults',
  'test/storage/lmdb-edges',
  'test/storage/lmdb-storage',
];

function rank(spec: TestSpecification): number {
  const path = spec.moduleId.replaceAll('\\', '/');
  const index = ORDER.findIndex((prefix) => path.includes(`/${prefix}`));
  return index === -1 ? ORDER.length : index;
}

class MutationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

/** Which tests run: MUTATION_SCOPE (set by stryker.config.mjs) = spec | impl | all. */
const scope = process.env['MUTATION_SCOPE'] ?? 'all';
const SPEC_TESTS = ['test/spec/**/*.test.ts', 'test/vectors/**/*.test.ts', 'test/mutation/spec-gaps.test.ts'];
const IMPL_TESTS = [
  'test/impl/**/*.test.ts',
  'test/mutation/impl-gaps.test.ts',
  'test/storage/lmdb-storage.test.ts',
  'test/storage/lmdb-edges.test.ts',
  'test/storage/agreement-lmdb.test.ts',
  'test/storage/commands.test.ts',
];

export default defineConfig({
  test: {
    include: scope === 'spec' ? SPEC_TESTS : scope === 'impl' ? IMPL_TESTS : ['test/**/*.test.ts'],
    exclude: [
      // Spawn child processes (adapters, CLI, doc samples): a mutant is never active there,
      // and they test conformance/ and docs tooling, not spec/ or impl/.
      'test/harness/**',
      'test/docs/**',
      'test/conformance/cli.test.ts',
      // Slow conformance-tool tests (generator coverage, broken variants, the CLI's
      // properties): they test conformance/; spec-vs-impl agreement is covered by
      // test/impl/agreement.test.ts.
      'test/conformance/coverage.test.ts',
      'test/conformance/variants.test.ts',
      'test/conformance/properties.test.ts',
      // Kills the writer process at random points and reopens the store in another
      // process: no mutant is active in those children (the in-process storage tests
      // above cover impl/lmdb-storage.ts).
      'test/storage/crash.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // Small property budgets during mutation: every property still runs, just fewer cases.
    env: { FC_NUM_RUNS: process.env['FC_NUM_RUNS'] ?? '10' },
    sequence: { sequencer: MutationSequencer },
  },
});
