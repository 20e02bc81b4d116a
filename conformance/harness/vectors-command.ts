/**
 * `tos-conformance vectors --adapter "<command>"`: every committed vector through an
 * adapter process, each one reported as pass, fail (with the first differing field and
 * both values), skip (with the adapter's reason) or error (the adapter broke the
 * protocol or reported an error); a summary line, an optional JSON report, and a
 * non-zero exit on any failure or error.
 *
 * @module harness/vectors-command
 */

import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareOutcomes, type Difference } from '../compare.ts';
import { readVectorFile, type Vector } from '../vectors/format.ts';
import { AdapterClient, AdapterProtocolError, DEFAULT_MAX_LINE_BYTES, DEFAULT_TIMEOUT_MS, type AdapterFailureKind } from './client.ts';
import { integerOption, parseArguments, PROCESS_IO, type CommandIo } from './options.ts';
import { outcomeOf, PROTOCOL_VERSION } from './protocol.ts';

/** The committed vectors. */
export const DEFAULT_VECTORS_DIR = fileURLToPath(new URL('../../vectors', import.meta.url));

/** Options of the `vectors` subcommand. */
export interface VectorsCommandOptions {
  /** The adapter command, run by the shell. */
  readonly adapter: string;
  /** Where to write the JSON report (none when omitted). */
  readonly jsonReport?: string;
  /** Deadline of one request in milliseconds. */
  readonly timeoutMs: number;
  /** Only vectors whose id contains this. */
  readonly filter?: string;
  /** A vectors directory (category folders or plain vector files) or one vector file. */
  readonly vectors: string;
  /** Maximum reply line length in bytes. */
  readonly maxLineBytes: number;
  /** The adapter's stderr: captured into the report (default) or passed through. */
  readonly stderr: 'capture' | 'inherit';
}

/** The verdict on one vector. */
export type VectorVerdict =
  | { readonly id: string; readonly status: 'pass'; readonly ms: number }
  | {
      readonly id: string;
      readonly status: 'fail';
      readonly ms: number;
      /** The first differing field, e.g. `receipts[2].error`. */
      readonly field: string;
      /** The expected value (JSON text). */
      readonly expected: string;
      /** The adapter's value (JSON text). */
      readonly actual: string;
      /** When the state root differs: the first differing field of the post-state, to locate it. */
      readonly postStateDifference?: Difference;
    }
  | { readonly id: string; readonly status: 'skip'; readonly ms: number; readonly reason: string }
  | {
      readonly id: string;
      readonly status: 'error';
      readonly ms: number;
      /** `adapter-error` for an error reply, else the protocol failure. */
      readonly kind: AdapterFailureKind | 'adapter-error';
      readonly message: string;
      /** The tail of the adapter's stderr around the failure, when captured. */
      readonly stderr?: string;
    };

/** The JSON report of a `vectors` run. */
export interface VectorsReport {
  /** The harness's protocol version. */
  readonly protocolVersion: number;
  /** The adapter command, what its last handshake said, its starts and the late replies discarded. */
  readonly adapter: {
    readonly command: string;
    readonly name: string | null;
    readonly version: string | null;
    readonly ledgers: readonly string[] | null;
    readonly starts: number;
    readonly lateReplies: number;
  };
  /** Where the vectors came from. */
  readonly vectors: string;
  /** The id filter, if any. */
  readonly filter: string | null;
  /** Vectors run. */
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly errors: number;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** One verdict per vector, by id. */
  readonly results: readonly VectorVerdict[];
}

/**
 * Parse `vectors` options.
 *
 * @param argv - the arguments after `vectors`
 * @returns the options
 * @throws Error on a usage error
 * @example
 * parseVectorsOptions(['--adapter', 'node my-adapter.mjs', '--filter', 'r22'])
 */
export function parseVectorsOptions(argv: readonly string[]): VectorsCommandOptions {
  const parsed = parseArguments(argv, ['adapter', 'json-report', 'timeout', 'filter', 'vectors', 'max-line-bytes', 'stderr']);
  const adapter = parsed.values.get('adapter');
  if (!adapter) throw new Error('vectors needs --adapter "<command>"');
  const stderr = parsed.values.get('stderr') ?? 'capture';
  if (stderr !== 'capture' && stderr !== 'inherit') throw new Error(`--stderr must be capture or inherit, got ${stderr}`);
  const jsonReport = parsed.values.get('json-report');
  const filter = parsed.values.get('filter');
  return {
    adapter,
    ...(jsonReport === undefined ? {} : { jsonReport }),
    timeoutMs: integerOption(parsed, 'timeout', 1) ?? DEFAULT_TIMEOUT_MS,
    ...(filter === undefined ? {} : { filter }),
    vectors: parsed.values.get('vectors') ?? DEFAULT_VECTORS_DIR,
    maxLineBytes: integerOption(parsed, 'max-line-bytes', 1) ?? DEFAULT_MAX_LINE_BYTES,
    stderr,
  };
}

