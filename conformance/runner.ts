/**
 * Running properties with a budget: seed and path on failure, the shrunk counterexample
 * written as a replayable vector, and a count of runs for progress displays.
 *
 * @module runner
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DisagreementError, type PropertyInfo } from './properties.ts';
import { makeVector, type Vector } from './vectors/format.ts';

/** How to run one property. */
export interface RunOptions {
  /** Number of generated cases. */
  readonly numRuns: number;
  /** Seed; random when omitted. */
  readonly seed?: number;
  /** Replay path from an earlier failure (with its seed). */
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
  const started = performance.now();
  const details = await fc.check(counted, {
    numRuns: options.numRuns,
    seed,
    ...(options.path === undefined ? {} : { path: options.path }),
    endOnFailure: options.shrink === false,
  });
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
