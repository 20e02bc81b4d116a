/**
 * The `tos-conformance` command line: the project's main job and its subcommands.
 *
 * `tos-conformance [run]` runs every committed vector and every conformance property
 * against the built-in executor, with live progress, a summary table and a non-zero exit
 * on any failure; `vectors` and `fuzz` drive any implementation through an adapter
 * process; `state-root` and `demo` work on LMDB stores. Every subcommand's options are
 * declared once in {@link COMMANDS} (its `--help` is made from them); the exit codes are
 * {@link EXIT_CODES}; docs/cli.md describes the whole surface.
 *
 * @module cli
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerOrParse, endQuietlyOnClosedPipe, helpText, parseOptions, PROCESS_IO, shellQuote, type CommandIo, type OptionValues } from './cli-args.ts';
import { COMMANDS, RUN_COMMAND } from './commands.ts';
import { CannotRunError, EXIT_CODE_LINES, EXIT_CODES, UsageError, type ExitCode } from './exit-codes.ts';
import { builtInExecutor, EXECUTOR_CONFIGURATIONS, type BlockExecutor, type ExecutorConfiguration } from './executor-under-test.ts';
import {
  AGREEMENT,
  agreementProperty,
  agreementRecheck,
  DECODING_AGREEMENT,
  decodingAgreementProperty,
  INPUT_AGREEMENT,
  inputAgreementProperty,
  MULTI_BLOCK,
  multiBlockProperty,
  SCHEDULE_INDEPENDENCE,
  scheduleIndependenceProperty,
  type PropertyInfo,
} from './properties.ts';
import { createProgress, failureLines, failureOptions, propertySummary, propertyTable, writeReportFile, type PropertySummary } from './reports.ts';
import { checkProperty, checkPropertyWithRunSeed, DEFAULT_SHRINK_SECONDS, randomSeed, replayPathProblem, ReplayPathError, type PropertyReport, type Recheck } from './runner.ts';
import { BROKEN_VARIANTS, brokenExecutor } from './variants/index.ts';
import { runVectors, type VectorRunSummary } from './vector-runner.ts';
import { VectorFileError } from './vectors/format.ts';
import { vectorsCommand } from './harness/vectors-command.ts';
import { fuzzCommand } from './harness/fuzz-command.ts';
import { demoCommand, stateRootCommand } from './storage-commands.ts';
import { toolIdentity, versionLine, type ToolIdentity } from './version.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The agreement property's share of `--runs` (in `run` and in `--variants`). */
const AGREEMENT_SHARE = 0.5;

/** Parsed command-line options of `run`. */
export interface RunCommandOptions {
  /** Generated blocks in all. */
  readonly runs: number;
  /** Seed of the run (each property derives its own from it); random when not given. */
  readonly seed: number | undefined;
  /** Replay path (with `only` and `seed`). */
  readonly path: string | undefined;
  /** Run only this property. */
  readonly only: string | undefined;
  /** Worker count of the parallel configurations, or all configurations when undefined. */
  readonly workers: number | undefined;
  /** Print one JSON object on stdout (human text on stderr). */
  readonly json: boolean;
  /** Where a Markdown summary is written, if anywhere. */
  readonly reportMd: string | undefined;
  /** Where failing counterexamples are written. */
  readonly failuresDirectory: string;
  /** The shrinking budget in seconds. */
  readonly shrinkSeconds: number;
  /** Instead of the built-in executor, run the broken variants and report how fast each is caught. */
  readonly variants: boolean;
}

/**
 * The `run` options from parsed values.
 *
 * @param values - the values {@link parseCommand} checked
 * @returns the options
 * @throws UsageError when `--path` comes without `--only` and `--seed`, or is malformed
 */
