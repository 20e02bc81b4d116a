/**
 * How well `fuzz` shrinks: every broken variant driven through the adapter protocol (each
 * variant as an adapter process, `conformance/adapters/variant.ts`), fuzzed with the
 * agreement property from one seed; per variant, the run at which it was caught, the
 * transactions of the failing block and of the counterexample written, the candidates the
 * shrinker checked, and the seconds until the failure and from the failure to the written
 * vector. Prints a Markdown table and the median and maximum.
 *
 * ```
 * npx tsx bench/shrink.ts [--runs 200] [--seed 1] [--only <defect>] [--shrink-seconds 60]
 * ```
 *
 * Run it on a quiet machine: the seconds depend on the load, the counts do not (unless a
 * shrinking budget runs out, which the table marks).
 *
 * @module bench/shrink
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFuzzOptions, runFuzz } from '../conformance/harness/fuzz-command.ts';
import { DEFAULT_SHRINK_SECONDS } from '../conformance/shrink.ts';
import { BROKEN_VARIANTS } from '../conformance/variants/index.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    'shrink-seconds': { type: 'string', default: String(DEFAULT_SHRINK_SECONDS) },
  },
});
const variants = BROKEN_VARIANTS.filter((variant) => values.only === undefined || variant.defect === values.only);
if (variants.length === 0) throw new Error(`unknown variant ${values.only}; known: ${BROKEN_VARIANTS.map((variant) => variant.defect).join(', ')}`);
const root = join(import.meta.dirname, '..');
const adapterScript = join(root, 'conformance', 'adapters', 'variant.ts');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const quiet = { out: () => undefined, err: () => undefined };

interface Row {
  readonly defect: string;
  readonly runs: number | null;
  readonly before: number | null;
  readonly transactions: number | null;
  readonly candidates: number | null;
  readonly budgetExhausted: boolean;
  readonly toFailure: number | null;
  readonly shrinking: number | null;
}

const rows: Row[] = [];
for (const variant of variants) {
  const directory = mkdtempSync(join(tmpdir(), 'tos-shrink-'));
  try {
    const options = parseFuzzOptions([
      '--adapter', `${JSON.stringify(tsx)} ${JSON.stringify(adapterScript)} ${variant.defect}`,
      '--runs', values.runs, '--seed', values.seed, '--only', 'agreement', '--failures-dir', directory,
      '--shrink-seconds', values['shrink-seconds'],
    ]);
    const report = await runFuzz(options, quiet);
    const property = report.properties[0]!;
    const caught = property.failures > 0;
    const vector = property.vectorFile === undefined ? undefined : (JSON.parse(readFileSync(property.vectorFile, 'utf8')) as { transactions: unknown[] });
    const toFailure = caught ? (property.firstFailure?.secondsToFailure ?? property.secondsToFailure ?? null) : null;
    rows.push({
      defect: variant.defect,
      runs: caught ? property.runs : null,
      before: property.shrink?.transactionsBefore ?? null,
      transactions: vector?.transactions.length ?? property.shrink?.transactionsAfter ?? null,
      candidates: property.shrink?.candidatesTried ?? null,
      budgetExhausted: property.shrink?.budgetExhausted ?? false,
      toFailure,
      // From the failing run to the written vector: shrinking and writing.
      shrinking: toFailure === null ? null : property.seconds - toFailure,
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const row = rows.at(-1)!;
  process.stderr.write(
    `  ${row.defect}: ${row.runs === null ? 'not caught' : `caught at run ${row.runs}, ${row.before ?? '?'} -> ${row.transactions} transactions, ${row.candidates ?? '?'} candidates, ${row.shrinking?.toFixed(1)} s shrinking${row.budgetExhausted ? ' (budget exhausted)' : ''}`}\n`,
  );
}
const fixed = (value: number | null, digits: number): string => (value === null ? '-' : value.toFixed(digits));
console.log(`shrinking over ${rows.length} broken variants as adapters (agreement, --runs ${values.runs}, --seed ${values.seed}, --shrink-seconds ${values['shrink-seconds']})`);
console.log('| variant | caught at run | transactions before | transactions after | candidates | seconds to failure | seconds from failure to vector |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const after = row.transactions === null ? '-' : `${row.transactions}${row.budgetExhausted ? ' (budget exhausted)' : ''}`;
  console.log(`| ${row.defect} | ${row.runs ?? 'not caught'} | ${row.before ?? '-'} | ${after} | ${row.candidates ?? '-'} | ${fixed(row.toFailure, 1)} | ${fixed(row.shrinking, 1)} |`);
}
const sorted = (pick: (row: Row) => number | null): number[] => rows.map(pick).filter((value): value is number => value !== null).sort((a, b) => a - b);
const median = (list: number[]): number => (list.length === 0 ? NaN : list.length % 2 ? list[(list.length - 1) / 2]! : (list[list.length / 2 - 1]! + list[list.length / 2]!) / 2);
const transactions = sorted((row) => row.transactions);
const shrinking = sorted((row) => row.shrinking);
console.log(`transactions per counterexample: median ${median(transactions)}, max ${transactions.at(-1) ?? '-'}`);
console.log(`seconds from failure to vector: median ${median(shrinking).toFixed(1)}, max ${fixed(shrinking.at(-1) ?? null, 1)}`);
