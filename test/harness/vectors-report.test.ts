/**
 * What a `vectors` run reports and how it exits: expected failures (strict), skips and
 * --fail-on-skip, invalid vector files (exit 2, never sent), an adapter that cannot be
 * run (exit 3, no vector blamed), a state root that alone differs, --json on stdout with
 * human text on stderr, the Markdown summary, and every report valid against
 * vectors/schema/vectors-report.schema.json.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../conformance/exit-codes.ts';
import { computeVectorHash, type Vector } from '../../conformance/vectors/format.ts';
import { formatMarkdownReport, vectorsCommand, type FailVerdict, type VectorsReport } from '../../conformance/harness/vectors-command.ts';
import { toolIdentity } from '../../conformance/version.ts';
import { BROKEN, capture, fixture, ROOT } from './support.ts';

const ajv = new Ajv2020({ strict: true, allErrors: true });
const validateReport = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'vectors', 'schema', 'vectors-report.schema.json'), 'utf8')) as object);

/** The report must match its schema; the schema's errors are the failure message. */
function expectValid(report: unknown): void {
  const valid = validateReport(report);
  expect(valid ? [] : validateReport.errors).toEqual([]);
}

/** A command that would fail loudly if it were ever started. */
const NO_ADAPTER = 'exit 99';
const temp = (prefix: string): string => mkdtempSync(join(tmpdir(), `vectors-${prefix}-`));
const readReport = (file: string): VectorsReport => JSON.parse(readFileSync(file, 'utf8')) as VectorsReport;
const expectFailures = (dir: string, entries: readonly { id: string; reason: string }[]): string => {
  const file = join(dir, 'expected-failures.json');
  writeFileSync(file, JSON.stringify({ expectedFailures: entries }, null, 2));
  return file;
};
const statusOf = (report: VectorsReport): Record<string, string> => Object.fromEntries(report.results.map((result) => [result.id, result.status]));

// Under the broken adapter (fees never debited), of the six r32-* vectors the three with an applied fee fail.
const R32_FAILING = ['r32-all-rejected-credits-zero', 'r32-fee-total-to-miner', 'r32-miner-at-max-without-fees'];
const R32_PASSING = ['r32-block-overflow-fee-total', 'r32-block-overflow-miner-balance', 'r32-empty-block-existing-miner-gets-tos-record'];

describe('expected failures (strict)', () => {
  it('exactly the listed vectors fail: exit 0, each listed id an expected failure with its reason; --json prints the report on stdout only', async () => {
    const dir = temp('xfail');
    const list = expectFailures(
      dir,
      R32_FAILING.map((id) => ({ id, reason: `fees: ${id}` })),
    );
    const io = capture();
    const code = await vectorsCommand(['--adapter', BROKEN, '--filter', 'r32-', '--expect-failures', list, '--json', '--json-report', join(dir, 'report.json')], io);
    const report = JSON.parse(io.stdout()) as VectorsReport;
    expect(statusOf(report)).toEqual(Object.fromEntries([...R32_FAILING.map((id) => [id, 'fail']), ...R32_PASSING.map((id) => [id, 'pass'])]));
    expect(code).toBe(0);
    expect(report).toMatchObject({ exitCode: 0, exitMeaning: 'passed', total: 6, passed: 3, failed: 0, expectedFailures: 3, unexpectedPasses: 0, errors: 0 });
    expect(report.expectedFailureResults).toEqual(R32_FAILING.map((id) => ({ id, reason: `fees: ${id}`, status: 'expected-failure' })));
    expect(report.selection).toEqual({ rules: [], tags: [], categories: [], filter: 'r32-', expectFailures: list, failOnSkip: false });
    expect(report.tool).toEqual(toolIdentity());
    expect(report.adapter).toMatchObject({ name: 'tos-conformance broken', protocolVersion: 1, ledgers: ['immediate', 'deferred-credits'], starts: 1 });
    expectValid(report);
    // One JSON object on stdout, the same as the file; the human text went to stderr.
    expect(readReport(join(dir, 'report.json'))).toEqual(report);
    expect(io.stderr()).toContain('XFAIL r32-fee-total-to-miner: failed as expected (fees: r32-fee-total-to-miner)');
    expect(io.stderr()).toContain('3 passed, 0 failed, 0 skipped, 0 errors, 3 expected failures');
  });

  it('a listed vector that passes fails the run (remove it from the list); an unlisted failure too; the Markdown summary shows both', async () => {
    const dir = temp('xpass');
    const list = expectFailures(dir, [
      { id: R32_FAILING[0]!, reason: 'issue 12' },
      { id: R32_FAILING[1]!, reason: 'issue 13' },
      { id: R32_PASSING[0]!, reason: 'was broken once' },
      { id: 'rejection-invalid-nonce', reason: 'not selected here' },
    ]);
    const io = capture();
    const code = await vectorsCommand(['--adapter', BROKEN, '--filter', 'r32-', '--expect-failures', list, '--json-report', join(dir, 'report.json'), '--report-md', join(dir, 'summary.md')], io);
    expect(code).toBe(1);
    const report = readReport(join(dir, 'report.json'));
    expect(report).toMatchObject({ exitCode: 1, exitMeaning: 'difference', passed: 2, failed: 1, expectedFailures: 2, unexpectedPasses: 1, total: 6 });
    expect(report.exitReason).toBe('1 vector failed, 1 listed expected failure passed (remove it from the list)');
    expect(report.expectedFailureResults.map(({ id, status }) => [id, status])).toEqual([
      [R32_FAILING[0], 'expected-failure'],
      [R32_FAILING[1], 'expected-failure'],
      [R32_PASSING[0], 'unexpected-pass'],
      ['rejection-invalid-nonce', 'not-selected'],
    ]);
    expectValid(report);
    expect(io.stdout()).toContain(`XPASS ${R32_PASSING[0]}: unexpectedly passed, remove it from the list (listed: was broken once)`);
    expect(io.stdout()).toMatch(new RegExp(`FAIL  ${R32_FAILING[2]}: \\d+ differences?\\n`));
    const markdown = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(markdown).toBe(formatMarkdownReport(report));
    expect(markdown).toContain('## tos-conformance vectors: FAILED');
    expect(markdown).toContain('| 6 | 2 | 1 | 0 | 0 | 0 | 2 | 1 | 0 |');
    expect(markdown).toContain(`### Failures (1)\n\n#### \`${R32_FAILING[2]}\``);
    // (Its InvalidNonce rejection reported as applied: the receipts side by side, as JSON.)
    expect(markdown).toMatch(
      /\n\| `receipts\[0\]` \| `\{"hash":"[0-9a-f]{64}","status":"rejected","error":"InvalidNonce","fee":"0"\}` \| `\{"hash":"[0-9a-f]{64}","status":"applied","error":null,"fee":"\d+"\}` \| receipts\[0\] \(status, error, fee\): expected rejected InvalidNonce, fee 0; got applied, fee \d+ \|\n/,
    );
    expect(markdown).toContain(`### Unexpected passes (1): remove them from the expected-failures list\n\n- \`${R32_PASSING[0]}\`: listed as was broken once`);
    expect(markdown).toContain(`| \`rejection-invalid-nonce\` | not-selected | not selected here |`);
  });
});

