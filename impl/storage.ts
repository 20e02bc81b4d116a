/**
 * Storage behind the executor: reads for execution and one atomic commit per block.
 *
 * {@link MemoryStorage} keeps a persistent (Immutable.js) snapshot and swaps it in one
 * assignment on commit, so a reader sees either the whole block or none of it.
 *
 * @module storage
 */

import type { AssetId, PublicKey, State } from '../spec/index.ts';
import { toAccount, toRecord, type AccountRecord, type BlockWrites } from './records.ts';

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
   * @param writes - the block's final records and burned supply
   */
  commit(writes: BlockWrites): void;
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