/**
 * Load vectors from a file, a directory of vector files, or a vectors directory with
 * category folders (`schema/` and `index.json` are skipped), sorted by id.
 *
 * @param path - the file or directory
 * @returns the vectors
 * @throws Error when the path does not exist; VectorFileError when a file is unreadable, not JSON, not a vector, or its block cannot be read
 * @example
 * loadVectorsFrom('conformance-failures/fuzz-20250101-120000')
 */
export function loadVectorsFrom(path: string): Vector[] {
  if (!existsSync(path)) throw new Error(`no such vectors file or directory: ${path}`);
  const files: string[] = [];
  const walk = (directory: string, depth: number): void => {
    for (const name of readdirSync(directory).sort()) {
      const full = join(directory, name);
      if (statSync(full).isDirectory()) {
        if (name !== 'schema' && depth < 2) walk(full, depth + 1);
      } else if (name.endsWith('.json') && name !== 'index.json') files.push(full);
    }
  };
  if (statSync(path).isDirectory()) walk(path, 0);
  else files.push(path);
  const vectors = files.map(readVectorFile);
  return vectors.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Run vectors through an adapter.
 *
 * @param options - adapter, vectors, filter, limits
 * @param onVerdict - called after each vector
 * @returns the report
 * @throws Error when no vector matches the filter
 * @example
 * const report = await runAdapterVectors(parseVectorsOptions(['--adapter', 'node my-adapter.mjs']));
 */
export async function runAdapterVectors(options: VectorsCommandOptions, onVerdict?: (verdict: VectorVerdict, done: number, total: number) => void): Promise<VectorsReport> {
  const all = loadVectorsFrom(options.vectors);
  const vectors = options.filter === undefined ? all : all.filter((vector) => vector.id.includes(options.filter!));
  if (vectors.length === 0) throw new Error(`no vector id contains ${JSON.stringify(options.filter)} (of ${all.length} in ${options.vectors})`);
  const client = new AdapterClient(options.adapter, { timeoutMs: options.timeoutMs, maxLineBytes: options.maxLineBytes, stderr: options.stderr });
  const started = performance.now();
  const results: VectorVerdict[] = [];
  try {
    for (const [index, vector] of vectors.entries()) {
      const verdict = await runOne(client, vector, options.stderr === 'capture');
      results.push(verdict);
      onVerdict?.(verdict, index + 1, vectors.length);
    }
  } finally {
    await client.close();
  }
  const count = (status: VectorVerdict['status']): number => results.filter((result) => result.status === status).length;
  return {
    protocolVersion: PROTOCOL_VERSION,
    adapter: {
      command: options.adapter,
      name: client.hello?.name ?? null,
      version: client.hello?.version ?? null,
      ledgers: client.hello?.ledgers ?? null,
      starts: client.starts,
      lateReplies: client.lateReplies,
    },
    vectors: resolve(options.vectors),
    filter: options.filter ?? null,
    total: results.length,
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    errors: count('error'),
    seconds: (performance.now() - started) / 1000,
    results,
  };
}

async function runOne(client: AdapterClient, vector: Vector, capture: boolean): Promise<VectorVerdict> {
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  if (capture) client.takeStderr();
  try {
    const reply = await client.execute(vector.context, vector.preState, vector.transactions.map((transaction) => transaction.hex));
    if (reply.type === 'skip') return { id: vector.id, status: 'skip', ms: ms(), reason: reply.reason };
    if (reply.type === 'error') {
      const stderr = capture ? client.takeStderr() : '';
      return { id: vector.id, status: 'error', ms: ms(), kind: 'adapter-error', message: reply.message, ...(stderr ? { stderr } : {}) };
    }
    const actual = outcomeOf(reply);
    const difference = compareOutcomes(vector.expected, actual);
    if (!difference) return { id: vector.id, status: 'pass', ms: ms() };
    let postStateDifference: Difference | undefined;
    if (difference.path === 'stateRoot' && vector.expected.ok && actual.ok) {
      const located = compareOutcomes({ ...vector.expected, stateRoot: '' }, { ...actual, stateRoot: '' });
      if (located) postStateDifference = located;
    }
    return {
      id: vector.id,
      status: 'fail',
      ms: ms(),
      field: difference.path,
      expected: difference.expected,
      actual: difference.actual,
      ...(postStateDifference ? { postStateDifference } : {}),
    };
  } catch (error) {
    if (error instanceof AdapterProtocolError) {
      return { id: vector.id, status: 'error', ms: ms(), kind: error.kind, message: error.detail, ...(error.stderr ? { stderr: error.stderr } : {}) };
    }
    throw error;
  }
}

/**
 * One line (plus indented detail) for a verdict that is not a pass.
 *
 * @param verdict - the verdict
 * @returns the text, ending with a newline, or `''` for a pass
 */
export function formatVerdict(verdict: VectorVerdict): string {
  switch (verdict.status) {
    case 'pass':
      return '';
    case 'fail':
      return (
        `FAIL  ${verdict.id}: ${verdict.field}: expected ${verdict.expected}, got ${verdict.actual}\n` +
        (verdict.postStateDifference
          ? `      post-state: ${verdict.postStateDifference.path}: expected ${verdict.postStateDifference.expected}, got ${verdict.postStateDifference.actual}\n`
          : '')
      );
    case 'skip':
      return `SKIP  ${verdict.id}: ${verdict.reason}\n`;
    case 'error': {
      const tail = (verdict.stderr ?? '')
        .trimEnd()
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.startsWith('npm warn'))
        .slice(-5)
        .map((line) => `      stderr: ${line.slice(0, 300)}\n`)
        .join('');
      return `ERROR ${verdict.id}: ${verdict.kind}: ${verdict.message.split('\n')[0]}\n${tail}`;
    }
  }
}

