/**
 * `tos-conformance fuzz --adapter "<command>" --runs N`: the agreement and
 * decoding-agreement properties with an adapter process as the executor under test and
 * the spec as the oracle. A disagreement (or an adapter that breaks the protocol or
 * reports an error on a block) is reported at once with its seed and path, then shrunk
 * within a time budget ({@link shrinkBlock}: transactions dropped, pre-state and amounts
 * simplified) and written as a vector with a `replay.sh` beside it. A block the adapter
 * skips (e.g. a ledger model it does not support) is discarded. An adapter that cannot be
 * started, fails its handshake or keeps crashing ends the run with exit code 3.
 *
 * @module harness/fuzz-command
 */

import { resolve } from 'node:path';
import fc from 'fast-check';
import { answerOrParse, parseOptions, PROCESS_IO, shellQuote, type CommandIo, type OptionValues } from '../cli-args.ts';
import { FUZZ_COMMAND } from '../commands.ts';
import { CannotRunError, EXIT_CODES, UsageError, type ExitCode } from '../exit-codes.ts';
import type { BlockExecutor } from '../executor-under-test.ts';
import { AGREEMENT, agreementProperty, DECODING_AGREEMENT, decodingAgreementProperty, DisagreementError, type PropertyInfo } from '../properties.ts';
import { createProgress, failureLines, failureOptions, propertySummary, propertyTable, writeReportFile, type PropertySummary } from '../reports.ts';
import { checkProperty, checkPropertyWithRunSeed, DEFAULT_SHRINK_SECONDS, randomSeed, replayPathProblem, type PropertyReport } from '../runner.ts';
import { adapterRecheck } from '../runner.ts';
import { toolIdentity, type ToolIdentity } from '../version.ts';
import {
  adapterExecutor,
  AdapterProtocolError,
  AdapterReportedError,
  AdapterSkipError,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type AdapterExecutor,
} from './client.ts';
import type { HelloReply } from './protocol.ts';

/** The properties `fuzz` runs, in order (each derives its seed from its place here). */
export const FUZZ_PROPERTIES: readonly PropertyInfo[] = [AGREEMENT, DECODING_AGREEMENT];

/** Options of the `fuzz` subcommand. */
export interface FuzzCommandOptions {
  /** The adapter command, run by the shell. */
  readonly adapter: string;
  /** Generated blocks per property. */
  readonly runs: number;
  /** Seed of the run (property i uses seed + i, i its place in {@link FUZZ_PROPERTIES}); random when omitted. */
  readonly seed?: number;
  /** Replay path of an earlier failure (with `--seed` and `--only`). */
  readonly path?: string;
  /** Run only this property. */
  readonly only?: string;
  /** Where the shrunk counterexample is written. */
  readonly failuresDirectory: string;
  /** The shrinking budget in seconds. */
  readonly shrinkSeconds: number;
  /** Deadline of one request in milliseconds. */
  readonly timeoutMs: number;
  /** Maximum reply line length in bytes. */
  readonly maxLineBytes: number;
  /** The adapter's stderr: passed through (default) or captured. */
  readonly stderr: 'capture' | 'inherit';
  /** Print one JSON object on stdout (human text on stderr). */
  readonly json: boolean;
  /** Where a Markdown summary is written, if anywhere. */
  readonly reportMd?: string;
}

/** What a `fuzz` run found. */
export interface FuzzReport {
  /** The run's seed. */
  readonly seed: number;
  /** The adapter's hello, or `null` when it never answered. */
  readonly hello: Pick<HelloReply, 'name' | 'version' | 'ledgers'> | null;
  /** One report per property run. */
  readonly properties: readonly PropertyReport[];
  /** Blocks the adapter skipped. */
  readonly skipped: number;
  /** Whether every property passed. */
  readonly passed: boolean;
}

