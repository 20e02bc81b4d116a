/**
 * Generator coverage: the default block arbitrary must reach every rejection code and
 * every rule R17-R32 on at least 0.5% of its transactions, accept at least half of them,
 * produce BlockOverflow blocks, and reach R30 under both ledger models. A code that
 * becomes too rare is fixed in the generator's weights, not here.
 */
import { describe, expect, it } from 'vitest';
import { ALL_REJECTION_CODES } from '../../spec/index.ts';
import { COVERAGE_RULES, formatCoverage, measureGeneratorCoverage, type CoverageReport } from '../../conformance/coverage.ts';

const SAMPLES = 300;
const SEED = 20_240_601;
const MIN_SHARE = 0.005;

describe('generator coverage (default constraints)', () => {
  let report: CoverageReport;

  it('measures a default run', () => {
    const started = performance.now();
    report = measureGeneratorCoverage(SAMPLES, SEED);
    console.log(`${formatCoverage(report)}\n(measured in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    expect(report.blocks).toBe(SAMPLES);
    expect(report.transactions).toBeGreaterThan(SAMPLES * 2 - 1);
  });

  it('accepts at least half of the transactions', () => {
    expect(report.acceptedShare).toBeGreaterThanOrEqual(0.5);
  });

  it.each(ALL_REJECTION_CODES.map((code) => [code]))('rejects at least 0.5%% of transactions with %s', (code) => {
    expect(report.rejections[code].share, `${code}: ${report.rejections[code].count}`).toBeGreaterThanOrEqual(MIN_SHARE);
  });

  it.each(COVERAGE_RULES.map((rule) => [rule]))('at least 0.5%% of transactions reach %s', (rule) => {
    expect(report.rules[rule].share, `${rule}: ${report.rules[rule].count}`).toBeGreaterThanOrEqual(MIN_SHARE);
  });

  it('has BlockOverflow blocks, both ledger models and R30 under each', () => {
    expect(report.blockOverflowBlocks).toBeGreaterThan(0);
    expect(report.blockOverflowBlocks).toBeLessThan(SAMPLES * 0.15);
    expect(report.blocksPerModel.immediate).toBeGreaterThan(SAMPLES / 4);
    expect(report.blocksPerModel['deferred-credits']).toBeGreaterThan(SAMPLES / 4);
    expect(report.r30BlocksPerModel.immediate).toBeGreaterThan(0);
    expect(report.r30BlocksPerModel['deferred-credits']).toBeGreaterThan(0);
  });

  it('produces conflicts, multisig reconfigurations followed by spends, and u64-edge balances', () => {
    expect(report.conflictDepth.max).toBeGreaterThanOrEqual(8);
    expect(report.conflictDepth.mean).toBeGreaterThan(2);
    expect(report.multisigChangeThenSpend).toBeGreaterThan(0);
    expect(report.u64Edge.preStates).toBeGreaterThan(SAMPLES / 10);
  });

  it('is deterministic for a seed', () => {
    expect(measureGeneratorCoverage(5, SEED)).toEqual(measureGeneratorCoverage(5, SEED));
  });
});
