/**
 * The conformance properties under vitest, against every built-in executor configuration
 * (R33; the CLI runs the same properties with a larger budget). FC_NUM_RUNS raises the budget.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  AGREEMENT,
  agreementProperty,
  builtInExecutor,
  checkProperty,
  DECODING_AGREEMENT,
  decodingAgreementProperty,
  EXECUTOR_CONFIGURATIONS,
  MULTI_BLOCK,
  multiBlockProperty,
  SCHEDULE_INDEPENDENCE,
  scheduleIndependenceProperty,
  type PropertyReport,
} from '../../conformance/index.ts';

const runs = Number(process.env['FC_NUM_RUNS'] ?? 12);
const executors = EXECUTOR_CONFIGURATIONS.map(builtInExecutor);
afterAll(() => Promise.all(executors.map((executor) => executor.close())));

function expectPassed(report: PropertyReport): void {
  expect(report.error ?? '', `seed ${report.seed} path ${report.path ?? ''}`).toBe('');
  expect(report.failures).toBe(0);
  expect(report.runs).toBe(report.property.name === MULTI_BLOCK.name ? Math.max(2, Math.ceil(runs / 4)) : runs);
}

describe('conformance properties against the built-in executor', () => {
  it(`R17-R33 agreement: ${EXECUTOR_CONFIGURATIONS.length} configurations x both ledger models equal the spec`, async () => {
    expectPassed(await checkProperty(AGREEMENT, agreementProperty(executors), { numRuns: runs }));
  });

  it('R6-R11 R17 R18 decoding agreement: arbitrary and damaged bytes get the same code or the same hash', async () => {
    expectPassed(await checkProperty(DECODING_AGREEMENT, decodingAgreementProperty(executors), { numRuns: runs }));
  });

  it('R33 schedule independence: permuted (fc.scheduler) and delayed worker completions change nothing', async () => {
    const { property, close } = scheduleIndependenceProperty(2);
    try {
      expectPassed(await checkProperty(SCHEDULE_INDEPENDENCE, property, { numRuns: runs }));
    } finally {
      await close();
    }
  });

  it('R5 R20 R21 R30 R32 R33 multi-block: fc.commands sequences of blocks agree after every block', async () => {
    expectPassed(await checkProperty(MULTI_BLOCK, multiBlockProperty(executors[1]!), { numRuns: Math.max(2, Math.ceil(runs / 4)) }));
  });
});
