/**
 * Access sets and the two schedulers (docs/architecture.md, step 2).
 *
 * A transaction's access set is every piece of state it may read or write: its source,
 * its destinations and, for a TOS burn, the burned supply. (The pre-block state that
 * `deferred-credits` consults never changes during a block, and the asset registry is
 * read-only here, so neither creates conflicts.) Two transactions conflict when their
 * access sets intersect; every access is a read-modify-write.
 *
 * - `dag`: a transaction waits only for the earlier transactions it conflicts with. Its
 *   level is one more than the highest level among them; each level is a set of pairwise
 *   independent transactions.
 * - `tos-batches`: the TOS V3 design's greedy contiguous batching, kept for comparison:
 *   walk the block in order and close the batch at the first transaction that conflicts
 *   with any transaction already in it.
 *
 * @module schedule
 */

import { TOS_ASSET, type DecodedFields } from '../spec/index.ts';

/** The scheduler names. */
export type SchedulerName = 'dag' | 'tos-batches';

/** Access-set key standing for the burned supply. */
export const BURNED_SUPPLY_KEY = 'burned-supply';

/**
 * The access set of a transaction.
 *
 * @param decoded - the decoded transaction, or `null` when it did not decode (no access)
 * @returns the keys it may read or write
 * @example
 * getAccessSet(decoded) // ['<source>', '<destination>']
 */
export function getAccessSet(decoded: DecodedFields | null): readonly string[] {
  if (decoded === null) return [];
  const { source, payload } = decoded.transaction;
  const keys = new Set<string>([source]);
  if (payload.kind === 'transfers') {
    for (const transfer of payload.transfers) keys.add(transfer.destination);
  } else if (payload.kind === 'burn' && payload.asset === TOS_ASSET) {
    keys.add(BURNED_SUPPLY_KEY);
  }
  return [...keys];
}

/**
 * Group transactions into levels of the dependency DAG (`dag` scheduler).
 *
 * @param accessSets - one access set per transaction, in block order
 * @returns the levels in order; each lists transaction indices in block order
 * @example
 * scheduleDag([['a'], ['b'], ['a', 'b']]) // [[0, 1], [2]]
 */
export function scheduleDag(accessSets: readonly (readonly string[])[]): number[][] {
  const lastLevel = new Map<string, number>();
  const levels: number[][] = [];
  accessSets.forEach((keys, index) => {
    let level = 0;
    for (const key of keys) {
      const previous = lastLevel.get(key);
      if (previous !== undefined && previous + 1 > level) level = previous + 1;
    }
    for (const key of keys) lastLevel.set(key, level);
    (levels[level] ??= []).push(index);
  });
  return levels;
}

/**
 * Greedy contiguous batches (`tos-batches` scheduler, the TOS V3 design).
 *
 * @param accessSets - one access set per transaction, in block order
 * @returns the batches in order, each a contiguous run of indices
 * @example
 * scheduleTosBatches([['a'], ['b'], ['a'], ['c']]) // [[0, 1], [2, 3]]
 */
export function scheduleTosBatches(accessSets: readonly (readonly string[])[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let keysInBatch = new Set<string>();
  accessSets.forEach((keys, index) => {
    if (keys.some((key) => keysInBatch.has(key))) {
      batches.push(current);
      current = [];
      keysInBatch = new Set();
    }
    current.push(index);
    for (const key of keys) keysInBatch.add(key);
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The parallelism a dependency DAG offers. */
export interface Parallelism {
  /** Sum of the weights of all transactions. */
  readonly totalWork: number;
  /** The heaviest chain of dependent transactions. */
  readonly criticalPath: number;
  /** `totalWork / criticalPath`: the speed-up with unlimited cores. */
  readonly available: number;
}

/**
 * Total work over critical path of the DAG, with a weight per transaction.
 *
 * @param accessSets - one access set per transaction, in block order
 * @param weights - the cost of each transaction (e.g. its number of signatures)
 * @returns total work, critical path and their ratio
 * @example
 * computeParallelism([['a'], ['a']], [1, 1]) // { totalWork: 2, criticalPath: 2, available: 1 }
 */
export function computeParallelism(accessSets: readonly (readonly string[])[], weights: readonly number[]): Parallelism {
  const finish = new Map<string, number>();
  let totalWork = 0;
  let criticalPath = 0;
  accessSets.forEach((keys, index) => {
    const weight = weights[index] ?? 1;
    let start = 0;
    for (const key of keys) start = Math.max(start, finish.get(key) ?? 0);
    const end = start + weight;
    for (const key of keys) finish.set(key, end);
    totalWork += weight;
    criticalPath = Math.max(criticalPath, end);
  });
  return { totalWork, criticalPath, available: criticalPath === 0 ? 1 : totalWork / criticalPath };
}
