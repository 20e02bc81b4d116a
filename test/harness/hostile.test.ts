/**
 * Hostile adapters (plain .mjs fixtures): each misbehaves once, on the 2nd execute
 * request of the run. That vector is reported as an error of the right kind, the adapter
 * is restarted with a fresh handshake, and every later vector still passes.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdapterClient, AdapterProtocolError, adapterExecutor, AdapterSkipError, AdapterReportedError } from '../../conformance/harness/client.ts';
import { runAdapterVectors, parseVectorsOptions, vectorsCommand } from '../../conformance/harness/vectors-command.ts';
import { readVectorBlock } from '../../conformance/vectors/format.ts';
import { loadVectors } from '../../conformance/vector-runner.ts';
import { capture, fixture, killPids, processRunning, ROOT, runCli } from './support.ts';

const FILTER = 'rejection-overflow'; // 5 small vectors
const once = (): string => `HOSTILE_ONCE_FILE=${join(mkdtempSync(join(tmpdir(), 'harness-hostile-')), 'done')}`;

const cases = [
  { name: 'crash', kind: 'crash', message: /exited with code 3/, stderr: /crashing on purpose/ },
  { name: 'hang', kind: 'timeout', message: /no reply to execute request \d+ within 1000 ms/ },
  { name: 'garbage', kind: 'garbage', message: /not JSON/ },
  { name: 'oversized', kind: 'oversized', message: /longer than the maximum of 262144 bytes/ },
  { name: 'wrong-id', kind: 'wrong-id', message: /expected a reply to request (\d+), got id \d+/ },
  { name: 'invalid-reply', kind: 'invalid-reply', message: /\/feeTotal must be string/ },
] as const;

describe('hostile adapters', () => {
  it.concurrent.each(cases)('$name on the 2nd vector: an error of kind $kind for that vector, the others pass', async ({ name, kind, message, ...rest }) => {
    const report = await runAdapterVectors(
      parseVectorsOptions(['--adapter', fixture(name, once()), '--filter', FILTER, '--timeout', '1000', '--max-line-bytes', String(256 * 1024)]),
    );
    expect(report.total).toBe(5);
    expect(report.results.map((result) => result.status)).toEqual(['pass', 'error', 'pass', 'pass', 'pass']);
    const error = report.results[1]!;
    expect(error).toMatchObject({ status: 'error', kind });
    if (error.status === 'error') {
      expect(error.message).toMatch(message);
      if ('stderr' in rest) expect(error.stderr).toMatch(rest.stderr);
    }
    expect(report.adapter.starts).toBe(2); // restarted once, with a fresh handshake
    expect(report).toMatchObject({ passed: 4, failed: 0, skipped: 0, errors: 1 });
  });

  it('a reply after the deadline (vector 2 answered late): vector 2 is a timeout, and the late reply is never taken as vector 3\'s answer', async () => {
    const report = await runAdapterVectors(
      parseVectorsOptions(['--adapter', fixture('late', `LATE_REPLY_MS=1500 ${once()}`), '--filter', FILTER, '--timeout', '1000', '--stderr', 'capture']),
    );
    expect(report.results.map((result) => result.status)).toEqual(['pass', 'error', 'pass', 'pass', 'pass']);
    expect(report.results[1]).toMatchObject({ status: 'error', kind: 'timeout' });
    expect(report.adapter.starts).toBe(2);
    expect(report.adapter.lateReplies).toBe(0); // the timed-out process was ended: its reply reached nobody
  });

  it('a late reply while the next request is pending (a second answer to vector 2) is discarded with a diagnostic: vector 3 gets its own reply', async () => {
    const io = capture();
    const dir = mkdtempSync(join(tmpdir(), 'harness-duplicate-'));
    const code = await vectorsCommand(['--adapter', fixture('duplicate'), '--filter', FILTER, '--json-report', join(dir, 'report.json')], io);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Awaited<ReturnType<typeof runAdapterVectors>>;
    expect(report.results.map((result) => result.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
    expect(report.adapter).toMatchObject({ starts: 1, lateReplies: 1 });
    expect(io.stdout()).toContain('WARNING: the adapter sent 1 late reply (the id of a request it had already answered): discarded');
    expect(code).toBe(0);
  });

  it('the late reply diagnostic names the request it answered', async () => {
    const client = new AdapterClient(fixture('duplicate'), { stderr: 'capture' });
    const vectors = loadVectors(join(ROOT, 'vectors')).filter((v) => v.id.startsWith(FILTER));
    try {
      const replies = [];
      for (const vector of vectors.slice(0, 3)) replies.push(await client.execute(vector.context, vector.preState, vector.transactions.map((t) => t.hex)));
      expect(replies.map((reply) => reply.id)).toEqual([2, 3, 4]); // 1 is the handshake
      expect(client.takeStderr()).toContain('[harness] discarded a late reply to request 3 (that request was already answered); still waiting for request 4');
      expect(client.lateReplies).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('the command prints the error and the summary, and exits 1', async () => {
    const io = capture();
    const code = await vectorsCommand(['--adapter', fixture('crash', once()), '--filter', FILTER], io);
    expect(code).toBe(1);
    expect(io.stdout()).toMatch(/ERROR rejection-overflow-burned-supply: crash: the adapter exited with code 3\n {6}stderr: crash fixture: crashing on purpose/);
    expect(io.stdout()).toContain('4 passed, 0 failed, 0 skipped, 1 errors');
  });

  it('misbehaving on every process (no once-file) still leaves the other vectors passing', async () => {
    const report = await runAdapterVectors(parseVectorsOptions(['--adapter', fixture('garbage'), '--filter', FILTER]));
    // Each process misbehaves on its own 2nd execute: vectors 2 and 4.
    expect(report.results.map((result) => result.status)).toEqual(['pass', 'error', 'pass', 'error', 'pass']);
    expect(report.adapter.starts).toBe(3);
  });

  it('a wrong protocol version fails the handshake; the client gives up after 3 failed starts', async () => {
    const report = await runAdapterVectors(parseVectorsOptions(['--adapter', fixture('old-protocol'), '--filter', FILTER]));
    expect(report.errors).toBe(5);
    expect(report.results[0]).toMatchObject({ kind: 'handshake' });
    expect(report.results[0]!.status === 'error' && report.results[0]!.message).toMatch(/protocol version 2, the harness 1/);
    expect(report.results[4]!.status === 'error' && report.results[4]!.message).toMatch(/gave up after 3 failed starts/);
    expect(report.adapter.starts).toBe(3);
  });

  it('a command that does not exist is an error per vector, not a crash of the harness', async () => {
    const report = await runAdapterVectors(parseVectorsOptions(['--adapter', `${ROOT}no-such-adapter-binary`, '--filter', FILTER]));
    expect(report.errors).toBe(5);
    expect(report.results[0]).toMatchObject({ status: 'error', kind: 'crash' });
    expect(report.results[0]!.status === 'error' && report.results[0]!.message).toMatch(/during the handshake: the adapter exited with code 127/);
  });

  it('skip and error replies are reported as such, and ledgers the adapter did not declare are skipped without asking', async () => {
    const report = await runAdapterVectors(parseVectorsOptions(['--adapter', fixture('immediate-only'), '--filter', 'ledger-account-created-then-sends']));
    const byId = Object.fromEntries(report.results.map((result) => [result.id, result]));
    expect(byId['ledger-account-created-then-sends-deferred']).toMatchObject({ status: 'skip', reason: expect.stringMatching(/does not support the deferred-credits ledger/) });
    expect(byId['ledger-account-created-then-sends-immediate']).toMatchObject({ status: 'error', kind: 'adapter-error', message: 'not implemented' });
    expect(report.adapter.starts).toBe(1);
  });

  it('as a BlockExecutor: skip and error replies surface as typed errors', async () => {
    const executor = adapterExecutor(fixture('immediate-only'), { stderr: 'capture' });
    const vector = loadVectors(join(ROOT, 'vectors')).find((v) => v.id === 'ledger-account-created-then-sends-immediate')!;
    const { preState, context, transactions } = readVectorBlock(vector);
    try {
      await expect(executor.executeBlock(preState, context, [])).rejects.toBeInstanceOf(AdapterSkipError);
      await expect(executor.executeBlock(preState, context, transactions)).rejects.toBeInstanceOf(AdapterReportedError);
      await expect(executor.executeBlock(preState, { ...context, ledger: 'deferred-credits' }, transactions)).rejects.toThrow(/does not support the deferred-credits/);
      expect(executor.name).toBe('adapter immediate only 0');
    } finally {
      await executor.close();
    }
  });

  it('the client restarts after a timeout and the next request gets a fresh process', async () => {
    const client = new AdapterClient(fixture('hang', once()), { timeoutMs: 1000, stderr: 'capture' });
    const vector = loadVectors(join(ROOT, 'vectors')).find((v) => v.id.startsWith(FILTER))!;
    const run = () => client.execute(vector.context, vector.preState, vector.transactions.map((t) => t.hex));
    try {
      expect((await run()).type).toBe('result');
      const failure = await run().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AdapterProtocolError);
      expect((failure as AdapterProtocolError).kind).toBe('timeout');
      expect((await run()).type).toBe('result');
      expect(client.starts).toBe(2);
    } finally {
      await client.close();
    }
  });
});

describe('the harness always ends', () => {
  const pidsIn = (file: string): number[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);

  it('an adapter that crashes leaving a child that holds its stdout and ignores SIGTERM: the CLI reports the crash, exits, and leaves no process behind', async () => {
    const pidsFile = join(mkdtempSync(join(tmpdir(), 'harness-orphan-')), 'pids');
    try {
      const run = await runCli(['vectors', '--adapter', fixture('orphan', `ORPHAN_PIDS_FILE=${pidsFile} ${once()}`), '--filter', FILTER, '--timeout', '30000']);
      expect(run.stdout).toMatch(/ERROR rejection-overflow-burned-supply: crash: the adapter exited with code 3\n {6}stderr: orphan fixture: crashing on purpose/);
      expect(run.stdout).toContain('4 passed, 0 failed, 0 skipped, 1 errors');
      expect(run.code).toBe(1);
      // One child per adapter process: the one that crashed and its restart (ended at the end of the run).
      const children = pidsIn(pidsFile);
      expect(children).toHaveLength(2);
      expect(children.filter(processRunning)).toEqual([]);
    } finally {
      killPids(pidsIn(pidsFile));
    }
  });
});