describe('skips', () => {
  const immediateOnly = fixture('honest', 'FIXTURE_LEDGERS=immediate');

  it('are a warning on stderr by default (count, ids, reasons) and do not fail the run', async () => {
    const dir = temp('skip');
    const io = capture();
    const code = await vectorsCommand(['--adapter', immediateOnly, '--filter', 'ledger-empty-block', '--json-report', join(dir, 'report.json')], io);
    expect(code).toBe(0);
    const report = readReport(join(dir, 'report.json'));
    expect(statusOf(report)).toEqual({ 'ledger-empty-block-deferred': 'skip', 'ledger-empty-block-immediate': 'pass' });
    expect(report).toMatchObject({ passed: 1, skipped: 1, exitCode: 0 });
    expect(io.stderr()).toContain('WARNING: the adapter skipped 1 vector; they do not fail the run (--fail-on-skip would):\n  ledger-empty-block-deferred: the adapter does not support the deferred-credits ledger model');
    expectValid(report);
  });

  it('--fail-on-skip: a skip fails the run (exit 1)', async () => {
    const dir = temp('fail-on-skip');
    const io = capture();
    const code = await vectorsCommand(['--adapter', immediateOnly, '--filter', 'ledger-empty-block', '--fail-on-skip', '--json-report', join(dir, 'report.json'), '--report-md', join(dir, 'summary.md')], io);
    expect(code).toBe(1);
    const report = readReport(join(dir, 'report.json'));
    expect(report).toMatchObject({ exitCode: 1, exitReason: '1 vector was skipped (--fail-on-skip)', selection: { failOnSkip: true } });
    expect(io.stderr()).toContain('this fails the run (--fail-on-skip)');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('### Skipped (1): fails the run (--fail-on-skip)');
    expectValid(report);
  });
});

