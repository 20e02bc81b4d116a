/**
 * `tos-conformance vectors` through adapter processes: the built-in adapter passes every
 * committed vector; the broken adapter fails, with every differing receipt and
 * post-state record located and both values given as JSON.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadVectors } from '../../conformance/vector-runner.ts';
import { vectorsCommand, type FailVerdict, type VectorsReport } from '../../conformance/harness/vectors-command.ts';
import { main } from '../../conformance/cli.ts';
import { BROKEN, BUILTIN, capture, ROOT } from './support.ts';

const TOTAL = loadVectors(join(ROOT, 'vectors')).length;
const validateReport = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'vectors', 'schema', 'vectors-report.schema.json'), 'utf8')) as object);

describe('vectors against the built-in adapter', () => {
  it(`passes all ${TOTAL} vectors in one adapter process and writes the JSON report, valid against its schema`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-vectors-'));
    const io = capture();
    const code = await vectorsCommand(['--adapter', BUILTIN, '--json-report', join(dir, 'report.json')], io);
    expect(io.stdout()).toContain(`${TOTAL} passed, 0 failed, 0 skipped, 0 errors\n`);
    expect(io.stdout()).toContain(`exit 0 (passed): ${TOTAL} vectors passed\n`);
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as VectorsReport;
    expect(report).toMatchObject({ total: TOTAL, passed: TOTAL, failed: 0, skipped: 0, errors: 0, invalid: 0, notRun: 0, protocolVersion: 1, exitCode: 0, exitMeaning: 'passed' });
    expect(report.adapter).toMatchObject({ name: 'tos-conformance builtin', ledgers: ['immediate', 'deferred-credits'], protocolVersion: 1, starts: 1 });
    expect(report.results).toHaveLength(TOTAL);
    expect(report.results.every((result) => result.status === 'pass')).toBe(true);
    expect(validateReport(report) ? [] : validateReport.errors).toEqual([]);
  });
});

describe('vectors against the broken adapter', () => {
  it('fails, listing every differing field with both values as JSON, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-vectors-'));
    const io = capture();
    const code = await vectorsCommand(['--adapter', BROKEN, '--filter', 'rejection-', '--json-report', join(dir, 'report.json')], io);
    expect(code).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as VectorsReport;
    expect(report.failed).toBeGreaterThan(20);
    expect(report.errors).toBe(0);
    expect(io.stdout()).toContain(`${report.passed} passed, ${report.failed} failed, 0 skipped, 0 errors`);
    expect(validateReport(report) ? [] : validateReport.errors).toEqual([]);
    const verdict = (id: string): FailVerdict => {
      const result = report.results.find((candidate) => candidate.id === id);
      expect(result?.status, id).toBe('fail');
      return result as FailVerdict;
    };

    // Bug 2: an InvalidNonce rejection reported as applied: the receipt, side by side.
    const nonce = verdict('rejection-invalid-nonce');
    expect(nonce.file).toBe('rejections/rejection-invalid-nonce.json');
    const receipt = nonce.differences.find((difference) => difference.kind === 'receipt')!;
    expect(receipt).toMatchObject({
      path: 'receipts[0]',
      index: 0,
      fields: ['status', 'error', 'fee'],
      expected: { status: 'rejected', error: 'InvalidNonce', fee: '0' },
      actual: { status: 'applied', error: null },
    });
    expect(io.stdout()).toMatch(/FAIL {2}rejection-invalid-nonce: \d+ differences\n {6}receipts\[0\] \(status, error, fee\): expected rejected InvalidNonce, fee 0; got applied, fee \d+\n/);

    // Bug 1: fees never debited: the sender's TOS balance, located by public key and asset, then the state root.
    const fee = verdict('rejection-sender-is-receiver');
    expect(fee.differences.map((difference) => difference.kind)).toEqual(['balance', 'state-root']);
    const [balance, root] = fee.differences;
    expect(balance).toMatchObject({ asset: '00'.repeat(32), publicKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(balance!.path).toBe(`postState.accounts[${balance!.publicKey}].balances[${'00'.repeat(32)}]`);
    expect(BigInt(balance!.actual as string) - BigInt(balance!.expected as string)).toBeGreaterThan(0n); // the fee came back
    expect(root).toMatchObject({ kind: 'state-root', onlyStateRoot: false });
    expect(io.stdout()).toMatch(/FAIL {2}rejection-sender-is-receiver: 2 differences\n {6}account [0-9a-f]{16}…: TOS balance: expected \d+, got \d+\n {6}state root: expected [0-9a-f]{16}…, got [0-9a-f]{16}… \(the post-state differs, above\)\n/);
  });

  it('is reachable through the CLI dispatcher; usage errors exit 2', async () => {
    expect(await main(['vectors', '--adapter', BROKEN, '--filter', 'rejection-invalid-nonce', '--stderr', 'capture'])).toBe(1);
    expect(await main(['vectors'])).toBe(2);
    expect(await main(['vectors', '--adapter', BUILTIN, '--filter', 'no-such-vector-id'])).toBe(2);
    expect(await main(['vectors', '--adapter', BUILTIN, '--rule', 'R34'])).toBe(2);
  });
});
