/**
 * The chain state (rules R2, R3).
 *
 * - `accounts`: public key -> {@link Account}. An account exists exactly when it is in
 *   this map; accounts are never removed.
 * - An account's `balances` map assets to u64 amounts. A balance is a *record*: an absent
 *   record differs from a record holding 0. A credit creates the record, even for 0; a
 *   debit to 0 keeps it (R3, R28).
 * - `assets`: the registered asset ids; TOS is always registered.
 * - `burnedSupply`: the u64 total of TOS burned so far.
 *
 * States are immutable persistent maps (Immutable.js), so applying a transaction returns
 * a new state in time proportional to what it touches, sharing the rest with the old one.
 *
 * @module state
 */

import { Map as ImmutableMap, Set as ImmutableSet } from 'immutable';
import { isHexOfLength, TOS_ASSET, type AssetId, type PublicKey } from './bytes.ts';
import { InvalidStateError, keyInPath } from './errors.ts';
import { isU64, ZERO, type U64 } from './integers.ts';

/** A multisig configuration (R24, R27): `threshold` signatures out of `participants`. */
export interface MultiSigConfig {
  /** Signatures required, 1 to 255. */
  readonly threshold: number;
  /** Distinct participant keys in stored order; a signature's id indexes this list. */
  readonly participants: readonly PublicKey[];
}

/** One account (R3). */
export interface Account {
  /** The next nonce this account must use (R21). */
  readonly nonce: U64;
  /** Balance records by asset (R3): absent is not the same as 0. */
  readonly balances: ImmutableMap<AssetId, U64>;
  /** The multisig configuration, or `null` when none is set. */
  readonly multisig: MultiSigConfig | null;
}

/** The whole chain state that execution reads and writes (R3). */
export interface State {
  /** Every existing account, by public key. */
  readonly accounts: ImmutableMap<PublicKey, Account>;
  /** The registered assets; always contains {@link TOS_ASSET}. */
  readonly assets: ImmutableSet<AssetId>;
  /** Total TOS burned so far. */
  readonly burnedSupply: U64;
}

/** Plain-data description of an account, for {@link createState}. */
export interface AccountInit {
  /** The account's key (64 lowercase hex characters). */
  readonly publicKey: PublicKey;
  /** Its nonce; defaults to 0. */
  readonly nonce?: bigint;
  /** Its balance records as `[asset, amount]` pairs; defaults to none. */
  readonly balances?: readonly (readonly [AssetId, bigint])[];
  /** Its multisig configuration; defaults to none. */
  readonly multisig?: MultiSigConfig | null;
}

/** Plain-data description of a state, for {@link createState}. */
export interface StateInit {
  /** The accounts. Keys must be distinct. */
  readonly accounts?: readonly AccountInit[];
  /** Registered assets besides TOS (TOS is always added). */
  readonly assets?: readonly AssetId[];
  /** TOS burned so far; defaults to 0. */
  readonly burnedSupply?: bigint;
}

function requireU64(value: unknown, path: string): U64 {
  if (typeof value !== 'bigint' || !isU64(value)) {
    throw new InvalidStateError(path, `not a u64 bigint: ${typeof value === 'bigint' ? value : typeof value}`);
  }
  return value;
}

function requireKey(value: unknown, path: string): string {
  if (typeof value !== 'string' || !isHexOfLength(value, 32)) {
    throw new InvalidStateError(path, 'not 32 bytes of lowercase hex');
  }
  return value;
}

function createMultiSigConfig(config: MultiSigConfig, path: string, owner: PublicKey): MultiSigConfig {
  const { threshold, participants } = config;
  if (!Array.isArray(participants) || participants.length > 255) {
    throw new InvalidStateError(`${path}.participants`, 'not an array of at most 255 keys');
  }
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > participants.length) {
    throw new InvalidStateError(`${path}.threshold`, `not an integer from 1 to the ${participants.length} participants`);
  }
  participants.forEach((participant, index) => requireKey(participant, `${path}.participants[${index}]`));
  if (new Set(participants).size !== participants.length) {
    throw new InvalidStateError(`${path}.participants`, 'the participants are not distinct');
  }
  if (participants.includes(owner)) {
    throw new InvalidStateError(`${path}.participants`, 'an account cannot be its own multisig participant');
  }
  return { threshold, participants: [...participants] };
}

