/**
 * Running properties with a budget: seed and path on failure, the shrunk counterexample
 * written as a replayable vector, and a count of runs for progress displays.
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

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DisagreementError, type PropertyInfo } from './properties.ts';
import { makeVector, type Vector } from './vectors/format.ts';

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

/** How to run one property. */
export interface RunOptions {
  /** Number of generated cases. */
  readonly numRuns: number;
  /** Seed; random when omitted. */
  readonly seed?: number;
  /** Replay path from an earlier failure (with its seed); {@link checkProperty} throws {@link ReplayPathError} when it does not lead to a failing case. */
  readonly path?: string;
  /** Called after each run, with the number of runs so far. */
  readonly onRun?: (runs: number) => void;
  /** Where to write the failing vector; nothing is written when omitted. */
  readonly failuresDirectory?: string;
  /** Shrink a failure to a minimal counterexample (default true). */
  readonly shrink?: boolean;
}

/** The outcome of running one property. */
export interface PropertyReport {
  /** The property. */
  readonly property: PropertyInfo;
  /** Runs executed (shrinking runs excluded). */
  readonly runs: number;
  /** 0 or 1: a property stops at its first failure. */
  readonly failures: number;
  /** Wall-clock seconds, shrinking included. */
  readonly seconds: number;
  /** On failure: seconds until the first failing run (before shrinking). */
  readonly secondsToFailure?: number;
  /** The seed used. */
  readonly seed: number;
  /** On failure: the path that replays the shrunk counterexample. */
  readonly path?: string;
  /** On failure: what went wrong. */
  readonly error?: string;
  /** On failure: the file the counterexample was written to. */
  readonly vectorFile?: string;
}

/**
 * The shrunk counterexample of a disagreement as a regression vector.
 *
 * @param property - the property that failed
 * @param error - the disagreement
 * @returns the vector (expected outcome from the spec)
 * @example
 * const vector = failureVector(AGREEMENT, error);
 */
export function failureVector(property: PropertyInfo, error: DisagreementError): Vector {
  const draft = makeVector({
    id: 'draft',
    description: '',
    rules: property.rules as Vector['rules'],
    tags: ['regression', property.name],
    source: 'regression',
    context: error.block.context,
    preState: error.block.state,
    transactions: error.block.transactions,
  });
  return makeVector({
    id: `regression-${property.name}-${draft._info.hash.slice(0, 12)}`,
    description: `Shrunk counterexample of the ${property.name} property: ${error.executor} disagreed with the spec (${error.detail}).`,
    rules: property.rules as Vector['rules'],
    tags: ['regression', property.name],
    source: 'regression',
    context: error.block.context,
    preState: error.block.state,
    transactions: error.block.transactions,
  });
}

/**
 * Run a property with a budget.
 *
 * @param property - what it checks
 * @param check - the fast-check property
 * @param options - budget, seed, progress and failure output
 * @returns the report (never throws for a failing property)
 * @throws ReplayPathError when `options.path` is malformed, leads nowhere, or leads to a case that does not fail
 * @example
 * const report = await checkProperty(AGREEMENT, agreementProperty([executor]), { numRuns: 100 });
 */
export async function checkProperty<Ts extends unknown[]>(
  property: PropertyInfo,
  check: fc.IAsyncPropertyWithHooks<Ts>,
  options: RunOptions,
): Promise<PropertyReport> {
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  let runs = 0;
  const finishedAt: number[] = [];
  // Progress only: after a failure, shrinking runs count here too (the report uses fast-check's count).
  const counted = check.afterEach(() => {
    runs++;
    finishedAt.push(performance.now());
    options.onRun?.(Math.min(runs, options.numRuns));
  });
  const path = options.path;
  let checked: fc.IAsyncPropertyWithHooks<Ts> = counted;
  // A replay: the first case run is the one the path leads to; it must fail.
  const replay: { state: 'pending' | 'reproduced' | 'passed' } = { state: 'pending' };
  if (path !== undefined) {
    const problem = replayPathProblem(path);
    if (problem !== undefined) throw new ReplayPathError(property.name, seed, path, problem);
    const guarded = Object.create(counted) as fc.IAsyncPropertyWithHooks<Ts>;
    guarded.run = async (value: Ts) => {
      const outcome = await counted.run(value);
      if (replay.state !== 'pending') return outcome;
      if (outcome !== null && !fc.PreconditionFailure.isFailure(outcome)) {
        replay.state = 'reproduced';
        return outcome;
      }
      replay.state = 'passed';
      return new fc.PreconditionFailure(true); // interrupts the run: no endless walk over the other candidates
    };
    checked = guarded;
  }
  const started = performance.now();
  let details: fc.RunDetails<Ts>;
  try {
    details = await fc.check(checked, {
      numRuns: options.numRuns,
      seed,
      ...(path === undefined ? {} : { path }),
      endOnFailure: options.shrink === false,
    });
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
  const seconds = (performance.now() - started) / 1000;
  if (!details.failed) return { property, runs, failures: 0, seconds, seed };
  const errorInstance = details.errorInstance;
  const error = errorInstance instanceof Error ? errorInstance.message : String(errorInstance);
  let vectorFile: string | undefined;
  if (errorInstance instanceof DisagreementError && options.failuresDirectory) {
    const vector = failureVector(property, errorInstance);
    mkdirSync(options.failuresDirectory, { recursive: true });
    vectorFile = join(options.failuresDirectory, `${vector.id}.json`);
    writeFileSync(vectorFile, JSON.stringify(vector, null, 2) + '\n');
  }
  return {
    property,
    runs: details.numRuns,
    failures: 1,
    seconds,
    secondsToFailure: ((finishedAt[details.numRuns - 1] ?? performance.now()) - started) / 1000,
    seed: details.seed,
    path: details.counterexamplePath ?? '',
    error,
    ...(vectorFile === undefined ? {} : { vectorFile }),
  };
}
