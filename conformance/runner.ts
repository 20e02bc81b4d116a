/**
 * Running properties with a budget: a failure reported the moment it is found (seed,
 * path, first difference), then shrunk within a time budget and written as a replayable
 * vector (with a `replay.sh` beside it), and a count of generated runs for progress
 * displays.
 *
 * fast-check runs with `endOnFailure`: it stops at the first failing case and never
 * shrinks by itself. A {@link DisagreementError} is then shrunk directly
 * ({@link shrinkBlock}, given a `recheck`): the printed path replays the original failing
 * case, and the replay shrinks it again, deterministically, to the same vector. Any other
 * failure (or a disagreement without a `recheck`) is shrunk by fast-check, by replaying
 * the failing case with shrinking on and a time limit; its printed path then replays the
 * shrunk case.
 *
 * A replay (a seed and a path) always ends. fast-check replays a path by generating the
 * case at the path's first index, walking the shrink tree one index per segment, and then
 * running every remaining candidate of the last shrink stream with no run limit (with a
 * `:` in the path it ignores `numRuns`): after a path that does not lead to a failing case,
 * that is an endless run over the siblings of a large value's shrink tree. So a replay
 * here checks the path first (whole numbers, a bounded walk), and the first case it leads
 * to must fail: otherwise the run is interrupted at once and {@link checkProperty} throws a
 * {@link ReplayPathError}.
 *
 * @module runner
 */

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DisagreementError, type ExecutedBlock, type PropertyInfo } from './properties.ts';
import { DEFAULT_SHRINK_SECONDS, shrinkBlock, type Recheck, type ShrinkProgress, type ShrinkStats } from './shrink.ts';
import { makeVector, type Vector } from './vectors/format.ts';

export { adapterRecheck, DEFAULT_SHRINK_SECONDS, shrinkBlock } from './shrink.ts';
export type { Recheck, ShrinkOptions, ShrinkProgress, ShrinkResult, ShrinkStats, ShrinkStep } from './shrink.ts';

/**
 * The largest walk a replay path may ask for: the sum of its segments plus their number,
 * the generated cases and shrink candidates fast-check goes through to reach the case.
 * A failure's path walks far fewer (every candidate it skips was run during the search;
 * a shrunk agreement failure measured 741); producing one shrink candidate of a generated
 * block costs about 25 ms, so this bounds the walk of any path to a few minutes.
 */
export const MAX_REPLAY_WALK = 10_000;