function runOptionsFrom(values: OptionValues): RunCommandOptions {
  const path = values.string('path');
  if (path !== undefined) {
    // A path only means something for one property and the seed its failure was found with.
    if (!values.has('only') || !values.has('seed')) throw new UsageError('run: --path replays a failure: give it with the --only and --seed printed with it');
    const problem = replayPathProblem(path);
    if (problem !== undefined) throw new UsageError(`run: --path ${JSON.stringify(path)}: ${problem}`);
  }
  return {
    runs: values.integer('runs') ?? 1000,
    seed: values.integer('seed'),
    path,
    only: values.string('only'),
    workers: values.integer('workers'),
    json: values.flag('json'),
    reportMd: values.string('report-md'),
    failuresDirectory: values.string('failures-dir') ?? join(ROOT, 'vectors', 'regressions'),
    shrinkSeconds: values.integer('shrink-seconds') ?? DEFAULT_SHRINK_SECONDS,
    variants: values.flag('variants'),
  };
}

/**
 * Parse `run` options.
 *
 * @param argv - arguments after the subcommand
 * @returns the options
 * @throws UsageError on an unknown option, a malformed or out-of-range value, `--help` or `--version` (answered by {@link runCommand}), or `--path` without `--only` and `--seed`
 * @example
 * parseRunOptions(['--runs', '200', '--json'])
 */
export function parseRunOptions(argv: readonly string[]): RunCommandOptions {
  return runOptionsFrom(parseOptions(RUN_COMMAND, argv));
}

/**
 * `tos-conformance run --variants`: the suite's teeth. Runs the agreement property (with
 * the default share of the budget) against every deliberately broken executor and reports
 * the runs and seconds until each was caught.
 *
 * @param options - parsed options (`runs`, `seed` and `json` are used)
 * @param io - where to print
 * @returns 0 when every variant was caught
 * @example
 * await variantsCommand(parseRunOptions(['--variants']));
 */
export async function variantsCommand(options: RunCommandOptions, io: CommandIo = PROCESS_IO): Promise<number> {
  const say = (line: string): void => (options.json ? io.err : io.out)(line + '\n');
  const numRuns = Math.max(1, Math.round(options.runs * AGREEMENT_SHARE));
  const seed = options.seed ?? randomSeed();
  const rows: { defect: string; caught: boolean; runs: number; seconds: number }[] = [];
  say(`tos-conformance: agreement (${numRuns} runs at most) against each broken variant, seed ${seed}`);
  for (const variant of BROKEN_VARIANTS) {
    const report = await checkProperty(AGREEMENT, agreementProperty([brokenExecutor(variant.defect)]), { numRuns, seed, shrink: false });
    const row = { defect: variant.defect, caught: report.failures > 0, runs: report.runs, seconds: report.secondsToFailure ?? report.seconds };
    rows.push(row);
    say(`  ${variant.defect}: ${row.caught ? `caught after ${row.runs} runs in ${row.seconds.toFixed(2)} s` : `NOT caught in ${row.runs} runs`} (${variant.description})`);
  }
  say('');
  say('| variant | caught | runs | seconds |');
  say('| --- | --- | --- | --- |');
  for (const row of rows) say(`| ${row.defect} | ${row.caught ? 'yes' : 'NO'} | ${row.runs} | ${row.seconds.toFixed(2)} |`);
  const allCaught = rows.every((row) => row.caught);
  say(`${allCaught ? 'PASSED' : 'FAILED'}: ${rows.filter((row) => row.caught).length} of ${rows.length} broken variants caught (seed ${seed})`);
  if (options.json) io.out(JSON.stringify({ tool: toolIdentity(), command: 'run --variants', seed, passed: allCaught, variants: rows }) + '\n');
  return allCaught ? EXIT_CODES.passed : EXIT_CODES.difference;
}

function configurationsFor(workers: number | undefined): readonly ExecutorConfiguration[] {
  if (workers === undefined) return EXECUTOR_CONFIGURATIONS;
  return [
    { name: 'workers=0 dag', options: { workers: 0 } },
    { name: `workers=${workers} dag auto`, options: { workers } },
    { name: `workers=${workers} dag apply=workers`, options: { workers, applyOn: 'workers' } },
    { name: `workers=${workers} tos-batches`, options: { workers, scheduler: 'tos-batches' } },
  ];
}

/** The command that replays a failure of `run`, runnable from the repository root. */
function runReplayCommand(property: string, seed: number, path: string, workers: number | undefined): string {
  return ['npx', 'tos-conformance', 'run', '--only', property, `--seed=${seed}`, '--path', shellQuote(path), ...(workers === undefined ? [] : ['--workers', String(workers)])].join(' ');
}

