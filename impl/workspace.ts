/**
 * The executor's block in progress: mutable copies of the accounts a block touches, the
 * per-account counters of the `deferred-credits` model (R30) and the burned supply.
 *
 * Accounts load lazily from an {@link AccountSource}; nothing reaches storage until the
 * block commits, so the source doubles as the pre-block state.
 *
 * @module workspace
 */

import type { AssetId, LedgerModel, PublicKey } from '../spec/index.ts';
import { cloneRecord, type AccountRecord } from './records.ts';
import type { Storage } from './storage.ts';

/** Where a workspace reads accounts from. */
export interface AccountSource {
  /**
   * The account at the start of this workspace's work.
   *
   * @param publicKey - the key
   * @returns a fresh mutable copy, or `undefined` when it does not exist
   */
  readAccount(publicKey: PublicKey): AccountRecord | undefined;
  /**
   * The account before the block (for `deferred-credits`).
   *
   * @param publicKey - the key
   * @returns the pre-block record (not to be mutated), or `undefined`
   */
  readPreAccount(publicKey: PublicKey): AccountRecord | undefined;
  /**
   * Is this asset registered?
   *
   * @param asset - the asset id
   * @returns true when registered
   */
  hasAsset(asset: AssetId): boolean;
}

/**
 * A block's account source over a store. Until the block commits the store holds the
 * pre-block state, so it serves both current and pre-block reads.
 *
 * @param storage - the store holding the pre-block state
 * @returns the source a block's {@link Workspace} reads from
 * @example
 * const workspace = new Workspace(context.ledger, sourceFromStorage(storage), storage.readBurnedSupply());
 */
export function sourceFromStorage(storage: Pick<Storage, 'readAccount' | 'hasAsset'>): AccountSource {
  return {
    readAccount: (key) => storage.readAccount(key),
    readPreAccount: (key) => storage.readAccount(key),
    hasAsset: (asset) => storage.hasAsset(asset),
  };
}

/** Per-account, per-asset amounts (the `spent` and `received` counters of R30). */
export type Counters = Map<PublicKey, Map<AssetId, bigint>>;

/**
 * Read a counter.
 *
 * @param counters - the counters
 * @param publicKey - the account
 * @param asset - the asset
 * @returns the amount, 0 when never set
 * @example
 * getCounter(workspace.spent, alice, TOS_ASSET)
 */
export function getCounter(counters: Counters, publicKey: PublicKey, asset: AssetId): bigint {
  return counters.get(publicKey)?.get(asset) ?? 0n;
}

/**
 * Set a counter.
 *
 * @param counters - the counters (mutated)
 * @param publicKey - the account
 * @param asset - the asset
 * @param amount - the new amount
 * @example
 * setCounter(workspace.spent, alice, TOS_ASSET, 10n)
 */
export function setCounter(counters: Counters, publicKey: PublicKey, asset: AssetId, amount: bigint): void {
  let perAsset = counters.get(publicKey);
  if (perAsset === undefined) {
    perAsset = new Map();
    counters.set(publicKey, perAsset);
  }
  perAsset.set(asset, amount);
}

/** A block in progress. */
export class Workspace {
  /** Current copies of every account loaded so far (`undefined`: known not to exist). */
  readonly accounts = new Map<PublicKey, AccountRecord | undefined>();
  /** Pre-block copies, loaded on demand under `deferred-credits`. */
  readonly preAccounts = new Map<PublicKey, AccountRecord | undefined>();
  /** Amounts debited by accepted transactions (kept under `deferred-credits`). */
  readonly spent: Counters = new Map();
  /** Amounts credited (kept under `deferred-credits`). */
  readonly received: Counters = new Map();
  /** The burned supply now. */
  burnedSupply: bigint;
  /**
   * Multisig authorisations (R27) checked again while applying, because the source's
   * configuration differed from the pre-block one the stateless stage checked against.
   */
  multisigReverifications = 0;

  /**
   * @param model - the ledger model
   * @param source - where accounts load from
   * @param burnedSupply - the burned supply at the start
   */
  constructor(
    readonly model: LedgerModel,
    readonly source: AccountSource,
    burnedSupply: bigint,
  ) {
    this.burnedSupply = burnedSupply;
  }

  /**
   * The current account.
   *
   * @param publicKey - the key
   * @returns the mutable current record, or `undefined`
   */
  getAccount(publicKey: PublicKey): AccountRecord | undefined {
    if (!this.accounts.has(publicKey)) {
      this.accounts.set(publicKey, this.source.readAccount(publicKey));
    }
    return this.accounts.get(publicKey);
  }

  /**
   * The pre-block account.
   *
   * @param publicKey - the key
   * @returns the pre-block record (read-only), or `undefined`
   */
  getPreAccount(publicKey: PublicKey): AccountRecord | undefined {
    if (!this.preAccounts.has(publicKey)) {
      this.preAccounts.set(publicKey, this.source.readPreAccount(publicKey));
    }
    return this.preAccounts.get(publicKey);
  }

  /**
   * Install a record computed elsewhere (a worker's write set).
   *
   * @param publicKey - the key
   * @param record - the new current record
   */
  setAccount(publicKey: PublicKey, record: AccountRecord): void {
    this.accounts.set(publicKey, record);
  }

  /**
   * A copy of the current records of some accounts, for shipping to a worker.
   *
   * @param keys - the accounts
   * @returns key -> copy (or `undefined`)
   */
  sliceAccounts(keys: Iterable<PublicKey>): Map<PublicKey, AccountRecord | undefined> {
    const slice = new Map<PublicKey, AccountRecord | undefined>();
    for (const key of keys) {
      const record = this.getAccount(key);
      slice.set(key, record === undefined ? undefined : cloneRecord(record));
    }
    return slice;
  }
}