/** A replay path that does not replay a failure of the property with the seed. */
export class ReplayPathError extends Error {
  /**
   * @param property - the property's name
   * @param seed - the seed of the replay
   * @param path - the path as given
   * @param reason - why it does not replay a failure
   */
  constructor(
    readonly property: string,
    readonly seed: number,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot replay ${property} with seed ${seed} and path "${path}": ${reason}`);
    this.name = 'ReplayPathError';
  }
}

/**
 * Check a replay path's form: segments of whole numbers separated by `:`, whose walk (the
 * number of cases and shrink candidates it goes through) is at most
 * {@link MAX_REPLAY_WALK}.
 *
 * @param path - the path, as printed after a failure (e.g. `"12:0:3"`)
 * @returns what is wrong with it, or `undefined` when it may be walked
 * @example
 * replayPathProblem('12:0:3') // undefined
 * replayPathProblem('1:x') // 'a path is whole numbers separated by ":"'
 */
export function replayPathProblem(path: string): string | undefined {
  if (!/^[0-9]+(:[0-9]+)*$/.test(path)) return 'a path is whole numbers separated by ":"';
  const segments = path.split(':');
  // Each segment drops that many candidates and takes one more.
  const walk = segments.reduce((sum, segment) => sum + Number(segment), 0) + segments.length;
  if (!(walk <= MAX_REPLAY_WALK)) return `the path walks ${walk} cases and shrink candidates, more than any failure's path (at most ${MAX_REPLAY_WALK})`;
  return undefined;
}

/**
 * A seed for a run that was given none: printed with the run's report, so the run can be
 * repeated with it.
 *
 * @returns a 32-bit signed integer
 * @example
 * const seed = options.seed ?? randomSeed();
 */
export function randomSeed(): number {
  return (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
}

/** How to run one property. */
export interface RunOptions {
  /** Number of generated cases. */
  readonly numRuns: number;
  /** Seed; random when omitted. */
  readonly seed?: number;
  /** Replay path from an earlier failure (with its seed); {@link checkProperty} throws {@link ReplayPathError} when it does not lead to a failing case. */
  readonly path?: string;
  /** Called after each generated run (skipped ones excluded, shrinking never counted), with the number of runs so far. */
  readonly onRun?: (runs: number) => void;
  /** Where to write the failing vector; nothing is written when omitted. */
  readonly failuresDirectory?: string;
  /** Shrink a failure to a smaller counterexample (default true); `false`: no shrinking at all, the failing case is written as it is. */
  readonly shrink?: boolean;
  /** Called the moment a run fails, before any shrinking. */
  readonly onFailure?: (early: EarlyFailure) => void;
  /**
   * How to tell whether a smaller block still fails ({@link Recheck}, e.g.
   * `agreementRecheck(executors)`): with it, a {@link DisagreementError} is shrunk by
   * {@link shrinkBlock}; without it, by fast-check.
   */
  readonly recheck?: Recheck;
  /** Time budget of shrinking in seconds (default {@link DEFAULT_SHRINK_SECONDS}; `Infinity` for none); when it runs out the smallest counterexample so far is written. */
  readonly shrinkSeconds?: number;
  /** Called when the counterexample got smaller while shrinking. */
  readonly onShrink?: (progress: ShrinkProgress) => void;
  /**
   * The content of a replay script for a written vector: with it, an executable
   * `<vector id>.replay.sh` is written next to `<vector id>.json`.
   *
   * @param vectorFile - the vector's path
   * @returns the script's text
   */
  readonly replayScript?: (vectorFile: string) => string;
}

/** A failure as soon as it is found, before shrinking. */
export interface EarlyFailure {
  /** The property. */
  readonly property: PropertyInfo;
  /** The seed. */
  readonly seed: number;
  /** The path that replays this failing case (with the seed). */
  readonly path: string;
  /** Generated runs so far, the failing one included. */
  readonly runs: number;
  /** What went wrong: the first difference. */
  readonly error: string;
  /** Seconds from the start until this run failed. */
  readonly secondsToFailure: number;
}

/** What shrinking did, in a {@link PropertyReport}. */
export interface PropertyShrink extends ShrinkStats {
  /** `block`: {@link shrinkBlock} with the `recheck`; `fast-check`: fast-check's own shrinking (then `rounds` is 0 and `steps` its shrinks). */
  readonly method: 'block' | 'fast-check';
  /** Whether the failing case failed again when shrinking started (if not, it was written unshrunk). */
  readonly reproduced: boolean;
}

/** The outcome of running one property. */
export interface PropertyReport {
  /** The property. */
  readonly property: PropertyInfo;
  /** Generated runs that reached a verdict (skipped ones and shrinking excluded). */
  readonly runs: number;
  /** 0 or 1: a property stops at its first failure. */
  readonly failures: number;
  /** Wall-clock seconds, shrinking included. */
  readonly seconds: number;
  /** On failure: seconds until the first failing run (before shrinking). */
  readonly secondsToFailure?: number;
  /** The seed used. */
  readonly seed: number;
  /**
   * On failure: the path that replays it with the seed. After block shrinking (or none)
   * it is the original failing case's (`firstFailure.path`), which the replay shrinks
   * again to the same vector; after fast-check's shrinking, the shrunk case's.
   */
  readonly path?: string;
  /** On failure: what went wrong, for the counterexample written (the shrunk one's detail). */
  readonly error?: string;
  /** On failure: the failure as first found, before shrinking. */
  readonly firstFailure?: EarlyFailure;
  /** On failure of a block, when it was shrunk: what shrinking did. */
  readonly shrink?: PropertyShrink;
  /** On failure: the file the counterexample was written to. */
  readonly vectorFile?: string;
  /** On failure: the replay script written next to the vector. */
  readonly replayScriptFile?: string;
}

function regressionVector(property: PropertyInfo, block: ExecutedBlock, description: string): Vector {
  const input = {
    description: '',
    rules: property.rules as Vector['rules'],
    tags: ['regression', property.name],
    source: 'regression' as const,
    context: block.context,
    preState: block.state,
    transactions: block.transactions,
  };
  const draft = makeVector({ ...input, id: 'draft' });
  return makeVector({ ...input, id: `regression-${property.name}-${draft._info.hash.slice(0, 12)}`, description });
}

/**
 * The counterexample of a disagreement as a regression vector.
 *
 * @param property - the property that failed
 * @param error - the disagreement
 * @returns the vector (expected outcome from the spec); its id is derived from the block, so the same block gives the same vector
 * @example
 * const vector = failureVector(AGREEMENT, error);
 */
export function failureVector(property: PropertyInfo, error: DisagreementError): Vector {
  return regressionVector(property, error.block, `Shrunk counterexample of the ${property.name} property: ${error.executor} disagreed with the spec (${error.detail}).`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A property whose runs go through `observe` (outcome in, outcome out). */
function observed<Ts extends unknown[]>(check: fc.IAsyncPropertyWithHooks<Ts>, observe: (outcome: fc.PreconditionFailure | fc.PropertyFailure | null) => fc.PreconditionFailure | fc.PropertyFailure | null): fc.IAsyncPropertyWithHooks<Ts> {
  const wrapped = Object.create(check) as fc.IAsyncPropertyWithHooks<Ts>;
  wrapped.run = async (value: Ts) => observe(await check.run(value));
  return wrapped;
}

function isFailure(outcome: fc.PreconditionFailure | fc.PropertyFailure | null): outcome is fc.PropertyFailure {
  return outcome !== null && !fc.PreconditionFailure.isFailure(outcome);
}

/** What the shrinking phase leaves to report. */
interface Shrunk {
  /** The block to write, when the failure is about one. */
  readonly block?: ExecutedBlock;
  /** The vector's description. */
  readonly description?: string;
  readonly error: string;
  readonly path: string;
  readonly shrink?: PropertyShrink;
}

function blockOf(error: unknown): ExecutedBlock | undefined {
  return error instanceof DisagreementError ? error.block : undefined;
}

/** Block shrinking with the recheck. */
async function shrinkWithRecheck(property: PropertyInfo, error: DisagreementError, early: EarlyFailure, recheck: Recheck, options: RunOptions): Promise<Shrunk> {
  const result = await shrinkBlock(error.block, recheck, {
    budgetSeconds: options.shrinkSeconds ?? DEFAULT_SHRINK_SECONDS,
    ...(options.onShrink === undefined ? {} : { onProgress: options.onShrink }),
  });
  const shrink: PropertyShrink = { ...result.stats, method: 'block', reproduced: result.reproduced };
  if (!result.reproduced || result.detail === undefined) {
    return { block: error.block, description: `Counterexample of the ${property.name} property (it did not fail again when rechecked, so it was not shrunk): ${early.error}.`, error: early.error, path: early.path, shrink };
  }
  const { transactionsBefore, transactionsAfter } = result.stats;
  return {
    block: result.block,
    description: `Shrunk counterexample of the ${property.name} property (${transactionsAfter} of ${transactionsBefore} transactions kept${result.stats.budgetExhausted ? ', shrinking budget exhausted' : ''}): ${result.detail}.`,
    error: result.detail,
    path: early.path,
    shrink,
  };
}

/** fast-check's own shrinking, from the failing case's path, within the time budget. */
async function shrinkWithFastCheck<Ts extends unknown[]>(property: PropertyInfo, check: fc.IAsyncPropertyWithHooks<Ts>, first: unknown, early: EarlyFailure, options: RunOptions): Promise<Shrunk> {
  const started = performance.now();
  const firstBlock = blockOf(first);
  const replay: { state: 'pending' | 'reproduced' | 'passed' } = { state: 'pending' };
  let candidates = 0;
  let smallest = { transactions: firstBlock?.transactions.length ?? 0, accounts: firstBlock?.state.accounts.size ?? 0 };
  const shrinking = observed(check, (outcome) => {
    candidates++;
    if (replay.state === 'pending') {
      replay.state = isFailure(outcome) ? 'reproduced' : 'passed';
      if (replay.state === 'passed') return new fc.PreconditionFailure(true); // not reproducible: stop, write the case as found
    } else if (isFailure(outcome)) {
      // Progress when the counterexample lost a transaction or an account, as shrinkBlock reports it.
      const block = blockOf(outcome.error);
      if (block !== undefined && (block.transactions.length < smallest.transactions || block.state.accounts.size < smallest.accounts)) {
        smallest = { transactions: Math.min(smallest.transactions, block.transactions.length), accounts: Math.min(smallest.accounts, block.state.accounts.size) };
        options.onShrink?.({ step: 'fast-check', candidatesTried: candidates, transactions: block.transactions.length, accounts: block.state.accounts.size, seconds: (performance.now() - started) / 1000 });
      }
    }
    return outcome;
  });
  const budget = options.shrinkSeconds ?? DEFAULT_SHRINK_SECONDS;
  const details = await fc.check(shrinking, {
    numRuns: options.numRuns,
    seed: early.seed,
    path: early.path,
    endOnFailure: false,
    ...(Number.isFinite(budget) ? { interruptAfterTimeLimit: Math.max(0, budget) * 1000 } : {}),
  });
  const reproduced = replay.state === 'reproduced';
  const last = details.failed && reproduced ? details.errorInstance : first;
  const block = blockOf(last);
  const shrink: PropertyShrink | undefined =
    firstBlock === undefined || block === undefined
      ? undefined
      : {
          method: 'fast-check',
          reproduced,
          steps: details.numShrinks,
          rounds: 0,
          candidatesTried: candidates,
          seconds: (performance.now() - started) / 1000,
          transactionsBefore: firstBlock.transactions.length,
          transactionsAfter: block.transactions.length,
          accountsBefore: firstBlock.state.accounts.size,
          accountsAfter: block.state.accounts.size,
          budgetExhausted: details.interrupted,
        };
  return {
    ...(block === undefined || !(last instanceof DisagreementError) ? {} : { block, description: `Shrunk counterexample of the ${property.name} property: ${last.executor} disagreed with the spec (${last.detail}).` }),
    error: messageOf(last),
    path: reproduced ? (details.counterexamplePath ?? early.path) : early.path,
    ...(shrink === undefined ? {} : { shrink }),
  };
}

/** Write the vector and, when asked for, its replay script. */
function writeCounterexample(property: PropertyInfo, block: ExecutedBlock, description: string, options: RunOptions): { vectorFile?: string; replayScriptFile?: string } {
  if (!options.failuresDirectory) return {};
  const vector = regressionVector(property, block, description);
  mkdirSync(options.failuresDirectory, { recursive: true });
  const vectorFile = join(options.failuresDirectory, `${vector.id}.json`);
  writeFileSync(vectorFile, JSON.stringify(vector, null, 2) + '\n');
  if (options.replayScript === undefined) return { vectorFile };
  const replayScriptFile = join(options.failuresDirectory, `${vector.id}.replay.sh`);
  const text = options.replayScript(vectorFile);
  writeFileSync(replayScriptFile, text.endsWith('\n') ? text : `${text}\n`);
  chmodSync(replayScriptFile, 0o755);
  return { vectorFile, replayScriptFile };
}

/**
 * Run a property with a budget. The first failing run ends the search: `onFailure` is
 * called at once, then the failure is shrunk (see the module's description) within
 * `shrinkSeconds`, and the counterexample written to `failuresDirectory` as a vector
 * (and a replay script, with `replayScript`).
 *
 * @param property - what it checks
 * @param check - the fast-check property
 * @param options - budget, seed, progress, shrinking and failure output
 * @returns the report (never throws for a failing property)
 * @throws ReplayPathError when `options.path` is malformed, leads nowhere, or leads to a case that does not fail
 * @example
 * const report = await checkProperty(AGREEMENT, agreementProperty([executor]), { numRuns: 100, recheck: agreementRecheck([executor]) });
 */
export async function checkProperty<Ts extends unknown[]>(
  property: PropertyInfo,
  check: fc.IAsyncPropertyWithHooks<Ts>,
  options: RunOptions,
): Promise<PropertyReport> {
  const seed = options.seed ?? randomSeed();
  const path = options.path;
  if (path !== undefined) {
    const problem = replayPathProblem(path);
    if (problem !== undefined) throw new ReplayPathError(property.name, seed, path, problem);
  }
  let runs = 0;
  let failedAt: number | undefined;
  // A replay: the first case run is the one the path leads to; it must fail.
  const replay: { state: 'pending' | 'reproduced' | 'passed' } = { state: path === undefined ? 'reproduced' : 'pending' };
  const searching = observed(check, (outcome) => {
    if (replay.state === 'pending') {
      replay.state = isFailure(outcome) ? 'reproduced' : 'passed';
      if (replay.state === 'passed') return new fc.PreconditionFailure(true); // interrupts the run: no endless walk over the other candidates
    }
    if (outcome !== null && !isFailure(outcome)) return outcome; // skipped
    runs++;
    if (outcome !== null) failedAt = performance.now();
    options.onRun?.(Math.min(runs, options.numRuns));
    return outcome;
  });
  const started = performance.now();
  let details: fc.RunDetails<Ts>;
  try {
    details = await fc.check(searching, { numRuns: options.numRuns, seed, ...(path === undefined ? {} : { path }), endOnFailure: true });
  } catch (error) {
    if (path !== undefined && error instanceof Error && error.message.startsWith('Unable to replay')) {
      throw new ReplayPathError(property.name, seed, path, 'the path leads past the end of a shrink stream: it does not come from a failure of this property with this seed');
    }
    throw error;
  }
  if (path !== undefined && replay.state !== 'reproduced') {
    throw new ReplayPathError(
      property.name,
      seed,
      path,
      replay.state === 'pending'
        ? 'the path leads past the end of a shrink stream: it does not come from a failure of this property with this seed'
        : 'the case it leads to passes: this path does not come from a failure of this property with this seed (or that failure is fixed)',
    );
  }
  if (!details.failed) return { property, runs, failures: 0, seconds: (performance.now() - started) / 1000, seed };

  const first = details.errorInstance;
  const secondsToFailure = ((failedAt ?? performance.now()) - started) / 1000;
  const early: EarlyFailure = { property, seed: details.seed, path: details.counterexamplePath ?? path ?? '', runs, error: messageOf(first), secondsToFailure };
  options.onFailure?.(early);

  let shrunk: Shrunk;
  if (options.shrink === false) {
    shrunk = {
      ...(first instanceof DisagreementError ? { block: first.block, description: `Counterexample of the ${property.name} property (not shrunk): ${first.executor} disagreed with the spec (${first.detail}).` } : {}),
      error: early.error,
      path: early.path,
    };
  } else if (first instanceof DisagreementError && options.recheck !== undefined) {
    try {
      shrunk = await shrinkWithRecheck(property, first, early, options.recheck, options);
    } catch (error) {
      // The failure stands; only its shrinking broke (e.g. the recheck threw): write it as found.
      shrunk = { block: first.block, description: `Counterexample of the ${property.name} property (shrinking failed: ${messageOf(error)}): ${early.error}.`, error: `${early.error} (shrinking failed: ${messageOf(error)})`, path: early.path };
    }
  } else {
    shrunk = await shrinkWithFastCheck(property, check, first, early, options);
  }
  const written = shrunk.block === undefined || shrunk.description === undefined ? {} : writeCounterexample(property, shrunk.block, shrunk.description, options);
  return {
    property,
    runs,
    failures: 1,
    seconds: (performance.now() - started) / 1000,
    secondsToFailure,
    seed: details.seed,
    path: shrunk.path,
    error: shrunk.error,
    firstFailure: early,
    ...(shrunk.shrink === undefined ? {} : { shrink: shrunk.shrink }),
    ...written,
  };
}

/**
 * {@link checkProperty} for a property whose seed derives from a run's seed (the main job
 * and `fuzz` give each property `runSeed + its place in the plan`): a
 * {@link ReplayPathError} names the run's seed, the one the user typed and the replay
 * command prints.
 *
 * @param property - what it checks
 * @param check - the fast-check property
 * @param runSeed - the run's seed
 * @param options - as for {@link checkProperty}, with the property's derived seed
 * @returns the report
 * @throws ReplayPathError naming the run's seed when `options.path` does not replay a failure
 */
export async function checkPropertyWithRunSeed<Ts extends unknown[]>(
  property: PropertyInfo,
  check: fc.IAsyncPropertyWithHooks<Ts>,
  runSeed: number,
  options: RunOptions,
): Promise<PropertyReport> {
  try {
    return await checkProperty(property, check, options);
  } catch (error) {
    if (error instanceof ReplayPathError) throw new ReplayPathError(error.property, runSeed, error.path, error.reason);
    throw error;
  }
}