/**
 * The summary line.
 *
 * @param report - the report
 * @returns `N passed, N failed, N skipped, N errors`
 */
export function summaryLine(report: Pick<VectorsReport, 'passed' | 'failed' | 'skipped' | 'errors'>): string {
  return `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped, ${report.errors} errors`;
}

/**
 * `tos-conformance vectors`: run, print, write the report.
 *
 * @param argv - the arguments after `vectors`
 * @param io - where to print (default: the process's stdout and stderr)
 * @returns the exit code: 0 when nothing failed or errored (skips are allowed), 1 otherwise
 * @throws Error on a usage error (the CLI turns it into exit code 2)
 * @example
 * process.exitCode = await vectorsCommand(['--adapter', 'node my-adapter.mjs']);
 */
export async function vectorsCommand(argv: readonly string[], io: CommandIo = PROCESS_IO): Promise<number> {
  const options = parseVectorsOptions(argv);
  io.out(`tos-conformance vectors: adapter ${JSON.stringify(options.adapter)}, timeout ${options.timeoutMs} ms\n`);
  let announced = false;
  const report = await runAdapterVectors(options, (verdict, done, total) => {
    if (!announced) {
      announced = true;
      io.out(`  ${total} vectors from ${options.vectors}${options.filter === undefined ? '' : ` matching ${JSON.stringify(options.filter)}`}\n`);
    }
    io.out(formatVerdict(verdict));
    if (done % 100 === 0 && done < total) io.err(`  ${done}/${total} vectors\n`);
  });
  const who = report.adapter.name === null ? '' : ` (${report.adapter.name} ${report.adapter.version})`;
  io.out(`adapter${who} started ${report.adapter.starts} time${report.adapter.starts === 1 ? '' : 's'}; ${report.total} vectors in ${report.seconds.toFixed(1)} s\n`);
  if (report.adapter.lateReplies > 0) {
    io.out(`WARNING: the adapter sent ${report.adapter.lateReplies} late repl${report.adapter.lateReplies === 1 ? 'y' : 'ies'} (the id of a request it had already answered): discarded\n`);
  }
  io.out(`${summaryLine(report)}\n`);
  if (options.jsonReport !== undefined) {
    mkdirSync(dirname(resolve(options.jsonReport)), { recursive: true });
    writeFileSync(options.jsonReport, JSON.stringify(report, null, 2) + '\n');
    io.out(`report written to ${options.jsonReport}\n`);
  }
  return report.failed > 0 || report.errors > 0 ? 1 : 0;
}
