/**
 * `tos-conformance vectors` through adapter processes: the built-in adapter passes every
 * committed vector; the broken adapter fails with the first differing field named.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVectors } from '../../conformance/vector-runner.ts';
import { vectorsCommand, type VectorsReport } from '../../conformance/harness/vectors-command.ts';
import { main } from '../../conformance/cli.ts';
import { BROKEN, BUILTIN, capture, ROOT } from './support.ts';

const TOTAL = loadVectors(join(ROOT, 'vectors')).length;

describe('vectors against the built-in adapter', () => {
  it(`passes all ${TOTAL} vectors in one adapter process and writes the JSON report`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-vectors-'));
    const io = capture();
    const code = await vectorsCommand(['--adapter', BUILTIN, '--json-report', join(dir, 'report.json')], io);
    expect(io.stdout()).toContain(`${TOTAL} passed, 0 failed, 0 skipped, 0 errors`);
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as VectorsReport;
    expect(report).toMatchObject({ total: TOTAL, passed: TOTAL, failed: 0, skipped: 0, errors: 0, protocolVersion: 1 });
    expect(report.adapter).toMatchObject({ name: 'tos-conformance builtin', ledgers: ['immediate', 'deferred-credits'], starts: 1 });
    expect(report.results).toHaveLength(TOTAL);
  });
});

describe('vectors against the broken adapter', () => {
  it('fails, naming the first differing field and both values, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-vectors-'));
    const io = capture();
    const code = await vectorsCommand(['--adapter', BROKEN, '--filter', 'rejection-', '--json-report', join(dir, 'report.json')], io);
    expect(code).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as VectorsReport;
    expect(report.failed).toBeGreaterThan(20);
    expect(report.errors).toBe(0);
    expect(io.stdout()).toContain(`${report.passed} passed, ${report.failed} failed, 0 skipped, 0 errors`);
    // Bug 2: an InvalidNonce rejection reported as applied.
    const nonce = report.results.find((result) => result.id === 'rejection-invalid-nonce');
    expect(nonce).toMatchObject({ status: 'fail', field: 'receipts[0].status', expected: '"rejected"', actual: '"applied"' });
    expect(io.stdout()).toContain('FAIL  rejection-invalid-nonce: receipts[0].status: expected "rejected", got "applied"');
    // Bug 1: fees never debited: the state root differs, and the post-state field is located.
    const fee = report.results.find((result) => result.id === 'rejection-sender-is-receiver');
    expect(fee).toMatchObject({ status: 'fail', field: 'stateRoot' });
    expect(fee && fee.status === 'fail' ? fee.postStateDifference?.path : '').toMatch(/^postState\.accounts\[\d+\]\.balances\[\d+\]\.amount$/);
  });

  it('is reachable through the CLI dispatcher, and a usage error exits 2', async () => {
    expect(await main(['vectors', '--adapter', BROKEN, '--filter', 'rejection-invalid-nonce', '--stderr', 'capture'])).toBe(1);
    expect(await main(['vectors'])).toBe(2);
    expect(await main(['vectors', '--adapter', BUILTIN, '--filter', 'no-such-vector-id'])).toBe(2);
  });
});
