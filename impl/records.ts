/**
 * Mutable account records: the executor's working representation of accounts (R3).
 *
 * The spec keeps accounts in persistent maps; the executor copies the few it touches into
 * plain mutable records, works on them, and writes them back in one commit.
 *
 * @module records
 */

import { Map as ImmutableMap } from 'immutable';
import type { Account, AssetId, MultiSigConfig, PublicKey, U64 } from '../spec/index.ts';

/** A mutable copy of one account. */
export interface AccountRecord {
  /** The next nonce. */
  nonce: bigint;
  /** Balance records by asset; an absent key is an absent record (R3). */
  balances: Map<AssetId, bigint>;
  /** The multisig configuration, or `null`. */
  multisig: MultiSigConfig | null;
}

/**
 * Copy a stored account into a mutable record.
 *
 * @param account - the stored account
 * @returns a record that shares nothing mutable with it
 * @example
 * const record = toRecord(state.accounts.get(key)!);
 */
export function toRecord(account: Account): AccountRecord {
  return { nonce: account.nonce, balances: new Map(account.balances), multisig: account.multisig };
}

/**
 * Copy a record into the stored (persistent) account form.
 *
 * @param record - the record
 * @returns the account
 * @example
 * state.accounts.set(key, toAccount(record));
 */
export function toAccount(record: AccountRecord): Account {
  return {
    nonce: record.nonce as U64,
    balances: ImmutableMap(record.balances as Map<AssetId, U64>),
    multisig: record.multisig,
  };
}

/**
 * Deep-copy a record.
 *
 * @param record - the record
 * @returns an independent copy
 * @example
 * const copy = cloneRecord(record);
 */
export function cloneRecord(record: AccountRecord): AccountRecord {
  return { nonce: record.nonce, balances: new Map(record.balances), multisig: record.multisig };
}

/** The writes of one block: every account it touched, in final form, and the burned supply. */
export interface BlockWrites {
  /** Final records of the touched accounts (new ones included). */
  readonly accounts: ReadonlyMap<PublicKey, AccountRecord>;
  /** The burned supply after the block. */
  readonly burnedSupply: bigint;
}