describe('diagnostics', () => {
  it('when only the state root differs, the verdict says so and points at docs/state-root.md', async () => {
    const dir = temp('root');
    const io = capture();
    const code = await vectorsCommand(['--adapter', fixture('honest', 'FIXTURE_WRONG_STATE_ROOT=1'), '--filter', 'rejection-overflow-burn', '--json-report', join(dir, 'report.json')], io);
    expect(code).toBe(1);
    const report = readReport(join(dir, 'report.json'));
    expect(report.results).toHaveLength(2);
    for (const result of report.results) {
      expect(result.status).toBe('fail');
      const { differences } = result as FailVerdict;
      expect(differences).toHaveLength(1);
      expect(differences[0]).toMatchObject({ kind: 'state-root', path: 'stateRoot', onlyStateRoot: true });
      expect(differences[0]!.expected).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(io.stdout()).toMatch(/FAIL {2}rejection-overflow-burn: 1 difference\n {6}only the state root differs: expected [0-9a-f]{64}, got [0-9a-f]{64}; .* see docs\/state-root\.md\n/);
    expectValid(report);
  });
});

describe('invalid vector files', () => {
  /** A vectors directory with one good vector and one bad file per kind of problem. */
  function damagedSet(): { dir: string; bad: Record<string, RegExp> } {
    const dir = temp('invalid');
    mkdirSync(join(dir, 'rules'));
    const source = join(ROOT, 'vectors', 'rules', 'r22-sender-is-receiver.json');
    copyFileSync(source, join(dir, 'rules', 'r22-sender-is-receiver.json'));
    const vector = JSON.parse(readFileSync(source, 'utf8')) as Vector & { expected: { feeTotal: string } };
    const write = (name: string, value: unknown): void => writeFileSync(join(dir, 'rules', name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
    // An edited expectation: the schema is happy, the content hash is not.
    write('tampered.json', { ...vector, id: 'tampered', expected: { ...vector.expected, feeTotal: '1' } });
    write('future-format.json', { ...vector, id: 'future-format', _info: { ...vector._info, formatVersion: 2 } });
    write('truncated.json', JSON.stringify(vector).slice(0, 300));
    write('extra-member.json', { ...vector, id: 'extra-member', comment: 'not allowed' });
    // Same id as the good vector, with its own correct hash.
    const { _info, ...content } = { ...vector, description: 'a copy under another name' };
    write('zz-duplicate.json', { ...content, _info: { ..._info, hash: computeVectorHash(content) } });
    return {
      dir,
      bad: {
        'rules/tampered.json': /its content hash is [0-9a-f]{64}, not the _info\.hash [0-9a-f]{64} it declares/,
        'rules/future-format.json': /_info\.formatVersion is 2, but this tool reads format version 1 only/,
        'rules/truncated.json': /^not JSON/,
        'rules/extra-member.json': /^comment: is not an allowed member \(the members are id, description, rules, tags, context, preState, transactions, expected, _info\), got the string "not allowed"$/,
        'rules/zz-duplicate.json': /its id r22-sender-is-receiver is also the id of rules\/r22-sender-is-receiver\.json/,
      },
    };
  }

  it('are reported one by one with the problem, never sent to the adapter, the others still run, exit 2', async () => {
    const { dir, bad } = damagedSet();
    const log = join(dir, 'executes.log');
    const io = capture();
    const code = await vectorsCommand(['--adapter', fixture('honest', `FIXTURE_EXECUTE_LOG=${log}`), '--vectors', dir, '--json-report', join(dir, 'report.json'), '--report-md', join(dir, 'summary.md')], io);
    expect(code).toBe(2);
    const report = readReport(join(dir, 'report.json'));
    expect(report).toMatchObject({ exitCode: 2, exitMeaning: 'usage', invalid: 5, passed: 1, total: 6, exitReason: '5 vector files are invalid (never sent to the adapter)' });
    const invalid = report.results.filter((result) => result.status === 'invalid');
    expect(Object.fromEntries(invalid.map((result) => [result.file, result.status === 'invalid' ? result.problem : '']))).toEqual(
      Object.fromEntries(Object.entries(bad).map(([file, problem]) => [file, expect.stringMatching(problem)])),
    );
    expect(invalid.map((result) => result.id)).toEqual(['extra-member', 'future-format', 'tampered', null, 'r22-sender-is-receiver']);
    // Only the good vector reached the adapter.
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(statusOf(report)['r22-sender-is-receiver']).toBe('pass');
    for (const file of Object.keys(bad)) expect(io.stderr()).toContain(`INVALID ${join(dir, file)} is not a valid test vector: `);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('### Invalid vector files (5)');
    expectValid(report);
    // --list reports them too, and exits 2.
    const listed = capture();
    expect(await vectorsCommand(['--list', '--vectors', dir], listed)).toBe(2);
    expect(listed.stdout()).toBe('r22-sender-is-receiver\n');
    expect(listed.stderr()).toContain(`INVALID ${join(dir, 'rules/tampered.json')} is not a valid test vector: its content hash`);
  });

  it('a single invalid file: reported, exit 2, and the adapter never starts', async () => {
    const { dir } = damagedSet();
    const log = join(dir, 'executes.log');
    const io = capture();
    const file = join(dir, 'rules', 'tampered.json');
    expect(await vectorsCommand(['--adapter', fixture('honest', `FIXTURE_EXECUTE_LOG=${log}`), '--vectors', file, '--json', '--expect-failures', expectFailures(dir, [{ id: 'tampered', reason: 'x' }])], io)).toBe(2);
    const report = JSON.parse(io.stdout()) as VectorsReport;
    expect(report).toMatchObject({ total: 1, invalid: 1, adapter: { starts: 0, name: null } });
    expect(report.results).toEqual([{ id: 'tampered', status: 'invalid', file: 'tampered.json', ms: 0, problem: expect.stringMatching(/content hash/), message: expect.stringContaining(file) }]);
    expect(report.expectedFailureResults).toEqual([{ id: 'tampered', reason: 'x', status: 'invalid' }]);
    expect(existsSync(log)).toBe(false);
    expectValid(report);
    // A report that cannot be written is a usage error, not a crash.
    const unwritable = join(file, 'report.json');
    const failure = await vectorsCommand(['--adapter', NO_ADAPTER, '--vectors', file, '--json-report', unwritable], capture()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UsageError);
    expect((failure as UsageError).message).toMatch(new RegExp(`^vectors: cannot write --json-report ${unwritable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(E[A-Z]+: `));
  });
});

describe('an adapter that cannot be run: exit 3 with one line, no vector blamed', () => {
  it('a command that does not exist', async () => {
    const dir = temp('no-adapter');
    const io = capture();
    const list = expectFailures(dir, [{ id: 'rejection-overflow-nonce', reason: 'x' }]);
    const code = await vectorsCommand(['--adapter', `${ROOT}no-such-adapter-binary`, '--filter', 'rejection-overflow', '--expect-failures', list, '--json'], io);
    expect(code).toBe(3);
    const report = JSON.parse(io.stdout()) as VectorsReport;
    expect(report).toMatchObject({ exitCode: 3, exitMeaning: 'cannotRun', total: 5, notRun: 5, errors: 0, results: [] });
    expect(report.adapterFailure).toMatch(/^the adapter could not be run: .*during the handshake: the adapter exited with code 127 \(its stderr: .*no-such-adapter-binary.*\)$/);
    expect(report.expectedFailureResults).toEqual([{ id: 'rejection-overflow-nonce', reason: 'x', status: 'not-run' }]);
    const lines = io.stderr().split('\n').filter((line) => line.includes('could not be run'));
    expect(lines).toEqual([`tos-conformance vectors: ${report.adapterFailure}; 5 vectors not run`]);
    expect(io.stderr()).not.toContain('ERROR');
    expectValid(report);
  });

  it('a wrong protocol version fails the first handshake: the run stops at once', async () => {
    const dir = temp('old-protocol');
    const io = capture();
    expect(await vectorsCommand(['--adapter', fixture('old-protocol'), '--filter', 'rejection-overflow', '--json-report', join(dir, 'report.json')], io)).toBe(3);
    const report = readReport(join(dir, 'report.json'));
    expect(report).toMatchObject({ notRun: 5, results: [], adapter: { starts: 1, name: null } });
    expect(report.adapterFailure).toBe('the adapter could not be run: it failed its handshake: during the handshake: the adapter speaks protocol version 2, the harness 1');
    expectValid(report);
  });

  it('an adapter that crashes and then fails every restart: the vectors before keep their verdicts, the rest are not run', async () => {
    const dir = temp('crash-loop');
    const io = capture();
    const code = await vectorsCommand(['--adapter', fixture('crash-loop', `HOSTILE_ONCE_FILE=${join(dir, 'once')}`), '--filter', 'rejection-overflow', '--json-report', join(dir, 'report.json')], io);
    expect(code).toBe(3);
    const report = readReport(join(dir, 'report.json'));
    expect(report.results.map((result) => [result.id, result.status])).toEqual([
      ['rejection-overflow-burn', 'pass'],
      ['rejection-overflow-burned-supply', 'error'],
    ]);
    expect(report).toMatchObject({ passed: 1, errors: 1, notRun: 3, total: 5, adapter: { starts: 4 } });
    expect(report.adapterFailure).toBe(
      'the adapter could not be run: it kept failing to start: gave up after 3 failed starts in a row; last: adapter crash: during the handshake: the adapter exited with code 4 (its stderr: crash-loop fixture: refusing to start)',
    );
    expectValid(report);
  });
});

describe('docs/vectors-command.md', () => {
  const blocks = [...readFileSync(join(ROOT, 'docs', 'vectors-command.md'), 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!) as unknown);

  it('its expected-failures example matches the expected-failures schema, and its report example the report schema', () => {
    expect(blocks).toHaveLength(2);
    const validateList = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'vectors', 'schema', 'expected-failures.schema.json'), 'utf8')) as object);
    expect(validateList(blocks[0]) ? [] : validateList.errors).toEqual([]);
    expectValid(blocks[1]);
  });
});
