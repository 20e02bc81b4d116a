/**
 * `vectors` selection (--rule, --tag, --category, --filter, combined with AND), --list
 * (no adapter started), and the usage errors: unknown rules and categories, an empty
 * selection, bad --expect-failures files. The expected selections are computed from
 * vectors/index.json, independently of the command.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../conformance/exit-codes.ts';
import { parseVectorsOptions, prepareVectorRun, vectorsCommand } from '../../conformance/harness/vectors-command.ts';
import { capture, ROOT } from './support.ts';

interface IndexEntry {
  readonly id: string;
  readonly category: string;
  readonly rules: readonly string[];
  readonly tags: readonly string[];
}
const index = JSON.parse(readFileSync(join(ROOT, 'vectors', 'index.json'), 'utf8')) as { vectors: IndexEntry[] };
const ids = (keep: (entry: IndexEntry) => boolean): string[] => index.vectors.filter(keep).map((entry) => entry.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
/** A command that would fail loudly if it were ever started. */
const NO_ADAPTER = 'exit 99';

async function list(args: readonly string[]): Promise<{ code: number; ids: string[]; stderr: string }> {
  const io = capture();
  const code = await vectorsCommand(['--list', ...args], io);
  return { code, ids: io.stdout().split('\n').filter(Boolean), stderr: io.stderr() };
}

async function usageError(args: readonly string[]): Promise<string> {
  const failure = await vectorsCommand(args, capture()).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(UsageError);
  return (failure as UsageError).message;
}

describe('--list and the selection', () => {
  it('--list prints every vector id, one per line, without an adapter', async () => {
    const run = await list([]);
    expect(run.code).toBe(0);
    expect(run.ids).toEqual(ids(() => true));
    expect(run.ids.length).toBeGreaterThan(300);
  });

  it('--rule keeps the vectors citing the rule; repeated or comma-separated means any of them', async () => {
    const r22 = await list(['--rule', 'R22']);
    expect(r22.ids).toEqual(ids((entry) => entry.rules.includes('R22')));
    const either = ids((entry) => entry.rules.includes('R22') || entry.rules.includes('R12'));
    expect((await list(['--rule', 'R22', '--rule', 'R12'])).ids).toEqual(either);
    expect((await list(['--rule', 'R22,R12'])).ids).toEqual(either);
    expect((await list(['--rule=R12,R22'])).ids).toEqual(either);
    expect(either.length).toBeGreaterThan(r22.ids.length);
  });

  it('different options combine with AND: rule, tag, category and id substring', async () => {
    const r9wire = ids((entry) => entry.rules.includes('R9') && entry.category === 'wire');
    expect(r9wire.length).toBeGreaterThan(0);
    expect(r9wire.length).toBeLessThan(ids((entry) => entry.rules.includes('R9')).length);
    expect((await list(['--rule', 'R9', '--category', 'wire'])).ids).toEqual(r9wire);
    const tagged = ids((entry) => entry.tags.includes('u64-edge') && (entry.category === 'rules' || entry.category === 'ledger'));
    expect(tagged.length).toBeGreaterThan(0);
    expect((await list(['--tag', 'u64-edge', '--category', 'rules,ledger'])).ids).toEqual(tagged);
    const all = ids((entry) => entry.tags.includes('InvalidNonce') && entry.rules.includes('R21') && entry.category === 'precedence' && entry.id.includes('r2'));
    expect(all.length).toBeGreaterThan(0);
    expect((await list(['--tag', 'InvalidNonce', '--rule', 'R21', '--category', 'precedence', '--filter', 'r2'])).ids).toEqual(all);
  });

  it('the parsed options carry the selection (rule ids normalised, repeats removed)', () => {
    const options = parseVectorsOptions(['--adapter', 'x', '--rule', 'r22', '--rule', 'R22,R1', '--tag', 'burn', '--category', 'wire', '--filter', 'a', '--fail-on-skip', '--json']);
    expect(options).toMatchObject({ adapter: 'x', rules: ['R22', 'R1'], tags: ['burn'], categories: ['wire'], filter: 'a', failOnSkip: true, json: true, list: false });
    // A value that looks like an option is given with `=`; without it, it is ambiguous and refused.
    expect(parseVectorsOptions(['--adapter=--rule', '--filter=--tag'])).toMatchObject({ adapter: '--rule', filter: '--tag', rules: [], tags: [] });
    expect(() => parseVectorsOptions(['--adapter', '--rule'])).toThrow(/--adapter needs a value; write a value that starts with a dash as --adapter=VALUE/);
  });
});

