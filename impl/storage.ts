/**
 * Storage behind the executor: reads for execution and one atomic commit per block.
 *
 * {@link MemoryStorage} keeps a persistent (Immutable.js) snapshot and swaps it in one
 * assignment on commit, so a reader sees either the whole block or none of it.
 *
 * @module storage
 */

import { isHexOfLength, isU64, type AssetId, type Hash, type PublicKey, type State } from '../spec/index.ts';
import { toAccount, toRecord, type AccountRecord, type BlockWrites } from './records.ts';

/** A point of a persistent chain: a committed topoheight and the state root (R4) there. */
export interface ChainPosition {
  /** The topoheight. */
  readonly topoheight: bigint;
  /** The state root (R4) of the state at that topoheight. */
  readonly stateRoot: Hash;
}

/** Chain metadata committed together with a block's writes (persistent stores). */
export interface CommitMeta extends ChainPosition {
  /**
   * Where the store stood when the block was executed: what {@link Storage.readMeta}
   * returned before the block's first read. A persistent store refuses the commit
   * (`'StaleBase'`, nothing written) unless it is still at exactly this position, checked
   * inside its write transaction, so a block executed against an older state can never
   * overwrite a newer one (no lost update). `undefined` when the store reported no position
   * (it has no `readMeta`, or no chain yet); a store that keeps a chain refuses that
   * (`'MissingMeta'`).
   */
  readonly base: ChainPosition | undefined;
}

/** Why a store refused an operation (see {@link StorageError}). */
export type StorageErrorCode =
  /** A commit's topoheight is not the last committed topoheight plus 1. */
  | 'NonConsecutiveTopoheight'
  /** A commit's base ({@link CommitMeta.base}) is not where the store stands: another block was committed since the block was executed. */
  | 'StaleBase'
  /** A commit holds a record the store could not read back (a malformed key, a count out of range, a root that is not 32 bytes of hex). */
  | 'InvalidWrite'
  /** Another writer (another process, or another open of the same store) holds the store's writer lock. */
  | 'Locked'
  /** A persistent store was asked to commit without {@link CommitMeta} (or without its `base`). */
  | 'MissingMeta'
  /** The store's path is not a directory that can hold a store (a file, missing for a read-only open, not readable or writable, refused by the filesystem). */
  | 'BadPath'
  /** The filesystem failed a read or write of the store (disk full, I/O error); a failed commit wrote nothing. */
  | 'IoFailure'
  /** The stored data does not hash to the stored state root, or cannot be decoded. */
  | 'CorruptState'
  /** A read-only open of a store that holds no chain yet. */
  | 'EmptyStore'
  /** A lazily read post-state was read after a later block had been committed. */
  | 'StaleState'
  /** A commit to a store opened read-only. */
  | 'ReadOnly'
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

/** The largest multisig participant count a store can hold (the count is one byte). */
export const MAX_STORED_PARTICIPANTS = 255;

function invalid(detail: string): StorageError {
  return new StorageError('InvalidWrite', `refused commit: ${detail}; nothing was written`);
}

function isKey(value: unknown): value is string {
  return typeof value === 'string' && isHexOfLength(value, 32);
}

function isStoredU64(value: unknown): value is bigint {
  return typeof value === 'bigint' && isU64(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 80 ? `"${value.slice(0, 80)}..." (${value.length} characters)` : `"${value}"`;
  if (typeof value === 'bigint') return `${value}n`;
  return typeof value === 'number' ? String(value) : typeof value;
}

/**
 * Check that every record of a block's writes can be stored and read back exactly:
 * account keys and asset ids are 32 bytes of lowercase hex, nonces, amounts and the burned
 * supply are u64 bigints, a multisig configuration has 1 to 255 participants (each 32 bytes
 * of lowercase hex) and a threshold from 1 to its participant count. Every store runs it
 * before writing anything, so a malformed record (a 33-byte miner key, a participant count
 * that would wrap its byte) is refused instead of being stored as something else.
 *
 * @param writes - the block's writes
 * @throws StorageError `'InvalidWrite'` naming the first malformed record
 * @example
 * checkBlockWrites({ accounts: new Map(), burnedSupply: 0n }); // passes
 */
export function checkBlockWrites(writes: BlockWrites): void {
  if (!isStoredU64(writes.burnedSupply)) throw invalid(`burned supply ${describe(writes.burnedSupply)} is not a u64`);
  for (const [key, record] of writes.accounts) {
    if (!isKey(key)) throw invalid(`account key ${describe(key)} is not 32 bytes of lowercase hex`);
    if (!isStoredU64(record.nonce)) throw invalid(`nonce ${describe(record.nonce)} of account ${key} is not a u64`);
    for (const [asset, amount] of record.balances) {
      if (!isKey(asset)) throw invalid(`asset ${describe(asset)} of account ${key} is not 32 bytes of lowercase hex`);
      if (!isStoredU64(amount)) throw invalid(`amount ${describe(amount)} of asset ${asset} of account ${key} is not a u64`);
    }
    const multisig = record.multisig;
    if (multisig === null) continue;
    const count = multisig.participants.length;
    if (count < 1 || count > MAX_STORED_PARTICIPANTS) throw invalid(`multisig configuration of account ${key} has ${count} participants, not 1 to ${MAX_STORED_PARTICIPANTS}`);
    if (!Number.isInteger(multisig.threshold) || multisig.threshold < 1 || multisig.threshold > count) {
      throw invalid(`multisig threshold ${describe(multisig.threshold)} of account ${key} is not from 1 to its ${count} participants`);
    }
    for (const participant of multisig.participants) {
      if (!isKey(participant)) throw invalid(`multisig participant ${describe(participant)} of account ${key} is not 32 bytes of lowercase hex`);
    }
  }
}

/**
 * Check that a chain position can be stored: a u64 topoheight and a state root of 32 bytes
 * of lowercase hex.
 *
 * @param position - the position
 * @param what - what it is, for the message (`'topoheight'`, `'base'`)
 * @throws StorageError `'InvalidWrite'`
 * @example
 * checkChainPosition({ topoheight: 1n, stateRoot: '00'.repeat(32) }, 'commit');
 */
export function checkChainPosition(position: ChainPosition, what: string): void {
  if (!isStoredU64(position.topoheight)) throw invalid(`${what} topoheight ${describe(position.topoheight)} is not a u64`);
  if (!(typeof position.stateRoot === 'string' && isHexOfLength(position.stateRoot, 32))) throw invalid(`${what} state root ${describe(position.stateRoot)} is not 32 bytes of lowercase hex`);
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
   * Every store refuses records it could not read back ({@link checkBlockWrites},
   * `'InvalidWrite'`). Persistent stores also write `meta` in the same atomic step,
   * require it, and refuse (with a {@link StorageError}, changing nothing) a commit whose
   * `meta.base` is not where the store stands (`'StaleBase'`) or whose topoheight is not
   * the last committed one plus 1. {@link MemoryStorage} checks only the records.
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
  readMeta?(): ChainPosition | undefined;
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

  /**
   * {@inheritDoc Storage.commit}
   *
   * @throws StorageError `'InvalidWrite'` for a record {@link checkBlockWrites} refuses (nothing changes)
   */
  commit(writes: BlockWrites): void {
    checkBlockWrites(writes);
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