/** The JSON object `fuzz --json` prints (vectors/schema/fuzz-report.schema.json). */
export interface FuzzJsonReport {
  /** The tool and the vector set it carries. */
  readonly tool: ToolIdentity;
  /** Always `fuzz`. */
  readonly command: 'fuzz';
  /** Whether every property passed. */
  readonly passed: boolean;
  /** The exit code. */
  readonly exitCode: ExitCode;
  /** The run's seed. */
  readonly seed: number;
  /** Generated blocks per property asked for. */
  readonly runsPerProperty: number;
  /** The adapter: its command and its hello. */
  readonly adapter: { readonly command: string; readonly name: string | null; readonly version: string | null; readonly ledgers: readonly string[] | null };
  /** Generated blocks the adapter skipped. */
  readonly skipped: number;
  /** Where counterexamples are written. */
  readonly failuresDirectory: string;
  /** One entry per property. */
  readonly properties: readonly PropertySummary[];
}

function freshFailuresDirectory(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return resolve('conformance-failures', `fuzz-${stamp}-${process.pid}`);
}

/**
 * The `fuzz` options from parsed values.
 *
 * @param values - the values the parser checked
 * @returns the options
 * @throws UsageError when `--adapter` is missing, or `--path` comes without `--only` and `--seed` or is malformed
 */
function fuzzOptionsFrom(values: OptionValues): FuzzCommandOptions {
  const adapter = values.string('adapter');
  if (adapter === undefined) throw new UsageError('fuzz needs --adapter "<command>" (e.g. --adapter "npx tsx conformance/adapters/builtin.ts")');
  const only = values.string('only');
  const seed = values.integer('seed');
  const path = values.string('path');
  if (path !== undefined) {
    // A path only means something for one property and the seed its failure was found with.
    if (only === undefined || seed === undefined) throw new UsageError('fuzz: --path replays a failure: give it with the --only and --seed printed with it');
    const problem = replayPathProblem(path);
    if (problem !== undefined) throw new UsageError(`fuzz: --path ${JSON.stringify(path)}: ${problem}`);
  }
  const reportMd = values.string('report-md');
  return {
    adapter,
    runs: values.integer('runs') ?? 100,
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined ? {} : { path }),
    ...(only === undefined ? {} : { only }),
    failuresDirectory: values.string('failures-dir') ?? freshFailuresDirectory(),
    shrinkSeconds: values.integer('shrink-seconds') ?? DEFAULT_SHRINK_SECONDS,
    timeoutMs: values.integer('timeout') ?? DEFAULT_TIMEOUT_MS,
    maxLineBytes: values.integer('max-line-bytes') ?? DEFAULT_MAX_LINE_BYTES,
    stderr: (values.string('stderr') ?? 'inherit') as 'capture' | 'inherit',
    json: values.flag('json'),
    ...(reportMd === undefined ? {} : { reportMd }),
  };
}

/**
 * Parse `fuzz` options.
 *
 * @param argv - the arguments after `fuzz`
 * @returns the options
 * @throws UsageError on a usage error (`--help` and `--version` included: {@link fuzzCommand} answers them)
 * @example
 * parseFuzzOptions(['--adapter', 'node my-adapter.mjs', '--runs', '100'])
 */
export function parseFuzzOptions(argv: readonly string[]): FuzzCommandOptions {
  return fuzzOptionsFrom(parseOptions(FUZZ_COMMAND, argv));
}

/** Whether an adapter failure means the adapter cannot be run at all (exit 3), not a finding. */
function cannotRun(error: unknown): error is AdapterProtocolError {
  return error instanceof AdapterProtocolError && (error.kind === 'start' || error.kind === 'handshake');
}

/** The error that ends a run whose adapter cannot be run. */
function cannotRunError(error: Error): CannotRunError {
  return new CannotRunError(`the adapter could not be run: ${error.message}`);
}

/**
 * The adapter with its one fatal failure made explicit: when it cannot be started or
 * fails its handshake (after the client's restarts), the call throws a
 * {@link CannotRunError}, and `onFatal` is told, so the run can end with it even where
 * the property or the shrinker catches the error.
 *
 * @param adapter - the adapter executor
 * @param onFatal - called with the first such error
 * @returns the guarded executor (closing it closes the adapter)
 */
function guardedAdapter(adapter: AdapterExecutor, onFatal: (error: CannotRunError) => void): BlockExecutor {
  return {
    get name() {
      return adapter.name;
    },
    async executeBlock(state, context, transactions) {
      try {
        return await adapter.executeBlock(state, context, transactions);
      } catch (error) {
        if (!cannotRun(error)) throw error;
        const fatal = cannotRunError(error);
        onFatal(fatal);
        throw fatal;
      }
    },
    close: () => adapter.close(),
  };
}

