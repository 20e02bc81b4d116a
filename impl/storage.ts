/**
 * Storage behind the executor: reads for execution and one atomic commit per block.
 *
 * {@link MemoryStorage} keeps a persistent (Immutable.js) snapshot and swaps it in one
 * assignment on commit, so a reader sees either the whole block or none of it.
 *
 * @module storage
 */

import type { AssetId, Hash, PublicKey, State } from '../spec/index.ts';
import { toAccount, toRecord, type AccountRecord, type BlockWrites } from './records.ts';

/** Chain metadata committed together with a block's writes (persistent stores). */
export interface CommitMeta {
  /** The topoheight of the block whose writes these are: the last committed one plus 1. */
  readonly topoheight: bigint;
  /** The state root (R4) of the state after the commit. */
  readonly stateRoot: Hash;
}

/** Why a store refused an operation (see {@link StorageError}). */
export type StorageErrorCode =
  /** A commit's topoheight is not the last committed topoheight plus 1. */
  | 'NonConsecutiveTopoheight'
  /** A persistent store was asked to commit without {@link CommitMeta}. */
  | 'MissingMeta'
  /** The stored data does not hash to the stored state root, or cannot be decoded. */
  | 'CorruptState'
  /** A read-only open of a store that holds no chain yet. */
  | 'EmptyStore'
  /** A lazily read post-state was read after a later block had been committed. */
  | 'StaleState'
  /** The store was closed. */
  | 'Closed';

/** A typed storage failure; when thrown by a commit, nothing was written. */
export class StorageError extends Error {
  /**
   * @param code - the machine-readable reason
   * @param message - what happened, for people
   */
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/** What the executor needs from a store. */
export interface Storage {
  /**
   * Read an account as committed.
   *
   * @param publicKey - the account's key
   * @returns a fresh mutable copy, or `undefined` when it does not exist
   */
  readAccount(publicKey: PublicKey): AccountRecord | undefined;
  /**
   * Is this asset registered?
   *
   * @param asset - the asset id
   * @returns true when registered
   */
  hasAsset(asset: AssetId): boolean;
  /**
   * The committed burned supply.
   *
   * @returns the total TOS burned so far
   */
  readBurnedSupply(): bigint;
  /**
   * Apply one block's writes atomically: all of them or none.
   *
   * Persistent stores also write `meta` in the same atomic step, require it, and refuse
   * (with a {@link StorageError}, changing nothing) a topoheight that is not the last
   * committed one plus 1. {@link MemoryStorage} ignores it.
   *
   * @param writes - the block's final records and burned supply
   * @param meta - the block's topoheight and the root of the state after the commit
   */
  commit(writes: BlockWrites, meta?: CommitMeta): void;
  /**
   * Optional: the state root (R4) of the state that committing `writes` would produce,
   * computed from the store and the writes without materialising the whole state. When
   * a store has it, the executor computes the root first and passes it to
   * {@link Storage.commit} as {@link CommitMeta}; otherwise it hashes
   * {@link Storage.readState} after the commit.
   *
   * @param writes - the block's writes, not yet committed
   * @returns the root of the committed state plus `writes`
   */
  stateRootAfter?(writes: BlockWrites): Hash;
  /**
   * Optional: the metadata of the last commit.
   *
   * @returns the last committed topoheight and state root, or `undefined` when none
   */
  readMeta?(): CommitMeta | undefined;
  /**
   * Read the whole committed state back.
   *
   * @returns the committed state
   */
  readState(): State;
}

/** An in-memory store over a persistent snapshot. */
export class MemoryStorage implements Storage {
  #state: State;

  /** @param state - the initial committed state */
  constructor(state: State) {
    this.#state = state;
  }

  /** {@inheritDoc Storage.readAccount} */
  readAccount(publicKey: PublicKey): AccountRecord | undefined {
    const account = this.#state.accounts.get(publicKey);
    return account === undefined ? undefined : toRecord(account);
  }

  /** {@inheritDoc Storage.hasAsset} */
  hasAsset(asset: AssetId): boolean {
    return this.#state.assets.has(asset);
  }

  /** {@inheritDoc Storage.readBurnedSupply} */
  readBurnedSupply(): bigint {
    return this.#state.burnedSupply;
  }

  /** {@inheritDoc Storage.commit} */
  commit(writes: BlockWrites): void {
    const accounts = this.#state.accounts.withMutations((map) => {
      for (const [key, record] of writes.accounts) {
        map.set(key, toAccount(record));
      }
    });
    // One assignment: readers see the old snapshot or the new one, never a mix.
    this.#state = { accounts, assets: this.#state.assets, burnedSupply: writes.burnedSupply as State['burnedSupply'] };
  }

  /** {@inheritDoc Storage.readState} */
  readState(): State {
    return this.#state;
  }
}