describe('usage errors (exit 2 through the command line), before any adapter starts', () => {
  it('an unknown rule id names the valid range', async () => {
    for (const rule of ['R0', 'R34', 'R', '22', 'rule22']) {
      expect(await usageError(['--adapter', NO_ADAPTER, '--rule', rule])).toMatch(/is not a rule id: the rules are R1 to R33/);
    }
    expect(await usageError(['--adapter', NO_ADAPTER, '--rule', 'R22,'])).toMatch(/empty item/);
  });

  it('an unknown category names the valid ones', async () => {
    expect(await usageError(['--list', '--category', 'rule'])).toBe(
      'vectors: --category rule is not a category: the categories are ledger, precedence, rejections, rules, wire, workloads, regressions',
    );
  });

  it('a selection that matches nothing, no adapter, unknown options, bad values', async () => {
    expect(await usageError(['--adapter', NO_ADAPTER, '--rule', 'R22', '--category', 'workloads', '--filter', 'no-such-id'])).toMatch(
      /no vector matches the selection \(rule R22, category workloads, id containing "no-such-id"\)/,
    );
    // The regressions folder holds no vector yet.
    expect(await usageError(['--list', '--category', 'regressions'])).toMatch(/no vector matches the selection/);
    expect(await usageError([])).toMatch(/needs --adapter/);
    expect(await usageError(['--adapter', NO_ADAPTER, '--no-such-option'])).toMatch(/unknown option --no-such-option/);
    expect(await usageError(['--adapter', NO_ADAPTER, '--timeout', '0'])).toMatch(/--timeout must be a whole number from 1 to 3600000, got "0"/);
    expect(await usageError(['--adapter', NO_ADAPTER, '--rule'])).toMatch(/--rule needs a value/);
    expect(await usageError(['--adapter', NO_ADAPTER, '--vectors', join(ROOT, 'no-such-dir')])).toMatch(/no such vectors file or directory/);
  });

  it('--expect-failures: not JSON, not matching the schema, an id twice, an unknown id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vectors-xfail-bad-'));
    const file = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const args = (path: string): string[] => ['--list', '--expect-failures', path];
    expect(await usageError(args(join(dir, 'missing.json')))).toMatch(/cannot be read/);
    expect(await usageError(args(file('truncated.json', '{"expectedFailures": [')))).toMatch(/not JSON/);
    expect(await usageError(args(file('no-reason.json', '{"expectedFailures":[{"id":"rejection-invalid-nonce"}]}')))).toMatch(
      /does not match vectors\/schema\/expected-failures\.schema\.json: expectedFailures\[0\]\.reason: is missing; must be a string of at least 1 character$/,
    );
    expect(await usageError(args(file('extra.json', '{"expectedFailures":[],"other":1}')))).toMatch(/does not match vectors\/schema\/expected-failures\.schema\.json: other: is not an allowed member/);
    expect(await usageError(args(file('array.json', '[]')))).toMatch(/expected-failures file: must be an object, got an empty array \[\]$/);
    const entry = (id: string): object => ({ id, reason: 'known' });
    expect(await usageError(args(file('twice.json', JSON.stringify({ expectedFailures: [entry('rejection-invalid-nonce'), entry('wire-version-0'), entry('rejection-invalid-nonce')] }))))).toMatch(
      /lists rejection-invalid-nonce more than once/,
    );
    expect(await usageError(args(file('unknown.json', JSON.stringify({ expectedFailures: [entry('rejection-invalid-nonce'), entry('no-such-vector')] }))))).toMatch(
      /lists an id that is not a known vector: no-such-vector/,
    );
    // A good file is accepted, whether or not its ids are selected.
    const good = file('good.json', JSON.stringify({ $schema: '../vectors/schema/expected-failures.schema.json', expectedFailures: [entry('rejection-invalid-nonce')] }));
    expect(prepareVectorRun(parseVectorsOptions(['--list', '--rule', 'R12', '--expect-failures', good])).expectedFailures).toEqual([{ id: 'rejection-invalid-nonce', reason: 'known' }]);
  });
});
