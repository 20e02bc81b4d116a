/**
 * The two ledger models (rules R21, R28-R31): what a sender may spend during a block, and
 * how credits land.
 *
 * - `immediate`: spendable is the current balance, so funds received earlier in the
 *   block can be spent later in it; any existing account may send.
 * - `deferred-credits` (TOS consensus): per account and asset the block keeps `spent` and
 *   `received`. Spendable is the pre-block balance record minus `spent` (no pre-block
 *   record means `NoPreviousBalanceFound`); a credit overflows when
 *   `pre + received + amount` exceeds u64, even if the account has spent in the block;
 *   the final balance is `pre + received - spent`. An account created during the block
 *   cannot send in it (R31).
 *
 * Nonces and multisig configurations are always read as they are now, in both models
 * (R21). {@link Ledger} carries the current state (whose balances are always
 * `pre + received - spent`) together with the pre-block state and the two counters.
 *
 * @module ledger
 */

import { Map as ImmutableMap } from 'immutable';
import type { AssetId, PublicKey } from './bytes.ts';
import { checkedAdd, checkedSub, ZERO, type U64 } from './integers.ts';
import { applyAccount, getAccount, getBalance, NEW_ACCOUNT, type Account, type State } from './state.ts';
import { SpecInvariantError } from './errors.ts';

/** The ledger model a block is executed under (R5, R30). */
export type LedgerModel = 'immediate' | 'deferred-credits';

/** Both ledger models, in a fixed order. */
export const LEDGER_MODELS: readonly LedgerModel[] = ['immediate', 'deferred-credits'];

/** Key of a per-account, per-asset counter: the account key followed by the asset id. */
export type BalanceKey = string;

/** The state of a block in progress under a ledger model (R30). */
export interface Ledger {
  /** The model in force. */
  readonly model: LedgerModel;
  /** The state before the block. */
  readonly pre: State;
  /** The state now, after the accepted transactions so far. */
  readonly current: State;
  /** Per account and asset: amounts debited by accepted transactions in this block (kept under `deferred-credits` only). */
  readonly spent: ImmutableMap<BalanceKey, U64>;
  /** Per account and asset: amounts credited in this block (kept under `deferred-credits` only). */
  readonly received: ImmutableMap<BalanceKey, U64>;
}

/**
 * Start a block (R30): nothing spent or received yet.
 *
 * @param model - the ledger model
 * @param state - the pre-block state
 * @returns the ledger of an empty block
 * @example
 * const ledger = beginLedger('deferred-credits', state);
 */
export function beginLedger(model: LedgerModel, state: State): Ledger {
  return { model, pre: state, current: state, spent: ImmutableMap(), received: ImmutableMap() };
}

function balanceKey(publicKey: PublicKey, asset: AssetId): BalanceKey {
  return publicKey + asset;
}

function getCounter(counters: ImmutableMap<BalanceKey, U64>, publicKey: PublicKey, asset: AssetId): U64 {
  return counters.get(balanceKey(publicKey, asset)) ?? ZERO;
}

/**
 * The account that may send (R21, R31): under `immediate`, the account as it is now (one
 * created earlier in the block may send); under `deferred-credits`, only an account that
 * existed before the block. Either way the returned value is the *current* account, so
 * its nonce and multisig configuration are read as they are now.
 *
 * @param ledger - the block in progress
 * @param source - the sender's key
 * @returns the current account, or `undefined` when it may not send (`AccountNotFound`)
 * @example
 * getSenderAccount(ledger, alice)?.nonce
 */
export function getSenderAccount(ledger: Ledger, source: PublicKey): Account | undefined {
  if (ledger.model === 'deferred-credits' && getAccount(ledger.pre, source) === undefined) {
    return undefined; // R31
  }
  return getAccount(ledger.current, source);
}

/**
 * What the sender may spend of an asset now (R28, R30).
 *
 * @param ledger - the block in progress
 * @param source - the sender's key
 * @param asset - the asset
 * @returns the spendable amount, or `undefined` when the balance record the model
 *   consults is missing (`NoPreviousBalanceFound`)
 * @example
 * getSpendableBalance(ledger, alice, TOS_ASSET)
 */
