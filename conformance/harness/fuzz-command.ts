/**
 * `tos-conformance fuzz --adapter "<command>" --runs N`: the agreement and
 * decoding-agreement properties with an adapter process as the executor under test and
 * the spec as the oracle. A disagreement (or an adapter that breaks the protocol or
 * reports an error on a block) is shrunk by fast-check and the minimal block written as
 * a vector that replays it (`tos-conformance vectors --adapter ... --vectors FILE`).
 * A block the adapter skips (e.g. a ledger model it does not support) is discarded.
 *
 * @module harness/fuzz-command
 */

import { join, resolve } from 'node:path';
import fc from 'fast-check';
import type { BlockExecutor } from '../executor-under-test.ts';
import { AGREEMENT, agreementProperty, DECODING_AGREEMENT, decodingAgreementProperty, DisagreementError, type PropertyInfo } from '../properties.ts';
import { checkProperty, replayPathProblem, type PropertyReport } from '../runner.ts';
import {
  adapterExecutor,
  AdapterProtocolError,
  AdapterReportedError,
  AdapterSkipError,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type AdapterExecutor,
} from './client.ts';
import { integerOption, parseArguments, PROCESS_IO, type CommandIo } from './options.ts';

/** The properties `fuzz` runs, by name. */
export const FUZZ_PROPERTIES: readonly PropertyInfo[] = [AGREEMENT, DECODING_AGREEMENT];

/** Options of the `fuzz` subcommand. */
export interface FuzzCommandOptions {
  /** The adapter command, run by the shell. */
  readonly adapter: string;
  /** Generated blocks per property. */
  readonly runs: number;
  /** Seed (property i uses seed + i); random when omitted. */
  readonly seed?: number;
  /** Replay path of an earlier failure (with `--seed` and `--only`). */
  readonly path?: string;
  /** Run only this property. */
  readonly only?: string;
  /** Where the shrunk counterexample is written. */
  readonly failuresDirectory: string;
  /** Deadline of one request in milliseconds. */
  readonly timeoutMs: number;
  /** Maximum reply line length in bytes. */
  readonly maxLineBytes: number;
  /** The adapter's stderr: passed through (default) or captured. */
  readonly stderr: 'capture' | 'inherit';
}

/** What a `fuzz` run found. */
export interface FuzzReport {
  /** One report per property run. */
  readonly properties: readonly PropertyReport[];
  /** Blocks the adapter skipped. */
  readonly skipped: number;
  /** Whether every property passed. */
  readonly passed: boolean;
}

function freshFailuresDirectory(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return resolve('conformance-failures', `fuzz-${stamp}-${process.pid}`);
}

/**
 * Parse `fuzz` options.
 *
 * @param argv - the arguments after `fuzz`
 * @returns the options
 * @throws Error on a usage error (`--path` without `--only` and `--seed`, or a malformed path, included)
 * @example
 * parseFuzzOptions(['--adapter', 'node my-adapter.mjs', '--runs', '100'])
 */
export function parseFuzzOptions(argv: readonly string[]): FuzzCommandOptions {
  const parsed = parseArguments(argv, ['adapter', 'runs', 'seed', 'path', 'only', 'failures-dir', 'timeout', 'max-line-bytes', 'stderr']);
  const adapter = parsed.values.get('adapter');
  if (!adapter) throw new Error('fuzz needs --adapter "<command>"');
  const only = parsed.values.get('only');
  if (only !== undefined && !FUZZ_PROPERTIES.some((property) => property.name === only)) {
    throw new Error(`unknown property ${only}; fuzz runs ${FUZZ_PROPERTIES.map((property) => property.name).join(', ')}`);
  }
  const stderr = parsed.values.get('stderr') ?? 'inherit';
  if (stderr !== 'capture' && stderr !== 'inherit') throw new Error(`--stderr must be capture or inherit, got ${stderr}`);
  const seed = integerOption(parsed, 'seed', -(2 ** 31));
  const path = parsed.values.get('path');
  if (path !== undefined) {
    // A path only means something for one property and the seed its failure was found with.
    if (only === undefined || seed === undefined) throw new Error('--path replays a failure: give it with the --only and --seed printed with it');
    const problem = replayPathProblem(path);
    if (problem !== undefined) throw new Error(`--path ${JSON.stringify(path)}: ${problem}`);
  }
  return {
    adapter,
    runs: integerOption(parsed, 'runs', 1) ?? 100,
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined ? {} : { path }),
    ...(only === undefined ? {} : { only }),
    failuresDirectory: parsed.values.get('failures-dir') ?? freshFailuresDirectory(),
    timeoutMs: integerOption(parsed, 'timeout', 1) ?? DEFAULT_TIMEOUT_MS,
    maxLineBytes: integerOption(parsed, 'max-line-bytes', 1) ?? DEFAULT_MAX_LINE_BYTES,
    stderr,
  };
}