/**
 * The adapter as the properties see it: a skipped block is discarded (`fc.pre`), and an
 * adapter failure on a block becomes a {@link DisagreementError} on that block, so it is
 * reported and shrunk like any disagreement (a {@link CannotRunError} of the guarded
 * adapter passes through and ends the run).
 *
 * @param adapter - the guarded adapter
 * @param onSkip - called for each skipped block
 * @returns the executor the properties drive
 */
function fuzzedExecutor(adapter: BlockExecutor, onSkip: () => void): BlockExecutor {
  return {
    get name() {
      return adapter.name;
    },
    async executeBlock(state, context, transactions) {
      try {
        return await adapter.executeBlock(state, context, transactions);
      } catch (error) {
        if (error instanceof AdapterSkipError) {
          onSkip();
          fc.pre(false);
        }
        if (error instanceof AdapterProtocolError || error instanceof AdapterReportedError) {
          throw new DisagreementError(adapter.name, error.message, { state, context, transactions });
        }
        throw error;
      }
    },
    close: () => adapter.close(),
  };
}

/** The command that replays a failure of `fuzz`, runnable from the repository root. */
function fuzzReplayCommand(options: FuzzCommandOptions, property: string, seed: number, path: string): string {
  return [
    'npx tos-conformance fuzz --adapter',
    shellQuote(options.adapter),
    '--only',
    property,
    '--runs',
    String(options.runs),
    `--seed=${seed}`,
    '--path',
    shellQuote(path),
  ].join(' ');
}

/** The `vectors` command that runs a written vector against the same adapter, given the vector's path as a shell word. */
function vectorsCommandLine(options: FuzzCommandOptions, vectorPath: string): string {
  return `npx tos-conformance vectors --adapter ${shellQuote(options.adapter)} --vectors ${vectorPath}`;
}

/**
 * Run the fuzz properties against an adapter.
 *
 * @param options - adapter, budget, seed, output
 * @param io - where to print progress (all on `err`)
 * @returns the report
 * @throws CannotRunError when the adapter cannot be started, fails its handshake or keeps crashing
 * @example
 * const report = await runFuzz(parseFuzzOptions(['--adapter', 'node my-adapter.mjs', '--runs', '10']));
 */
export async function runFuzz(options: FuzzCommandOptions, io: CommandIo = PROCESS_IO): Promise<FuzzReport> {
  const adapter = adapterExecutor(options.adapter, { timeoutMs: options.timeoutMs, maxLineBytes: options.maxLineBytes, stderr: options.stderr });
  let skipped = 0;
  let fatal: CannotRunError | undefined;
  const guarded = guardedAdapter(adapter, (error) => (fatal ??= error));
  const executor = fuzzedExecutor(guarded, () => skipped++);
  // Shrinking drives the guarded adapter itself: a candidate it skips passes (and is not
  // counted as a skipped generated block); one it cannot run at all ends the run (exit 3).
  const baseRecheck = adapterRecheck(guarded, (error) => error instanceof AdapterSkipError);
  const recheck = async (block: Parameters<typeof baseRecheck>[0]): Promise<string | undefined> => {
    const detail = await baseRecheck(block);
    if (fatal) throw fatal;
    return detail;
  };
  const reports: PropertyReport[] = [];
  const seed = options.seed ?? randomSeed();
  const progress = createProgress(io.err, false);
  let hello: FuzzReport['hello'] = null;
  try {
    try {
      const answer = await adapter.client.start();
      hello = { name: answer.name, version: answer.version, ledgers: answer.ledgers };
    } catch (error) {
      if (error instanceof AdapterProtocolError) throw cannotRunError(error);
      throw error;
    }
    io.err(`  adapter ${hello.name} ${hello.version}, ledgers ${hello.ledgers.join(', ')}; seed ${seed}\n`);
    // Generate only blocks under ledger models the adapter executes.
    const ledger = hello.ledgers.length === 1 ? hello.ledgers[0]! : 'both';
    const selected = FUZZ_PROPERTIES.filter((property) => options.only === undefined || property.name === options.only);
    for (const info of selected) {
      const property: Parameters<typeof checkProperty>[1] = info === AGREEMENT ? agreementProperty([executor], { ledger }) : decodingAgreementProperty([executor], { ledger });
      const started = performance.now();
      const replay = (path: string): string => fuzzReplayCommand(options, info.name, seed, path);
      const report = await checkPropertyWithRunSeed(info, property, seed, {
        numRuns: options.runs,
        seed: seed + FUZZ_PROPERTIES.indexOf(info),
        ...(options.path === undefined ? {} : { path: options.path }),
        failuresDirectory: options.failuresDirectory,
        onRun: (runs) => progress.update(info.name, runs, options.runs, started),
        recheck,
        ...failureOptions(progress, {
          replay,
          title: `${info.name} failed with seed ${seed} against ${options.adapter}`,
          vectorCommand: (vectorPath) => vectorsCommandLine(options, vectorPath),
          shrinkSeconds: options.shrinkSeconds,
        }),
      });
      if (fatal) throw fatal;
      reports.push(report);
      progress.line(`  ${info.name}: ${report.runs} runs, ${report.failures === 0 ? 'passed' : 'FAILED'} in ${report.seconds.toFixed(1)} s (seed ${seed})`);
    }
  } finally {
    await adapter.close();
  }
  return { seed, hello, properties: reports, skipped, passed: reports.every((report) => report.failures === 0) };
}