export function getSpendableBalance(ledger: Ledger, source: PublicKey, asset: AssetId): U64 | undefined {
  if (ledger.model === 'immediate') {
    return getBalance(getAccount(ledger.current, source), asset);
  }
  const pre = getBalance(getAccount(ledger.pre, source), asset);
  if (pre === undefined) {
    return undefined;
  }
  const spendable = checkedSub(pre, getCounter(ledger.spent, source, asset));
  if (spendable === undefined) {
    throw new SpecInvariantError(`spent more than the pre-block balance of ${asset} for ${source}`);
  }
  return spendable;
}

/**
 * Debit an amount the sender was checked to afford (R29): lowers the current balance and,
 * for `deferred-credits`, raises `spent`.
 *
 * @param ledger - the block in progress
 * @param source - the sender's key (an existing account with a record of `asset`)
 * @param asset - the asset
 * @param amount - an amount not above {@link getSpendableBalance}
 * @returns the ledger after the debit
 * @throws SpecInvariantError when the amount was not checked first
 * @example
 * applyDebit(ledger, alice, TOS_ASSET, toU64(10_000n))
 */
export function applyDebit(ledger: Ledger, source: PublicKey, asset: AssetId, amount: U64): Ledger {
  const account = getAccount(ledger.current, source);
  const balance = getBalance(account, asset);
  const remaining = balance === undefined ? undefined : checkedSub(balance, amount);
  if (account === undefined || remaining === undefined) {
    throw new SpecInvariantError(`debit of ${amount} ${asset} from ${source} was not checked`);
  }
  const current = applyAccount(ledger.current, source, { ...account, balances: account.balances.set(asset, remaining) });
  if (ledger.model === 'immediate') {
    return { ...ledger, current };
  }
  // deferred-credits: spent never exceeds the pre-block balance, so it stays a u64.
  const spent = checkedAdd(getCounter(ledger.spent, source, asset), amount);
  if (spent === undefined) {
    throw new SpecInvariantError(`spent counter of ${asset} for ${source} left the u64 range`);
  }
  return { ...ledger, current, spent: ledger.spent.set(balanceKey(source, asset), spent) };
}

/**
 * Credit an amount (R29, R30, R32). A missing account is created with nonce 0, and a
 * missing record is created, even for 0 (R3).
 *
 * Overflow check: under `immediate`, `current + amount`; under `deferred-credits`, also
 * `pre + received + amount` (R30). The counters `spent` and `received` are kept under
 * `deferred-credits` only: `immediate` never consults them.
 *
 * @param ledger - the block in progress
 * @param destination - the receiving account's key
 * @param asset - the asset
 * @param amount - the amount
 * @returns the ledger after the credit, or `undefined` when it would overflow
 * @example
 * applyCredit(ledger, bob, TOS_ASSET, toU64(5n)) ?? 'Overflow'
 */
export function applyCredit(ledger: Ledger, destination: PublicKey, asset: AssetId, amount: U64): Ledger | undefined {
  const account = getAccount(ledger.current, destination) ?? NEW_ACCOUNT;
  const balance = checkedAdd(getBalance(account, asset) ?? ZERO, amount);
  if (balance === undefined) {
    return undefined;
  }
  const current = applyAccount(ledger.current, destination, { ...account, balances: account.balances.set(asset, balance) });
  if (ledger.model === 'immediate') {
    return { ...ledger, current };
  }
  // deferred-credits (R30): pre + received + amount must stay a u64, whatever was spent.
  const received = checkedAdd(getCounter(ledger.received, destination, asset), amount);
  const pre = getBalance(getAccount(ledger.pre, destination), asset) ?? ZERO;
  if (received === undefined || checkedAdd(pre, received) === undefined) {
    return undefined;
  }
  return { ...ledger, current, received: ledger.received.set(balanceKey(destination, asset), received) };
}