/** The report `run --json` prints (vectors/schema/run-report.schema.json). */
export interface RunReport {
  /** The tool and the vector set it carries. */
  readonly tool: ToolIdentity;
  /** Always `run`. */
  readonly command: 'run';
  /** Whether everything passed. */
  readonly passed: boolean;
  /** The exit code. */
  readonly exitCode: ExitCode;
  /** The run's seed. */
  readonly seed: number;
  /** The executor configurations checked. */
  readonly configurations: readonly string[];
  /** Generated blocks checked. */
  readonly generatedBlocks: number;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** The committed vectors, when run. */
  readonly vectors: Pick<VectorRunSummary, 'total' | 'passed' | 'failed' | 'failures'> | null;
  /** One entry per property run. */
  readonly properties: readonly PropertySummary[];
}

/**
 * `tos-conformance run`: vectors, then every property, then a summary.
 *
 * @param options - parsed options
 * @param io - where to print: results on `out`; with `json`, all human text on `err`
 * @returns the process exit code: 0 when everything passed, 1 on a difference
 * @example
 * process.exitCode = await runCommand(parseRunOptions(process.argv.slice(3)));
 */
export async function runCommand(options: RunCommandOptions, io: CommandIo = PROCESS_IO): Promise<number> {
  if (options.variants) return variantsCommand(options, io);
  const write = options.json ? io.err : io.out;
  const say = (line: string): void => write(line + '\n');
  const progress = createProgress(write, Boolean((options.json ? process.stderr : process.stdout).isTTY) && io === PROCESS_IO);
  const configurations = configurationsFor(options.workers);
  const executors: BlockExecutor[] = configurations.map(builtInExecutor);
  const reports: PropertyReport[] = [];
  const summaries: PropertySummary[] = [];
  let vectorSummary: VectorRunSummary | undefined;
  let multiBlockBlocks = 0;
  const seed = options.seed ?? randomSeed();
  const started = performance.now();
  say(`tos-conformance ${toolIdentity().version}: the built-in executor in ${configurations.length} configurations (${configurations.map((c) => c.name).join('; ')})`);
  say(`  seed ${seed}${options.seed === undefined ? ' (random; repeat this run with --seed=' + seed + ')' : ''}`);

  try {
    // 1. Every committed vector.
    const indexFile = join(ROOT, 'vectors', 'index.json');
    if (!options.only && existsSync(indexFile)) {
      const executor = executors[executors.length > 1 ? 1 : 0]!;
      const vectorsStarted = performance.now();
      vectorSummary = await runVectors(join(ROOT, 'vectors'), executor, (done, total) => progress.update('vectors', done, total, vectorsStarted));
      progress.end();
      say(`  vectors: ${vectorSummary.passed} passed, ${vectorSummary.failed} failed of ${vectorSummary.total} (${executor.name})`);
      for (const failure of vectorSummary.failures.slice(0, 10)) say(`    FAIL ${failure.id}: ${failure.detail}`);
    } else if (!options.only) {
      say('  vectors: none committed yet (vectors/index.json is missing)');
    }

    // 2. Every property, with a share of the block budget.
    // Multi-block runs make a varying number of blocks each: count the blocks themselves.
    const chainExecutor = executors[executors.length > 1 ? 1 : 0]!;
    const countingExecutor: BlockExecutor = {
      name: chainExecutor.name,
      executeBlock: (state, context, transactions) => {
        multiBlockBlocks++;
        return chainExecutor.executeBlock(state, context, transactions);
      },
      close: async () => undefined,
    };
    const decodingExecutors = executors.slice(0, 3);
    const plan: { info: PropertyInfo; numRuns: number; make: () => { property: Parameters<typeof checkProperty>[1]; recheck: Recheck; close?: () => Promise<void> } }[] = [
      { info: AGREEMENT, numRuns: Math.max(1, Math.round(options.runs * AGREEMENT_SHARE)), make: () => ({ property: agreementProperty(executors), recheck: agreementRecheck(executors) }) },
      {
        info: DECODING_AGREEMENT,
        numRuns: Math.max(1, Math.round(options.runs * 0.2)),
        make: () => ({ property: decodingAgreementProperty(decodingExecutors), recheck: agreementRecheck(decodingExecutors) }),
      },
      {
        info: SCHEDULE_INDEPENDENCE,
        numRuns: Math.max(1, Math.round(options.runs * 0.15)),
        make: () => {
          const check = scheduleIndependenceProperty(options.workers || 2);
          return { ...check, recheck: agreementRecheck(executors) };
        },
      },
      {
        info: MULTI_BLOCK,
        numRuns: Math.max(1, Math.round((options.runs * 0.15) / 3)),
        make: () => ({ property: multiBlockProperty(countingExecutor), recheck: agreementRecheck([chainExecutor]) }),
      },
      { info: INPUT_AGREEMENT, numRuns: Math.max(1, Math.round(options.runs * 0.05)), make: () => ({ property: inputAgreementProperty(executors), recheck: agreementRecheck(executors) }) },
    ];
    // Each property's seed derives from its place in the whole plan, so a property run
    // alone (--only) with the run's seed gets the seed it had in the full run.
    const selected = plan.filter((entry) => options.only === undefined || entry.info.name === options.only);
    for (const entry of selected) {
      const { property, recheck, close } = entry.make();
      const propertyStarted = performance.now();
      const propertySeed = seed + plan.indexOf(entry);
      const replay = (path: string): string => runReplayCommand(entry.info.name, seed, path, options.workers);
      try {
        const report = await checkPropertyWithRunSeed(entry.info, property, seed, {
          numRuns: entry.numRuns,
          seed: propertySeed,
          ...(options.path === undefined ? {} : { path: options.path }),
          onRun: (runs) => progress.update(entry.info.name, runs, entry.numRuns, propertyStarted),
          failuresDirectory: options.failuresDirectory,
          recheck,
          ...failureOptions(progress, {
            replay,
            title: `${entry.info.name} failed with the run's seed ${seed}`,
            vectorCommand: (vectorPath) =>
              `TOS_ADAPTER_WORKERS=${options.workers ?? 2} npx tos-conformance vectors --adapter 'npx tos-conformance-builtin-adapter' --vectors ${vectorPath}`,
            shrinkSeconds: options.shrinkSeconds,
          }),
        });
        reports.push(report);
        summaries.push(propertySummary(report, replay(report.path ?? '')));
      } finally {
        progress.end();
        await close?.();
      }
    }
  } finally {
    await Promise.all(executors.map((executor) => executor.close()));
  }

  // 3. Summary.
  const blocks = reports.reduce((total, report) => total + (report.property.name === MULTI_BLOCK.name ? 0 : report.runs), 0) + multiBlockBlocks;
  const seconds = (performance.now() - started) / 1000;
  const failed = reports.some((report) => report.failures > 0) || (vectorSummary?.failed ?? 0) > 0;
  const exitCode = failed ? EXIT_CODES.difference : EXIT_CODES.passed;
  const table = propertyTable([
    ...(vectorSummary ? [{ name: 'vectors', runs: vectorSummary.total, failures: vectorSummary.failed, seconds: vectorSummary.seconds }] : []),
    ...summaries,
  ]);
  say('');
  for (const line of table) say(line);
  say('');
  const failures = failureLines(summaries);
  for (const line of failures) say(line);
  const verdict = `${failed ? 'FAILED' : 'PASSED'}: ${blocks} generated blocks in ${seconds.toFixed(1)} s (seed ${seed})`;
  say(verdict);
  const report: RunReport = {
    tool: toolIdentity(),
    command: 'run',
    passed: !failed,
    exitCode,
    seed,
    configurations: configurations.map((configuration) => configuration.name),
    generatedBlocks: blocks,
    seconds,
    vectors: vectorSummary ? { total: vectorSummary.total, passed: vectorSummary.passed, failed: vectorSummary.failed, failures: vectorSummary.failures } : null,
    properties: summaries,
  };
  if (options.json) io.out(JSON.stringify(report) + '\n');
  if (options.reportMd !== undefined) {
    writeReportFile(options.reportMd, [`## tos-conformance run: ${verdict}`, '', ...table, '', ...failures.map((line) => (line.startsWith('  ') ? `- ${line.trim()}` : `**${line}**`)), ''].join('\n'));
  }
  return exitCode;
}

