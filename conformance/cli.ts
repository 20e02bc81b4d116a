/**
 * The `tos-conformance` command line: the project's main job.
 *
 * `tos-conformance [run]` runs every committed vector and every conformance property
 * against the built-in executor, with live progress, a summary table and a non-zero exit
 * on any failure. Options: `--runs N` (generated blocks in all, default 1000), `--seed S`,
 * `--path P` (with `--only` and `--seed`, replays a failure; a path that does not lead to a
 * failing case ends with exit code 2), `--only NAME`, `--workers W`, `--json`,
 * `--failures-dir DIR` (default `vectors/regressions`).
 *
 * @module cli
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtInExecutor, EXECUTOR_CONFIGURATIONS, type BlockExecutor, type ExecutorConfiguration } from './executor-under-test.ts';
import {
  AGREEMENT,
  agreementProperty,
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
import { checkProperty, replayPathProblem, type PropertyReport } from './runner.ts';
import { BROKEN_VARIANTS, brokenExecutor } from './variants/index.ts';
import { runVectors, type VectorRunSummary } from './vector-runner.ts';
import { vectorsCommand } from './harness/vectors-command.ts';
import { fuzzCommand } from './harness/fuzz-command.ts';
import { demoCommand, stateRootCommand } from './storage-commands.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The agreement property's share of `--runs` (in `run` and in `--variants`). */
const AGREEMENT_SHARE = 0.5;

/** Parsed command-line options of `run`. */
export interface RunCommandOptions {
  /** Generated blocks in all. */
  readonly runs: number;
  /** Seed for every property (each derives its own from it). */
  readonly seed: number | undefined;
  /** Replay path (with `only`). */
  readonly path: string | undefined;
  /** Run only this property. */
  readonly only: string | undefined;
  /** Worker count of the parallel configurations, or all configurations when undefined. */
  readonly workers: number | undefined;
  /** Print one JSON object as the last line. */
  readonly json: boolean;
  /** Where failing counterexamples are written. */
  readonly failuresDirectory: string;
  /** Instead of the built-in executor, run the broken variants and report how fast each is caught. */
  readonly variants: boolean;
}

/**
 * Parse `run` options.
 *
 * @param argv - arguments after the subcommand
 * @returns the options
 * @throws Error on an unknown option, a malformed value, or `--path` without `--only` and `--seed`
 * @example
 * parseRunOptions(['--runs', '200', '--json'])
 */
export function parseRunOptions(argv: readonly string[]): RunCommandOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--json') flags.add('json');
    else if (argument === '--variants') flags.add('variants');
    else if (['--runs', '--seed', '--path', '--only', '--workers', '--failures-dir'].includes(argument)) {
      const value = argv[++index];
      if (value === undefined) throw new Error(`${argument} needs a value`);
      values.set(argument.slice(2), value);
    } else throw new Error(`unknown option ${argument}`);
  }
  const integer = (name: string, minimum: number): number | undefined => {
    const text = values.get(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < minimum) throw new Error(`--${name} must be a whole number >= ${minimum}, got ${text}`);
    return value;
  };
  const path = values.get('path');
  if (path !== undefined) {
    // A path only means something for one property and the seed its failure was found with.
    if (!values.has('only') || !values.has('seed')) throw new Error('--path replays a failure: give it with the --only and --seed printed with it');
    const problem = replayPathProblem(path);
    if (problem !== undefined) throw new Error(`--path ${JSON.stringify(path)}: ${problem}`);
  }
  return {
    runs: integer('runs', 1) ?? 1000,
    seed: integer('seed', -(2 ** 31)),
    path: values.get('path'),
    only: values.get('only'),
    workers: integer('workers', 0),
    json: flags.has('json'),
    failuresDirectory: values.get('failures-dir') ?? join(ROOT, 'vectors', 'regressions'),
    variants: flags.has('variants'),
  };
}

/**
 * `tos-conformance run --variants`: the suite's teeth. Runs the agreement property (with
 * the default share of the budget) against every deliberately broken executor and reports
 * the runs and seconds until each was caught.
 *
 * @param options - parsed options (`runs` and `seed` are used)
 * @returns 0 when every variant was caught
 * @example
 * await variantsCommand(parseRunOptions(['--variants']));
 */