/**
 * `tos-conformance fuzz`: run, print the failures and where their vectors are.
 *
 * @param argv - the arguments after `fuzz`
 * @param io - where to print (default: the process's stdout and stderr)
 * @returns the exit code: 0 when every property passed, 1 on a disagreement
 * @throws UsageError on a usage error, ReplayPathError when `--path` does not replay a failure (exit code 2), CannotRunError when the adapter cannot be run (exit code 3)
 * @example
 * process.exitCode = await fuzzCommand(['--adapter', 'node my-adapter.mjs', '--runs', '200']);
 */
export async function fuzzCommand(argv: readonly string[], io: CommandIo = PROCESS_IO): Promise<number> {
  const values = answerOrParse(FUZZ_COMMAND, argv, io);
  if (values === 0) return 0;
  const options = fuzzOptionsFrom(values);
  const human = options.json ? io.err : io.out;
  human(`tos-conformance fuzz: adapter ${shellQuote(options.adapter)}, ${options.runs} runs per property, spec as the oracle\n`);
  const report = await runFuzz(options, io);
  const lines: string[] = [];
  if (report.skipped > 0) lines.push(`  ${report.skipped} generated blocks skipped by the adapter`);
  const summaries = report.properties.map((property) => propertySummary(property, fuzzReplayCommand(options, property.property.name, report.seed, property.path ?? '')));
  lines.push(...failureLines(summaries, (vectorFile) => vectorsCommandLine(options, shellQuote(vectorFile))));
  const verdict = report.passed
    ? `PASSED: ${report.properties.map((property) => `${property.property.name} ${property.runs} runs`).join(', ')} (seed ${report.seed})`
    : `FAILED: failing vectors are in ${options.failuresDirectory} (seed ${report.seed})`;
  lines.push(verdict);
  for (const line of lines) human(`${line}\n`);
  const exitCode = report.passed ? EXIT_CODES.passed : EXIT_CODES.difference;
  if (options.json) {
    const json: FuzzJsonReport = {
      tool: toolIdentity(),
      command: 'fuzz',
      passed: report.passed,
      exitCode,
      seed: report.seed,
      runsPerProperty: options.runs,
      adapter: { command: options.adapter, name: report.hello?.name ?? null, version: report.hello?.version ?? null, ledgers: report.hello?.ledgers ?? null },
      skipped: report.skipped,
      failuresDirectory: options.failuresDirectory,
      properties: summaries,
    };
    io.out(JSON.stringify(json) + '\n');
  }
  if (options.reportMd !== undefined) {
    const table = propertyTable(summaries);
    writeReportFile(options.reportMd, [`## tos-conformance fuzz: ${verdict}`, '', `Adapter: \`${options.adapter}\``, '', ...table, '', ...lines.slice(0, -1).map((line) => `- ${line.trim()}`), ''].join('\n'));
  }
  return exitCode;
}