/**
 * The adapter as the properties see it: a skipped block is discarded (`fc.pre`), and an
 * adapter failure on a block becomes a {@link DisagreementError} on that block, so it is
 * shrunk and written as a vector like any disagreement.
 *
 * @param adapter - the adapter executor
 * @param onSkip - called for each skipped block
 * @returns the executor the properties drive
 */
function fuzzedExecutor(adapter: AdapterExecutor, onSkip: () => void): BlockExecutor {
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

/**
 * Run the fuzz properties against an adapter.
 *
 * @param options - adapter, budget, seed, output
 * @param io - where to print progress
 * @returns the report
 * @example
 * const report = await runFuzz(parseFuzzOptions(['--adapter', 'node my-adapter.mjs', '--runs', '10']));
 */
export async function runFuzz(options: FuzzCommandOptions, io: CommandIo = PROCESS_IO): Promise<FuzzReport> {
  const adapter = adapterExecutor(options.adapter, { timeoutMs: options.timeoutMs, maxLineBytes: options.maxLineBytes, stderr: options.stderr });
  let skipped = 0;
  const executor = fuzzedExecutor(adapter, () => skipped++);
  const reports: PropertyReport[] = [];
  try {
    const hello = await adapter.client.start();
    io.out(`  adapter ${hello.name} ${hello.version}, ledgers ${hello.ledgers.join(', ')}\n`);
    // Generate only blocks under ledger models the adapter executes.
    const ledger = hello.ledgers.length === 1 ? hello.ledgers[0]! : 'both';
    const selected = FUZZ_PROPERTIES.filter((property) => options.only === undefined || property.name === options.only);
    for (const info of selected) {
      const property: Parameters<typeof checkProperty>[1] = info === AGREEMENT ? agreementProperty([executor], { ledger }) : decodingAgreementProperty([executor], { ledger });
      const seed = options.seed === undefined ? undefined : options.seed + FUZZ_PROPERTIES.indexOf(info);
      const started = performance.now();
      let lastQuarter = -1;
      const report = await checkProperty(info, property, {
        numRuns: options.runs,
        ...(seed === undefined ? {} : { seed }),
        ...(options.path === undefined ? {} : { path: options.path }),
        failuresDirectory: options.failuresDirectory,
        onRun: (runs) => {
          const quarter = Math.floor((4 * runs) / options.runs);
          if (quarter !== lastQuarter) {
            lastQuarter = quarter;
            io.err(`  ${info.name}: ${runs}/${options.runs} runs, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
          }
        },
      });
      reports.push(report);
      io.out(`  ${info.name}: ${report.runs} runs, ${report.failures === 0 ? 'passed' : 'FAILED'} in ${report.seconds.toFixed(1)} s (seed ${report.seed})\n`);
    }
  } finally {
    await adapter.close();
  }
  return { properties: reports, skipped, passed: reports.every((report) => report.failures === 0) };
}

/**
 * `tos-conformance fuzz`: run, print the failures and where their vectors are.
 *
 * @param argv - the arguments after `fuzz`
 * @param io - where to print (default: the process's stdout and stderr)
 * @returns the exit code: 0 when every property passed, 1 otherwise
 * @throws Error on a usage error, ReplayPathError when `--path` does not replay a failure (the CLI turns both into exit code 2)
 * @example
 * process.exitCode = await fuzzCommand(['--adapter', 'node my-adapter.mjs', '--runs', '200']);
 */
export async function fuzzCommand(argv: readonly string[], io: CommandIo = PROCESS_IO): Promise<number> {
  const options = parseFuzzOptions(argv);
  io.out(`tos-conformance fuzz: adapter ${JSON.stringify(options.adapter)}, ${options.runs} runs per property, spec as the oracle\n`);
  const report = await runFuzz(options, io);
  if (report.skipped > 0) io.out(`  ${report.skipped} generated blocks skipped by the adapter\n`);
  for (const failed of report.properties.filter((property) => property.failures > 0)) {
    io.out(`FAILED ${failed.property.name}: ${failed.error}\n`);
    io.out(`  replay: tos-conformance fuzz --adapter ${JSON.stringify(options.adapter)} --only ${failed.property.name} --runs ${options.runs} --seed ${failed.seed} --path "${failed.path}"\n`);
    if (failed.vectorFile) {
      io.out(`  shrunk counterexample written to ${failed.vectorFile}\n`);
      io.out(`  rerun it: tos-conformance vectors --adapter ${JSON.stringify(options.adapter)} --vectors ${failed.vectorFile}\n`);
    }
  }
  if (report.passed) io.out(`PASSED: ${report.properties.map((property) => `${property.property.name} ${property.runs} runs`).join(', ')}\n`);
  else io.out(`FAILED: failing vectors are in ${join(options.failuresDirectory)}\n`);
  return report.passed ? 0 : 1;
}