export async function variantsCommand(options: RunCommandOptions): Promise<number> {
  const out = options.json ? process.stderr : process.stdout;
  const say = (line: string): void => void out.write(line + '\n');
  const numRuns = Math.max(1, Math.round(options.runs * AGREEMENT_SHARE));
  const rows: { defect: string; caught: boolean; runs: number; seconds: number }[] = [];
  say(`tos-conformance: agreement (${numRuns} runs at most) against each broken variant`);
  for (const variant of BROKEN_VARIANTS) {
    const report = await checkProperty(AGREEMENT, agreementProperty([brokenExecutor(variant.defect)]), {
      numRuns,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      shrink: false,
    });
    const row = { defect: variant.defect, caught: report.failures > 0, runs: report.runs, seconds: report.secondsToFailure ?? report.seconds };
    rows.push(row);
    say(`  ${variant.defect}: ${row.caught ? `caught after ${row.runs} runs in ${row.seconds.toFixed(2)} s` : `NOT caught in ${row.runs} runs`} (${variant.description})`);
  }
  say('');
  say('| variant | caught | runs | seconds |');
  say('| --- | --- | --- | --- |');
  for (const row of rows) say(`| ${row.defect} | ${row.caught ? 'yes' : 'NO'} | ${row.runs} | ${row.seconds.toFixed(2)} |`);
  const allCaught = rows.every((row) => row.caught);
  say(`${allCaught ? 'PASSED' : 'FAILED'}: ${rows.filter((row) => row.caught).length} of ${rows.length} broken variants caught`);
  if (options.json) process.stdout.write(JSON.stringify({ passed: allCaught, variants: rows }) + '\n');
  return allCaught ? 0 : 1;
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

/** A live progress line (rewritten in place on a terminal, a line per 25% otherwise). */
function createProgress(out: NodeJS.WriteStream, enabled: boolean) {
  const tty = enabled && out.isTTY;
  let lastQuarter = -1;
  return {
    update(label: string, done: number, total: number, started: number): void {
      if (!enabled) return;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (tty) {
        out.write(`\r  ${label.padEnd(24)} ${String(done).padStart(5)}/${total} runs  ${seconds} s   `);
      } else {
        const quarter = Math.floor((4 * done) / total);
        if (quarter !== lastQuarter) {
          lastQuarter = quarter;
          out.write(`  ${label}: ${done}/${total} runs, ${seconds} s\n`);
        }
      }
    },
    end(): void {
      lastQuarter = -1;
      if (tty) out.write('\n');
    },
  };
}

/**
 * `tos-conformance run`: vectors, then every property, then a summary.
 *
 * @param options - parsed options
 * @returns the process exit code: 0 when everything passed
 * @example
 * process.exitCode = await runCommand(parseRunOptions(process.argv.slice(3)));
 */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  if (options.variants) return variantsCommand(options);
  const out = options.json ? process.stderr : process.stdout;
  const say = (line: string): void => void out.write(line + '\n');
  const progress = createProgress(out, true);
  const configurations = configurationsFor(options.workers);
  const executors: BlockExecutor[] = configurations.map(builtInExecutor);
  const reports: PropertyReport[] = [];
  let vectorSummary: VectorRunSummary | undefined;
  let multiBlockBlocks = 0;
  const started = performance.now();
  say(`tos-conformance: the built-in executor in ${configurations.length} configurations (${configurations.map((c) => c.name).join('; ')})`);

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
    const seedFor = (offset: number): number | undefined => (options.seed === undefined ? undefined : options.seed + offset);
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
    const plan: { info: PropertyInfo; numRuns: number; blocksPerRun: number; make: () => { property: Parameters<typeof checkProperty>[1]; close?: () => Promise<void> } }[] = [
      { info: AGREEMENT, numRuns: Math.max(1, Math.round(options.runs * AGREEMENT_SHARE)), blocksPerRun: 1, make: () => ({ property: agreementProperty(executors) }) },
      { info: DECODING_AGREEMENT, numRuns: Math.max(1, Math.round(options.runs * 0.2)), blocksPerRun: 1, make: () => ({ property: decodingAgreementProperty(executors.slice(0, 3)) }) },
      {
        info: SCHEDULE_INDEPENDENCE,
        numRuns: Math.max(1, Math.round(options.runs * 0.15)),
        blocksPerRun: 1,
        make: () => scheduleIndependenceProperty(options.workers || 2),
      },
      { info: MULTI_BLOCK, numRuns: Math.max(1, Math.round((options.runs * 0.15) / 3)), blocksPerRun: 3, make: () => ({ property: multiBlockProperty(countingExecutor) }) },
      // Last, so the seeds the other properties derive from --seed stay as they were.
      { info: INPUT_AGREEMENT, numRuns: Math.max(1, Math.round(options.runs * 0.05)), blocksPerRun: 1, make: () => ({ property: inputAgreementProperty(executors) }) },
    ];
    const selected = options.only ? plan.filter((entry) => entry.info.name === options.only) : plan;
    if (selected.length === 0) throw new Error(`unknown property ${options.only}; known: ${plan.map((entry) => entry.info.name).join(', ')}`);
    for (const [index, entry] of selected.entries()) {
      const { property, close } = entry.make();
      const propertyStarted = performance.now();
      const seed = seedFor(index);
      try {
        const report = await checkProperty(entry.info, property, {
          numRuns: entry.numRuns,
          ...(seed === undefined ? {} : { seed }),
          ...(options.path === undefined ? {} : { path: options.path }),
          onRun: (runs) => progress.update(entry.info.name, runs, entry.numRuns, propertyStarted),
          failuresDirectory: options.failuresDirectory,
        });
        reports.push(report);
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
  say('');
  say('| property | runs | failures | seconds |');
  say('| --- | --- | --- | --- |');
  if (vectorSummary) say(`| vectors | ${vectorSummary.total} | ${vectorSummary.failed} | ${vectorSummary.seconds.toFixed(1)} |`);
  for (const report of reports) say(`| ${report.property.name} | ${report.runs} | ${report.failures} | ${report.seconds.toFixed(1)} |`);
  say('');
  for (const report of reports.filter((r) => r.failures > 0)) {
    say(`FAILED ${report.property.name}: ${report.error}`);
    say(`  replay: npm run conformance -- --only ${report.property.name} --seed ${report.seed} --path "${report.path}"`);
    if (report.vectorFile) say(`  shrunk counterexample written to ${report.vectorFile}`);
  }
  const failed = reports.some((report) => report.failures > 0) || (vectorSummary?.failed ?? 0) > 0;
  say(`${failed ? 'FAILED' : 'PASSED'}: ${blocks} generated blocks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (options.json) {
    process.stdout.write(
      JSON.stringify({
        passed: !failed,
        generatedBlocks: blocks,
        vectors: vectorSummary ? { total: vectorSummary.total, passed: vectorSummary.passed, failed: vectorSummary.failed } : null,
        properties: reports.map((report) => ({
          name: report.property.name,
          runs: report.runs,
          failures: report.failures,
          seconds: report.seconds,
          seed: report.seed,
          ...(report.failures > 0 ? { path: report.path, error: report.error, vectorFile: report.vectorFile ?? null } : {}),
        })),
      }) + '\n',
    );
  }
  return failed ? 1 : 0;
}

/**
 * Entry point: dispatch the subcommand (`run` is the default).
 *
 * @param argv - arguments after the program name
 * @returns the exit code
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  const subcommand = first === undefined || first.startsWith('--') ? 'run' : first;
  const args = subcommand === first ? rest : argv;
  try {
    switch (subcommand) {
      case 'run':
        return await runCommand(parseRunOptions(args));
      case 'vectors': return await vectorsCommand(args);
      case 'fuzz': return await fuzzCommand(args);
      case 'state-root': return await stateRootCommand(args);
      case 'demo': return await demoCommand(args);
      case 'help':
        process.stdout.write(readFileSync(new URL('./cli-help.txt', import.meta.url), 'utf8'));
        return 0;
      default:
        process.stderr.write(`tos-conformance: unknown subcommand ${subcommand} (try: run, help)\n`);
        return 2;
    }
  } catch (error) {
    process.stderr.write(`tos-conformance: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
