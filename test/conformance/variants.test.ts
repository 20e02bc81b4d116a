/**
 * The suite has teeth (R33): every deliberately broken executor variant, each a bug class
 * of the TOS V3 executor, is caught by the agreement property within the default budget of
 * `npm run conformance` (500 agreement runs), and a caught failure becomes a replayable vector.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AGREEMENT,
  agreementProperty,
  builtInExecutor,
  checkProperty,
  compareOutcomes,
  computeVectorHash,
  readVectorBlock,
  resultToJson,
  type Vector,
} from '../../conformance/index.ts';
import { BROKEN_VARIANTS, brokenExecutor } from '../../conformance/variants/index.ts';

const DEFAULT_AGREEMENT_RUNS = 500;

describe('broken variants are caught', () => {
  for (const variant of BROKEN_VARIANTS) {
    it(`R33 catches ${variant.defect}: ${variant.description}`, async () => {
      const report = await checkProperty(AGREEMENT, agreementProperty([brokenExecutor(variant.defect)]), {
        numRuns: DEFAULT_AGREEMENT_RUNS,
        seed: 1234,
        shrink: false,
      });
      console.log(`${variant.defect}: caught after ${report.runs} runs in ${report.secondsToFailure?.toFixed(2)} s`);
      expect(report.failures).toBe(1);
      expect(report.error).toContain(`broken:${variant.defect} disagrees with the spec`);
    });
  }

  it('R33 a shrunk counterexample is written as a vector that replays the failure', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tos-failures-'));
    // Small blocks keep shrinking quick; the detection tests above use the default sizes.
    const report = await checkProperty(AGREEMENT, agreementProperty([brokenExecutor('rejected-fees-counted')], { maxTransactions: 5 }), {
      numRuns: 200,
      seed: 99,
      failuresDirectory: directory,
    });
    expect(report.failures).toBe(1);
    expect(report.vectorFile).toBeDefined();
    const vector = JSON.parse(readFileSync(report.vectorFile!, 'utf8')) as Vector;
    expect(vector._info.source).toBe('regression');
    expect(vector._info.hash).toBe(computeVectorHash(vector));
    const { preState, context, transactions } = readVectorBlock(vector);
    // The broken variant still disagrees with the vector; the real executor agrees with it.
    const broken = resultToJson(await brokenExecutor('rejected-fees-counted').executeBlock(preState, context, transactions));
    expect(compareOutcomes(vector.expected, broken)).toBeDefined();
    const builtIn = builtInExecutor({ name: 'workers=0', options: { workers: 0 } });
    expect(compareOutcomes(vector.expected, resultToJson(await builtIn.executeBlock(preState, context, transactions)))).toBeUndefined();
    await builtIn.close();
    // Shrinking made it small.
    expect(vector.transactions.length).toBeLessThanOrEqual(2);
  });
});