/**
 * `tos-conformance run` from its arguments.
 *
 * @param argv - the arguments after `run`
 * @param io - where to print
 * @returns the exit code
 * @throws UsageError on a usage error
 */
async function runMain(argv: readonly string[], io: CommandIo): Promise<number> {
  const values = answerOrParse(RUN_COMMAND, argv, io);
  if (values === 0) return 0;
  return runCommand(runOptionsFrom(values), io);
}

/** The subcommands, by name. */
const SUBCOMMANDS: Readonly<Record<string, (argv: readonly string[], io: CommandIo) => Promise<number>>> = {
  run: runMain,
  vectors: vectorsCommand,
  fuzz: fuzzCommand,
  'state-root': stateRootCommand,
  demo: demoCommand,
};

/**
 * The help of the whole command line: every subcommand with its summary, and the exit codes.
 *
 * @returns the text
 */
export function globalHelp(): string {
  const lines = [
    'tos-conformance: the conformance suite for TOS transaction execution',
    '',
    'Usage: tos-conformance [SUBCOMMAND] [options]      (run is the default subcommand)',
    '       tos-conformance SUBCOMMAND --help           (a subcommand\'s options)',
    '       tos-conformance --version',
    '',
    'Subcommands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(11)} ${command.summary.split('. ')[0]!.replace(/\.$/, '')}.`),
    '  help        this text; "help SUBCOMMAND" is that subcommand\'s --help',
    '',
    'Documentation: docs/getting-started.md, docs/cli.md (options, exit codes, JSON reports).',
    '',
    'Exit codes (every subcommand):',
    ...EXIT_CODE_LINES.map((line) => `  ${line}`),
  ];
  return lines.join('\n') + '\n';
}

