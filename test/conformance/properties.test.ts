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
  INPUT_AGREEMENT,
  inputAgreementProperty,
  MISUSES,
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

  it('R1-R5 input agreement: invalid contexts, states and transaction lists get the spec\'s error class, code and path', async () => {
    const byMisuse = new Map<string, number>();
    const byOutcome = new Map<string, number>();
    const report = await checkProperty(
      INPUT_AGREEMENT,
      inputAgreementProperty(executors, {}, ({ misuses, outcome }) => {
        for (const misuse of misuses.length === 0 ? ['(valid inputs)'] : misuses) byMisuse.set(misuse, (byMisuse.get(misuse) ?? 0) + 1);
        byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
      }),
      { numRuns: Math.max(runs, 40) },
    );
    expect(report.error ?? '', `seed ${report.seed} path ${report.path ?? ''}`).toBe('');
    const total = [...byOutcome.values()].reduce((sum, count) => sum + count, 0);
    console.log(
      `input agreement: ${total} cases x ${executors.length} executors; outcomes ${JSON.stringify(Object.fromEntries(byOutcome))}; ` +
        `${byMisuse.size - (byMisuse.has('(valid inputs)') ? 1 : 0)} of ${MISUSES.length} misuses drawn: ${JSON.stringify(Object.fromEntries(byMisuse))}`,
    );
    expect(total).toBe(Math.max(runs, 40));
    // The generator produced refused inputs of at least two kinds, and valid ones.
    const refusedKinds = ['InvalidContext', 'InvalidState', 'InvalidTransactions'].filter((code) => byOutcome.has(code));
    expect(refusedKinds.length).toBeGreaterThanOrEqual(2);
    expect((byOutcome.get('ok') ?? 0) + (byOutcome.get('refused') ?? 0)).toBeGreaterThan(0);
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
