/**
 * Account universes: which pool keys take part in a block, which of them are *hot*
 * (receive most transfers, so transactions conflict), which are fresh (no account yet;
 * a credit creates them, R29) and who mines.
 *
 * @module conformance/arbitraries/universe
 */

import * as fc from 'fast-check';
import type { PublicKey, State } from '../../spec/index.ts';
import type { TestKey } from '../../spec/test-keys.ts';
import { KEY_POOL_SIZE, keyPool, MINER_KEY } from './keys.ts';

/** Most members a universe may have (the pool keeps the rest as fresh keys). */
export const MAX_UNIVERSE_SIZE = 50;

/** How many fresh keys (pool keys outside the members) a universe carries. */
export const FRESH_KEY_COUNT = 4;

/** Options of {@link universeArbitrary}. */
export interface UniverseConstraints {
  /** Fewest members (default 2, at least 2). */
  readonly minAccounts?: number;
  /** Most members (default 50, at most {@link MAX_UNIVERSE_SIZE}). Sizes are biased towards small universes. */
  readonly maxAccounts?: number;
  /** Fewest hot accounts (default 1, at least 1, capped by the member count). */
  readonly minHotAccounts?: number;
  /** Most hot accounts (default 3). */
  readonly maxHotAccounts?: number;
}

/** The accounts a generated block is about. */
export interface Universe {
  /** The member keys, from {@link keyPool}, in a generated order. */
  readonly members: readonly TestKey[];
  /** The hot accounts: the first members; most transfers go to them. */
  readonly hot: readonly PublicKey[];
  /** Pool keys outside the members: destinations that create accounts, senders that do not exist. */
  readonly fresh: readonly TestKey[];
  /** The miner's public key ({@link MINER_KEY} unless chosen otherwise). */
  readonly miner: PublicKey;
}

/** Resolved universe constraints. */
interface UniverseBounds {
  readonly minAccounts: number;
  readonly maxAccounts: number;
  readonly minHot: number;
  readonly maxHot: number;
}

function resolveBounds(c: UniverseConstraints): UniverseBounds {
  const maxAccounts = Math.min(MAX_UNIVERSE_SIZE, Math.max(2, c.maxAccounts ?? MAX_UNIVERSE_SIZE));
  const minAccounts = Math.min(maxAccounts, Math.max(2, c.minAccounts ?? 2));
  const minHot = Math.max(1, c.minHotAccounts ?? 1);
  const maxHot = Math.max(minHot, c.maxHotAccounts ?? Math.max(minHot, 3));
  return { minAccounts, maxAccounts, minHot, maxHot };
}

/** Sizes biased towards small universes (more conflicts), still reaching the maximum. */
function sizeArbitrary(min: number, max: number): fc.Arbitrary<number> {
  const small = Math.min(max, Math.max(min, 8));
  const medium = Math.min(max, Math.max(small, 20));
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min, max: small }) },
    { weight: 3, arbitrary: fc.integer({ min: Math.min(small, medium), max: medium }) },
    { weight: 1, arbitrary: fc.integer({ min: Math.min(medium, max), max }) },
  );
}

/**
 * Build a universe from member pool indices.
 *
 * @param indices - distinct indices into {@link keyPool}
 * @param hotCount - how many of the first members are hot
 * @returns the universe (fresh keys are the next unused pool keys after the last member)
 * @example
 * createUniverse([0, 1, 2], 1).hot // [keyPool[0].publicKey]
 */
export function createUniverse(indices: readonly number[], hotCount: number): Universe {
  const members = indices.map((index) => keyPool[index]!);
  const used = new Set(indices);
  const start = (indices.at(-1) ?? 0) + 1;
  const fresh: TestKey[] = [];
  for (let step = 0; step < KEY_POOL_SIZE && fresh.length < FRESH_KEY_COUNT; step++) {
    const index = (start + step) % KEY_POOL_SIZE;
    if (!used.has(index)) fresh.push(keyPool[index]!);
  }
  const hot = members.slice(0, Math.max(1, Math.min(hotCount, members.length))).map((key) => key.publicKey);
  return { members, hot, fresh, miner: MINER_KEY.publicKey };
}

/**
 * Account universes: 2 to 50 members from the deterministic {@link keyPool} (an offset
 * and an odd stride through the pool, so members are distinct), a tunable hot set (the
 * first members), {@link FRESH_KEY_COUNT} fresh keys and the miner.
 *
 * @param c - sizes of the universe and of its hot set
 * @returns the arbitrary
 * @example
 * fc.sample(universeArbitrary({ maxAccounts: 5, maxHotAccounts: 1 }), 1)[0]!.members.length // 2..5
 */
export function universeArbitrary(c: UniverseConstraints = {}): fc.Arbitrary<Universe> {
  const bounds = resolveBounds(c);
  return fc
    .record({
      size: sizeArbitrary(bounds.minAccounts, bounds.maxAccounts),
      offset: fc.nat(KEY_POOL_SIZE - 1),
      stride: fc.constantFrom(1, 1, 1, 3, 5, 7, 11, 13),
      hot: fc.integer({ min: bounds.minHot, max: bounds.maxHot }),
    })
    .map(({ size, offset, stride, hot }) => {
      const indices = Array.from({ length: size }, (_, index) => (offset + index * stride) % KEY_POOL_SIZE);
      return createUniverse(indices, hot);
    });
}

/**
 * The universe of an existing state, for generating a next block from it: the pool keys
 * that have an account (in pool order, at most {@link MAX_UNIVERSE_SIZE}), the first
 * `hotSetSize` of them hot, fresh keys among the pool keys without an account.
 *
 * @param state - the state
 * @param miner - the miner's public key
 * @param hotSetSize - how many members are hot (default 2)
 * @returns the universe
 * @example
 * universeFromState(result.state, context.miner).members.length
 */
export function universeFromState(state: State, miner: PublicKey, hotSetSize = 2): Universe {
  const members = keyPool.filter((key) => state.accounts.has(key.publicKey)).slice(0, MAX_UNIVERSE_SIZE);
  const padded = members.length >= 2 ? members : [...members, ...keyPool.filter((key) => !members.includes(key))].slice(0, 2);
  const inMembers = new Set(padded.map((key) => key.publicKey));
  const fresh = keyPool.filter((key) => !inMembers.has(key.publicKey) && !state.accounts.has(key.publicKey)).slice(0, FRESH_KEY_COUNT);
  const hot = padded.slice(0, Math.max(1, Math.min(hotSetSize, padded.length))).map((key) => key.publicKey);
  return { members: padded, hot, fresh, miner };
}