/**
 * Build a state from plain data, validating it (R1-R3). TOS is always registered.
 *
 * @param init - the accounts, extra assets and burned supply
 * @returns the state
 * @throws InvalidStateError (an `InvalidInputError` with code `InvalidState` and the
 *   offending field's path, e.g. `state.accounts[<key>].balances[<asset>]`) when a key is
 *   malformed or repeated, an amount is not a u64 bigint, or a multisig configuration is
 *   impossible
 * @example
 * const state = createState({
 *   accounts: [{ publicKey: alice, balances: [[TOS_ASSET, 1_000_000n]] }],
 * });
 */
export function createState(init: StateInit): State {
  let accounts = ImmutableMap<PublicKey, Account>();
  for (const account of init.accounts ?? []) {
    const path = `state.accounts[${keyInPath(account.publicKey)}]`;
    const key = requireKey(account.publicKey, path);
    if (accounts.has(key)) {
      throw new InvalidStateError(path, 'the account appears twice');
    }
    let balances = ImmutableMap<AssetId, U64>();
    for (const [asset, amount] of account.balances ?? []) {
      const balancePath = `${path}.balances[${keyInPath(asset)}]`;
      requireKey(asset, balancePath);
      if (balances.has(asset)) {
        throw new InvalidStateError(balancePath, 'the asset has two balance records');
      }
      balances = balances.set(asset, requireU64(amount, balancePath));
    }
    accounts = accounts.set(key, {
      nonce: requireU64(account.nonce ?? 0n, `${path}.nonce`),
      balances,
      multisig: account.multisig ? createMultiSigConfig(account.multisig, `${path}.multisig`, key) : null,
    });
  }
  const assets = ImmutableSet<AssetId>([TOS_ASSET, ...(init.assets ?? []).map((asset) => requireKey(asset, `state.assets[${keyInPath(asset)}]`))]);
  return { accounts, assets, burnedSupply: requireU64(init.burnedSupply ?? 0n, 'state.burnedSupply') };
}

/** The empty state: no accounts, only TOS registered, nothing burned. */
export const EMPTY_STATE: State = createState({});

/**
 * Read an account (R3).
 *
 * @param state - the state
 * @param publicKey - the account's key
 * @returns the account, or `undefined` when it does not exist
 * @example
 * getAccount(state, alice)?.nonce
 */
export function getAccount(state: State, publicKey: PublicKey): Account | undefined {
  return state.accounts.get(publicKey);
}

/**
 * Read a balance record (R3).
 *
 * @param account - the account, or `undefined` for a missing one
 * @param asset - the asset
 * @returns the amount, or `undefined` when there is no record
 * @example
 * getBalance(getAccount(state, alice), TOS_ASSET)
 */
export function getBalance(account: Account | undefined, asset: AssetId): U64 | undefined {
  return account?.balances.get(asset);
}

/**
 * The account a credit creates (R29): nonce 0, no balance records, no multisig.
 */
export const NEW_ACCOUNT: Account = { nonce: ZERO, balances: ImmutableMap<AssetId, U64>(), multisig: null };

/**
 * Return a state with one account replaced or added (R3).
 *
 * @param state - the state (not modified)
 * @param publicKey - the account's key
 * @param account - its new value
 * @returns the new state
 * @example
 * applyAccount(state, alice, { ...getAccount(state, alice)!, nonce: toU64(1n) })
 */
export function applyAccount(state: State, publicKey: PublicKey, account: Account): State {
  return { ...state, accounts: state.accounts.set(publicKey, account) };
}