/**
 * Entry point: dispatch the subcommand (`run` is the default). Usage errors exit 2, an
 * implementation or harness that cannot run exits 3, each with one line on stderr.
 *
 * @param argv - arguments after the program name
 * @param io - where to print (default: the process's stdout and stderr)
 * @returns the exit code
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: CommandIo = PROCESS_IO): Promise<number> {
  if (io === PROCESS_IO) endQuietlyOnClosedPipe();
  const [first, ...rest] = argv;
  try {
    if (first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? rest[0] : undefined;
      const command = COMMANDS.find((candidate) => candidate.name === topic);
      if (topic !== undefined && command === undefined) throw new UsageError(`help: unknown subcommand ${topic}; subcommands: ${Object.keys(SUBCOMMANDS).join(', ')}`);
      io.out(command ? helpText(command) : globalHelp());
      return EXIT_CODES.passed;
    }
    if (first === '--version') {
      io.out(`${versionLine()}\n`);
      return EXIT_CODES.passed;
    }
    const implicit = first === undefined || first.startsWith('-');
    const name = implicit ? 'run' : first;
    const subcommand = SUBCOMMANDS[name];
    if (subcommand === undefined) throw new UsageError(`unknown subcommand ${name}; subcommands: ${Object.keys(SUBCOMMANDS).join(', ')}, help`);
    return await subcommand(implicit ? argv : rest, io);
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * The one line and the exit code for an error that ends a command.
 *
 * @param error - what was thrown
 * @param io - where the line goes (stderr)
 * @returns 2 for usage errors and invalid input, 3 when the implementation or harness could not be run
 */
function reportError(error: unknown, io: CommandIo): number {
  const message = error instanceof Error ? error.message.replace(/\s*\n\s*/g, ' ') : String(error);
  if (error instanceof UsageError || error instanceof ReplayPathError || error instanceof VectorFileError) {
    io.err(`tos-conformance: ${message}\n`);
    if (error instanceof UsageError) io.err('  (--help lists the options)\n');
    return EXIT_CODES.usage;
  }
  io.err(`tos-conformance: cannot run: ${message}\n`);
  if (!(error instanceof CannotRunError) && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  return EXIT_CODES.cannotRun;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
