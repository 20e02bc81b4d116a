/**
 * Hostile adapters (plain .mjs fixtures): each misbehaves once, on the 2nd execute
 * request of the run. That vector is reported as an error of the right kind, the adapter
 * is restarted with a fresh handshake, and every later vector still passes.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AdapterClient,
  AdapterProtocolError,
  adapterExecutor,
  AdapterSkipError,
  AdapterReportedError,
  blockResultFromReply,
  parseReplyLine,
} from '../../conformance/harness/client.ts';
import { executeReplyProblem, type ResultReply } from '../../conformance/harness/protocol.ts';
import { runAdapterVectors, parseVectorsOptions, vectorsCommand } from '../../conformance/harness/vectors-command.ts';
import { parseVector, readVectorBlock, VectorFileError } from '../../conformance/vectors/format.ts';
import { loadVectors } from '../../conformance/vector-runner.ts';
import { main } from '../../conformance/cli.ts';
import { capture, fixture, killPids, processRunning, ROOT, runCli } from './support.ts';

const FILTER = 'rejection-overflow'; // 5 small vectors
const once = (): string => `HOSTILE_ONCE_FILE=${join(mkdtempSync(join(tmpdir(), 'harness-hostile-')), 'done')}`;

const cases = [
  { name: 'crash', kind: 'crash', message: /exited with code 3/, stderr: /crashing on purpose/ },
  { name: 'hang', kind: 'timeout', message: /no reply to execute request \d+ within 1000 ms/ },
  { name: 'garbage', kind: 'garbage', message: /not JSON/ },
  { name: 'oversized', kind: 'oversized', message: /longer than the maximum of 262144 bytes/ },
  { name: 'wrong-id', kind: 'wrong-id', message: /expected a reply to request (\d+), got id \d+/ },
  { name: 'invalid-reply', kind: 'invalid-reply', message: /^applied result reply: feeTotal: must be a u64 as a decimal string without sign or leading zeros, got the number 12$/ },
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

  it('a wrong protocol version fails the handshake: the adapter cannot be run (exit 3), no vector is blamed', async () => {
    const report = await runAdapterVectors(parseVectorsOptions(['--adapter', fixture('old-protocol'), '--filter', FILTER]));
    expect(report).toMatchObject({ exitCode: 3, exitMeaning: 'cannotRun', errors: 0, failed: 0, notRun: 5, results: [] });
    expect(report.adapterFailure).toMatch(/^the adapter could not be run: it failed its handshake: .*protocol version 2, the harness 1$/);
    // A version mismatch does not go away on a restart: the harness does not retry it.
    expect(report.adapter.starts).toBe(1);
  });

  it('a command that does not exist cannot be run (exit 3), not a crash of the harness and not a failure per vector', async () => {
    const report = await runAdapterVectors(parseVectorsOptions(['--adapter', `${ROOT}no-such-adapter-binary`, '--filter', FILTER]));
    expect(report).toMatchObject({ exitCode: 3, errors: 0, notRun: 5, results: [] });
    expect(report.adapterFailure).toMatch(/did not complete its handshake: during the handshake: the adapter exited with code 127/);
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

describe('hostile input to the reply parser and the vector loader', () => {
  const pidsIn = (file: string): number[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);
  type Tag = 'prototype-key' | 'huge-number' | 'wrong-type' | 'string-for-number' | 'deep-nesting' | 'truncated' | 'arbitrary-json' | 'duplicate-entry';
  interface HostileCase {
    readonly target: 'reply' | 'vector';
    readonly text: string;
    readonly tags: readonly Tag[];
  }
  type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
  type Path = readonly (string | number)[];

  const sample = loadVectors(join(ROOT, 'vectors')).find((vector) => vector.id === 'rejection-sender-is-receiver')!;
  const REPLY_ID = 7;
  const bases: Record<HostileCase['target'], Json> = {
    reply: { id: REPLY_ID, type: 'result', ...sample.expected } as unknown as Json,
    vector: sample as unknown as Json,
  };
  const pathsOf = (value: Json, prefix: Path = []): Path[] => {
    const own: Path[] = [prefix];
    if (Array.isArray(value)) return own.concat(...value.map((item, index) => pathsOf(item, [...prefix, index])));
    if (value !== null && typeof value === 'object') return own.concat(...Object.entries(value).map(([key, item]) => pathsOf(item, [...prefix, key])));
    return own;
  };
  const paths = { reply: pathsOf(bases.reply), vector: pathsOf(bases.vector) };
  const at = (value: Json, path: Path): Json => path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, value);
  const PLACEHOLDER = '\u0000hostile\u0000';
  /** The base document as text with the value at `path` replaced by `replacement` (raw JSON text). */
  const replaced = (target: HostileCase['target'], path: Path, replacement: string): string => {
    if (path.length === 0) return replacement;
    const copy = JSON.parse(JSON.stringify(bases[target])) as Json;
    const parent = at(copy, path.slice(0, -1)) as Record<string | number, Json>;
    parent[path[path.length - 1]!] = PLACEHOLDER;
    return JSON.stringify(copy).replace(JSON.stringify(PLACEHOLDER), replacement);
  };
  const target = fc.constantFrom<HostileCase['target']>('reply', 'vector');
  const pathIn = (where: HostileCase['target'], keep: (value: Json) => boolean = () => true) =>
    fc.constantFrom(...paths[where].filter((path) => path.length > 0 && keep(at(bases[where], path))));
  const wrongTyped = (original: Json) =>
    fc
      .oneof(fc.constant<Json>(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 8 }), fc.constant<Json>([]), fc.constant<Json>({}), fc.constant<Json>([1, 'a', null]))
      .filter((value) => typeof value !== typeof original || Array.isArray(value) !== Array.isArray(original) || (value === null) !== (original === null));

  const hostileCase: fc.Arbitrary<HostileCase> = target.chain((where) =>
    fc.oneof(
      // A value of another type anywhere.
      pathIn(where).chain((path) => wrongTyped(at(bases[where], path)).map((value) => ({ target: where, text: replaced(where, path, JSON.stringify(value)), tags: ['wrong-type'] as Tag[] }))),
      // Huge or odd numbers, as JSON numbers (wrong type where a string belongs) or decimal strings out of u64.
      pathIn(where).chain((path) =>
        fc.constantFrom('1e400', '-1e400', '18446744073709551616', '1' + '0'.repeat(400), '-1', '0.5', '"18446744073709551616"', '"' + '9'.repeat(400) + '"', '"-1"', '"1e3"').map((number) => ({
          target: where,
          text: replaced(where, path, number),
          tags: (number.startsWith('"') ? ['huge-number'] : ['huge-number', 'wrong-type']) as Tag[],
        })),
      ),
      // A string where a number is expected (ids, chain ids, thresholds, versions).
      pathIn(where, (value) => typeof value === 'number').map((path) => ({
        target: where,
        text: replaced(where, path, JSON.stringify(String(at(bases[where], path)))),
        tags: ['string-for-number', 'wrong-type'] as Tag[],
      })),
      // Prototype keys added to any object (own members, as JSON.parse makes them).
      fc
        .tuple(
          pathIn(where, (value) => value !== null && typeof value === 'object' && !Array.isArray(value)),
          fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '__defineGetter__'),
          fc.constantFrom('{"polluted":true}', 'null', '1', '"x"', '[]', '{"id":7,"type":"result"}'),
        )
        .map(([path, key, value]) => {
          const object = at(bases[where], path) as Record<string, Json>;
          const members = Object.entries(object).map(([name, member]) => `${JSON.stringify(name)}:${JSON.stringify(member)}`);
          const text = `{${JSON.stringify(key)}:${value}${members.length ? ',' : ''}${members.join(',')}}`;
          return { target: where, text: path.length === 0 ? text : replaced(where, path, text), tags: ['prototype-key'] as Tag[] };
        }),
      // Deep nesting, anywhere, up to 20,000 levels.
      fc.tuple(fc.option(pathIn(where), { nil: undefined }), fc.integer({ min: 50, max: 20_000 }), fc.boolean()).map(([path, depth, arrays]) => {
        const deep = arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '0' + '}'.repeat(depth);
        return { target: where, text: path === undefined ? deep : replaced(where, path, deep), tags: ['deep-nesting'] as Tag[] };
      }),
      // Well-typed but inconsistent: an entry of a non-empty list (accounts, balances, assets, receipts, ...) repeated.
      pathIn(where, (value) => Array.isArray(value) && value.length > 0).map((path) => {
        const list = at(bases[where], path) as Json[];
        return { target: where, text: replaced(where, path, JSON.stringify([list[0], ...list])), tags: ['duplicate-entry'] as Tag[] };
      }),
      // Truncated JSON.
      fc.integer({ min: 0, max: JSON.stringify(bases[where]).length - 1 }).map((cut) => ({ target: where, text: JSON.stringify(bases[where]).slice(0, cut), tags: ['truncated'] as Tag[] })),
      // Any JSON value at all.
      fc.jsonValue({ maxDepth: 4 }).map((value) => ({ target: where, text: JSON.stringify(value) ?? 'null', tags: ['arbitrary-json'] as Tag[] })),
    ),
  );

  const runs = Math.max(600, Number(process.env['FC_NUM_RUNS'] ?? 0));

  it(`${runs} hostile texts: every reply gets a typed verdict, every vector a VectorFileError or a usable vector, nothing else is thrown and nothing is written`, async () => {
    const tags = new Map<Tag, number>();
    const outcomes = new Map<string, number>();
    const count = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
    const dir = mkdtempSync(join(tmpdir(), 'harness-hostile-input-'));
    let commandChecks = 0;
    await fc.assert(
      fc.asyncProperty(hostileCase, async (hostile) => {
        for (const tag of hostile.tags) count(tags as Map<string, number>, tag);
        if (hostile.target === 'reply') {
          const read = parseReplyLine(hostile.text, { id: REPLY_ID, validate: executeReplyProblem }, new Set([1, 2, 3, 4, 5, 6, REPLY_ID]));
          if (read.kind === 'error') {
            expect(read.error).toBeInstanceOf(AdapterProtocolError);
            count(outcomes, `reply ${read.error.kind}`);
          } else if (read.kind === 'reply') {
            // Schema-valid: reading it as a block result either works or is an invalid-reply error.
            try {
              const value = read.value as ResultReply | { type: 'error' | 'skip' };
              if (value.type === 'result') blockResultFromReply(value as ResultReply);
              count(outcomes, 'reply accepted');
            } catch (error) {
              expect(error).toBeInstanceOf(AdapterProtocolError);
              count(outcomes, 'reply unusable (invalid-reply)');
            }
          } else {
            count(outcomes, `reply ${read.kind}`);
          }
          return;
        }
        try {
          const vector = parseVector(hostile.text, 'hostile.json');
          readVectorBlock(vector);
          count(outcomes, 'vector accepted');
        } catch (error) {
          expect(error).toBeInstanceOf(VectorFileError);
          count(outcomes, 'vector rejected');
          // Through the command (--vectors FILE): reported as invalid input (exit 2) with the
          // loader's message, never sent to the adapter (which would crash if it were asked).
          if (commandChecks < 25) {
            commandChecks++;
            const file = join(dir, `hostile-${commandChecks}.json`);
            const report = join(dir, `report-${commandChecks}.json`);
            writeFileSync(file, hostile.text);
            expect(await vectorsCommand(['--adapter', fixture('crash'), '--vectors', file, '--json-report', report], capture())).toBe(2);
            const written = JSON.parse(readFileSync(report, 'utf8')) as { adapter: { starts: number }; results: { status: string; problem: string }[] };
            expect(written.adapter.starts).toBe(0);
            expect(written.results).toEqual([expect.objectContaining({ status: 'invalid', problem: (error as VectorFileError).detail })]);
          }
        }
      }),
      { numRuns: runs, seed: 20_261_202 },
    );
    // Nothing leaked onto the shared prototypes.
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const total = [...outcomes.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `hostile input: ${total} runs; generated ${[...tags].map(([tag, n]) => `${n} ${tag}`).join(', ')}; outcomes ${[...outcomes].sort().map(([outcome, n]) => `${n} ${outcome}`).join(', ')}; ${commandChecks} rejected files through the vectors command`,
    );
    expect(total).toBe(runs);
    for (const tag of ['prototype-key', 'huge-number', 'wrong-type', 'string-for-number', 'deep-nesting', 'truncated', 'arbitrary-json', 'duplicate-entry'] as const) expect(tags.get(tag) ?? 0, tag).toBeGreaterThan(runs / 40);
    // Both targets are hit, and replies fail in several distinct ways.
    expect(outcomes.get('vector rejected') ?? 0).toBeGreaterThan(runs / 10);
    expect([...outcomes.keys()].filter((outcome) => outcome.startsWith('reply ')).length).toBeGreaterThanOrEqual(3);
    expect(commandChecks).toBe(25);
  });

  it('through the CLI, a vector file that is not a usable vector exits 2 naming the file; the adapter never starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-bad-vector-'));
    const file = join(dir, 'truncated.json');
    writeFileSync(file, JSON.stringify(sample).slice(0, 500));
    const pidsFile = join(dir, 'pids');
    const errors: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['vectors', '--adapter', fixture('orphan', `ORPHAN_PIDS_FILE=${pidsFile}`), '--vectors', file, '--json-report', join(dir, 'report.json')])).toBe(2);
    } finally {
      process.stderr.write = original;
      killPids(pidsIn(pidsFile));
    }
    expect(errors.join('')).toContain(`INVALID ${file} is not a valid test vector: not JSON`);
    expect(existsSync(pidsFile)).toBe(false); // the adapter never started
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { exitCode: number; results: { status: string }[] };
    expect(report).toMatchObject({ exitCode: 2, results: [{ status: 'invalid' }] });
  });
});
