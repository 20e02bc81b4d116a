/**
 * Comparing an implementation's block result with the spec's, field by field, so a
 * failure names the first differing field and both values.
 *
 * @module compare
 */

import type { BlockResult } from '../spec/index.ts';
import { resultToJson, type ExpectedJson } from './vectors/format.ts';

/** The first difference between two results. */
export interface Difference {
  /** JSON path of the field, e.g. `receipts[3].error` or `postState.accounts[1].balances[0].amount`. */
  readonly path: string;
  /** The spec's value (JSON text). */
  readonly expected: string;
  /** The implementation's value (JSON text). */
  readonly actual: string;
}

function firstDifference(expected: unknown, actual: unknown, path: string): Difference | undefined {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let index = 0; index < Math.max(expected.length, actual.length); index++) {
      if (index >= expected.length || index >= actual.length) {
        return { path: `${path}.length`, expected: String(expected.length), actual: String(actual.length) };
      }
      const difference = firstDifference(expected[index], actual[index], `${path}[${index}]`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    for (const key of keys) {
      const difference = firstDifference((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (difference) return difference;
    }
    return undefined;
  }
  return JSON.stringify(expected) === JSON.stringify(actual)
    ? undefined
    : { path: path || '(root)', expected: JSON.stringify(expected) ?? 'undefined', actual: JSON.stringify(actual) ?? 'undefined' };
}

/**
 * Compare two expected-outcome JSON values: `ok`, then receipts (codes included), fee
 * total, state root, then the post-state.
 *
 * @param expected - the spec's outcome
 * @param actual - the implementation's outcome
 * @returns the first difference, or `undefined` when equal
 * @example
 * compareOutcomes(resultToJson(specResult), resultToJson(implResult))
 */
export function compareOutcomes(expected: ExpectedJson, actual: ExpectedJson): Difference | undefined {
  // Order the comparison so the most telling field is reported first.
  const order = (outcome: ExpectedJson): unknown =>
    outcome.ok
      ? { ok: true, receipts: outcome.receipts, feeTotal: outcome.feeTotal, stateRoot: outcome.stateRoot, postState: outcome.postState }
      : { ok: false, error: outcome.error };
  return firstDifference(order(expected), order(actual), '');
}

/**
 * Compare two block results (see {@link compareOutcomes}).
 *
 * @param expected - the spec's result
 * @param actual - the implementation's result
 * @returns the first difference, or `undefined` when equal
 * @example
 * const difference = compareResults(applyBlock(s, c, t), await executor.executeBlock(s, c, t));
 */
export function compareResults(expected: BlockResult, actual: BlockResult): Difference | undefined {
  return compareOutcomes(resultToJson(expected), resultToJson(actual));
}

/**
 * Describe a difference in one line.
 *
 * @param difference - the difference
 * @returns `path: expected X, got Y`
 * @example
 * formatDifference({ path: 'feeTotal', expected: '"10"', actual: '"0"' })
 */
export function formatDifference(difference: Difference): string {
  return `${difference.path}: expected ${difference.expected}, got ${difference.actual}`;
}
