/**
 * Pre-states over a universe (rules R1-R3): balances of 0, 1, ordinary amounts and
 * amounts at the u64 edge, absent records, registered and unregistered assets, existing
 * multisig configurations (some with a participant key that is not a point), nonces at
 * the u64 edge, a miner account that can make the block overflow (R32), and an account
 * under a key that is not a point (R26).
 *
 * @module conformance/arbitraries/pre-state
 */

import * as fc from 'fast-check';
import {
  createState,
  MAX_U64,
  TOS_ASSET,
  type AccountInit,
  type AssetId,
  type MultiSigConfig,
  type PublicKey,
  type State,
  type StateInit,
} from '../../spec/index.ts';
import { ASSET_X, IDLE_ASSETS, KEY_POOL_SIZE, MINER_KEY, keyPool, nameOfAsset, nameOfKey, NOT_A_POINT, U64_EDGE_THRESHOLD } from './keys.ts';
import { MAX_UNIVERSE_SIZE, universeArbitrary, type Universe, type UniverseConstraints } from './universe.ts';

/** Options of {@link preStateArbitrary}. Shares are probabilities in `[0, 1]`. */
export interface PreStateConstraints {
  /** The universe the pre-state is built over. */
  readonly universe?: UniverseConstraints;
  /** Share of members that have an account (default 0.9; the first two and the hot accounts always do). */
  readonly existingShare?: number;
  /** Share of balance records at the u64 edge, `>= 2^64 - 2^32` (default 0.06). */
  readonly u64EdgeShare?: number;
  /** Share of members with a multisig configuration (default 0.25; at least one member always has one). */
  readonly multisigShare?: number;
  /** Share of pre-states with an account under {@link NOT_A_POINT} (default 0.8). */
  readonly notAPointAccountShare?: number;
  /** The miner's public key (default {@link MINER_KEY}); its account is the one `blockOverflowShare` fills. */
  readonly miner?: PublicKey;
  /** Share of pre-states whose miner holds nearly 2^64 - 1 TOS, so accepted fees overflow it (default 0.04, R32). */
  readonly blockOverflowShare?: number;
}

/** A generated pre-state. */
export interface GeneratedPreState {
  /** The universe it is built over. */
  readonly universe: Universe;
  /** The plain description the state was created from. */
  readonly init: StateInit;
  /** The state. */
  readonly state: State;
  /** Whether the miner was given a balance that the block's fees overflow (R32). */
  readonly minerNearMax: boolean;
}

/** Probability as a weight out of 10 000. */
function per10k(share: number): number {
  return Math.round(Math.min(1, Math.max(0, share)) * 10_000);
}

/** A balance record: `null` is no record (R3). */
function balanceArbitrary(absentWeight: number, edgeShare: number): fc.Arbitrary<bigint | null> {
  const edge = per10k(edgeShare);
  const rest = 10_000 - edge;
  return fc.oneof(
    { weight: Math.round(rest * absentWeight), arbitrary: fc.constant(null) },
    { weight: Math.round(rest * 0.04), arbitrary: fc.constant(0n) },
    { weight: Math.round(rest * 0.03), arbitrary: fc.constant(1n) },
    { weight: Math.round(rest * (0.93 - absentWeight)), arbitrary: fc.bigInt({ min: 1_000_000n, max: 10n ** 13n }) },
    { weight: Math.round(edge * 0.8), arbitrary: fc.bigInt({ min: U64_EDGE_THRESHOLD, max: MAX_U64 }) },
    { weight: edge - Math.round(edge * 0.8), arbitrary: fc.constant<bigint>(MAX_U64) },
  );
}

interface AccountPlan {
  readonly existsRoll: number;
  readonly nonce: bigint;
  readonly tos: bigint | null;
  readonly x: bigint | null;
  readonly multisigRoll: number;
  readonly participants: readonly number[];
  readonly threshold: number;
  readonly notAPointParticipant: boolean;
}

function accountPlanArbitrary(edgeShare: number): fc.Arbitrary<AccountPlan> {
  return fc.record({
    existsRoll: fc.noBias(fc.nat(9_999)),
    nonce: fc.oneof(
      { weight: 40, arbitrary: fc.bigInt({ min: 0n, max: 5n }) },
      { weight: 3, arbitrary: fc.bigInt({ min: 6n, max: 1_000_000n }) },
      { weight: 1, arbitrary: fc.constantFrom<bigint>(MAX_U64, MAX_U64 - 1n) },
    ),
    tos: balanceArbitrary(0.05, edgeShare),
    x: balanceArbitrary(0.45, edgeShare),
    multisigRoll: fc.noBias(fc.nat(9_999)),
    participants: fc.uniqueArray(fc.nat(KEY_POOL_SIZE - 1), { minLength: 1, maxLength: 4 }),
    threshold: fc.nat(3),
    notAPointParticipant: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
}

/**
 * Describe a state compactly, for counterexamples.
 *
 * @param state - the state
 * @returns one line: accounts with nonces, balances and configurations, assets, burned supply
 * @example
 * describeState(state) // 'k0{n=0 TOS=5} k1{n=2 TOS=0 ms=1/[k4]} | assets TOS,X | burned 0'
 */
export function describeState(state: State): string {
  const accounts = [...state.accounts.keys()].sort().map((key) => {
    const account = state.accounts.get(key)!;
    const balances = [...account.balances.entries()].map(([asset, amount]) => `${nameOfAsset(asset)}=${amount}`).join(',');
    const multisig = account.multisig ? ` ms=${account.multisig.threshold}/[${account.multisig.participants.map(nameOfKey).join(',')}]` : '';
    return `${nameOfKey(key)}{n=${account.nonce} ${balances}${multisig}}`;
  });
  return `${accounts.join(' ')} | assets ${[...state.assets].map(nameOfAsset).sort().join(',')} | burned ${state.burnedSupply}`;
}

/**
 * Build a multisig configuration for an owner from pool picks.
 *
 * @param owner - the configured account
 * @param picks - pool indices of candidate participants
 * @param threshold - any natural number (reduced into `1..participants`)
 * @param notAPoint - add {@link NOT_A_POINT} as the last participant
 * @returns the configuration, or `null` when no participant remains
 */
function configurationOf(owner: PublicKey, picks: readonly number[], threshold: number, notAPoint: boolean): MultiSigConfig | null {
  const participants = [...new Set(picks.map((pick) => keyPool[pick]!.publicKey))].filter((participant) => participant !== owner);
  if (notAPoint) participants.push(NOT_A_POINT);
  if (participants.length === 0) return null;
  return { threshold: 1 + (threshold % participants.length), participants };
}

/**
 * Pre-states over a generated universe (R1-R3). Every member account gets a nonce
 * (0-5 mostly, sometimes 2^64 - 1), TOS and X balance records (absent, 0, 1, ordinary,
 * or at the u64 edge), and maybe a multisig configuration whose participants are pool
 * keys; X and the idle assets are registered in most states; the burned supply is 0,
 * ordinary or near 2^64 - 1.
 *
 * @param c - universe and shares
 * @returns the arbitrary
 * @example
 * fc.assert(fc.property(preStateArbitrary(), ({ state }) => state.accounts.size >= 2));
 */
export function preStateArbitrary(c: PreStateConstraints = {}): fc.Arbitrary<GeneratedPreState> {
  const existing = per10k(c.existingShare ?? 0.9);
  const multisig = per10k(c.multisigShare ?? 0.25);
  const edgeShare = c.u64EdgeShare ?? 0.06;
  const maxAccounts = Math.min(MAX_UNIVERSE_SIZE, Math.max(2, c.universe?.maxAccounts ?? MAX_UNIVERSE_SIZE));
  return fc
    .record({
      universe: universeArbitrary(c.universe),
      accounts: fc.array(accountPlanArbitrary(edgeShare), { minLength: maxAccounts, maxLength: maxAccounts }),
      registerX: fc.oneof({ weight: 19, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      idleAssets: fc.oneof({ weight: 9, arbitrary: fc.constant([...IDLE_ASSETS]) }, { weight: 1, arbitrary: fc.subarray([...IDLE_ASSETS]) }),
      burnedSupply: fc.oneof(
        { weight: 6, arbitrary: fc.constant(0n) },
        { weight: 3, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 15n }) },
        { weight: 1, arbitrary: fc.bigInt({ min: U64_EDGE_THRESHOLD, max: MAX_U64 }) },
      ),
      notAPointRoll: fc.noBias(fc.nat(9_999)),
      notAPointBalance: fc.bigInt({ min: 1_000_000n, max: 10n ** 12n }),
      minerRoll: fc.noBias(fc.nat(9_999)),
      minerBalance: fc.oneof(
        { weight: 3, arbitrary: fc.constant<bigint | null>(null) },
        { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 9n }) },
      ),
      minerGap: fc.bigInt({ min: 0n, max: 20_000n }),
    })
    .map((plan): GeneratedPreState => {
      const universe: Universe = c.miner === undefined ? plan.universe : { ...plan.universe, miner: c.miner };
      const hot = new Set(universe.hot);
      const inits: AccountInit[] = [];
      universe.members.forEach((key, index) => {
        const account = plan.accounts[index % plan.accounts.length]!;
        const exists = index < 2 || hot.has(key.publicKey) || account.existsRoll < existing;
        if (!exists) return;
        const balances: (readonly [AssetId, bigint])[] = [];
        if (account.tos !== null) balances.push([TOS_ASSET, account.tos]);
        if (account.x !== null) balances.push([ASSET_X, account.x]);
        const config = account.multisigRoll < multisig ? configurationOf(key.publicKey, account.participants, account.threshold, account.notAPointParticipant) : null;
        inits.push({ publicKey: key.publicKey, nonce: account.nonce, balances, multisig: config });
      });
      // At least one configured account: the last existing member when the rolls gave none.
      if (!inits.some((init) => init.multisig)) {
        const last = inits.length - 1;
        const account = plan.accounts[last % plan.accounts.length]!;
        const init = inits[last]!;
        inits[last] = { ...init, multisig: configurationOf(init.publicKey, account.participants, account.threshold, false) };
      }
      if (plan.notAPointRoll < per10k(c.notAPointAccountShare ?? 0.8)) {
        inits.push({ publicKey: NOT_A_POINT, balances: [[TOS_ASSET, plan.notAPointBalance]] });
      }
      const minerNearMax = plan.minerRoll < per10k(c.blockOverflowShare ?? 0.04);
      const minerBalance = minerNearMax ? MAX_U64 - plan.minerGap : plan.minerBalance;
      if (minerBalance !== null && !inits.some((init) => init.publicKey === universe.miner)) {
        inits.push({ publicKey: universe.miner, balances: [[TOS_ASSET, minerBalance]] });
      }
      const init: StateInit = {
        accounts: inits,
        assets: [...(plan.registerX ? [ASSET_X] : []), ...plan.idleAssets],
        burnedSupply: plan.burnedSupply,
      };
      const state = createState(init);
      const result: GeneratedPreState = { universe, init, state, minerNearMax };
      Object.defineProperty(result, fc.toStringMethod, { enumerable: false, value: () => describeState(state) });
      return result;
    });
}
