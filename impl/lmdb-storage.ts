/**
 * A persistent {@link Storage} on LMDB (the `lmdb` package): the chain state on disk, read
 * account by account during execution, one block committed per write transaction.
 *
 * Layout (one LMDB environment, five named databases; keys and values are raw bytes, all
 * integers big-endian; the full description is in `docs/storage.md`):
 *
 * | database | key | value |
 * | --- | --- | --- |
 * | `accounts` | public key (32) | nonce u64 (8) |
 * | `balances` | public key (32) ‖ asset (32) | amount u64 (8) |
 * | `multisig` | public key (32) | threshold u8, participant count u8, participants (32 each) |
 * | `assets` | asset id (32) | empty |
 * | `meta` | ASCII name | `format` u32, `topoheight` u64, `stateRoot` (32), `burnedSupply` u64 |
 *
 * The values are the very bytes the state root (R4) hashes, and LMDB keeps keys in byte
 * order, which is the root's order: {@link LmdbStorage.stateRootAfter} streams the store
 * (merged with a block's pending writes) straight into BLAKE3 without building a state.
 *
 * @module lmdb-storage
 */

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { blake3 } from '@noble/hashes/blake3.js';
import { open, type Database, type RootDatabase } from 'lmdb';
import { Map as ImmutableMap, Set as ImmutableSet } from 'immutable';
import {
  bytesToHex,
  TOS_ASSET,
  type Account,
  type AssetId,
  type Hash,
  type MultiSigConfig,
  type PublicKey,
  type State,
  type U64,
} from '../spec/index.ts';
import type { AccountRecord, BlockWrites } from './records.ts';
import { computeStateRootFast, ROOT_DOMAIN_BYTES } from './state-root.ts';
import { StorageError, type CommitMeta, type Storage } from './storage.ts';

/** The on-disk format version written under the `format` metadata key. */
export const LMDB_STORAGE_FORMAT = 1;

/** The initial state of a new store and the topoheight it stands at (its first block is `topoheight + 1`). */
export interface StorageGenesis {
  /** The state before the first block. */
  readonly state: State;
  /** The topoheight of that state (the first committed block must be this plus 1). */
  readonly topoheight: bigint;
}

/** Options of {@link LmdbStorage.open}. */
export interface LmdbStorageOptions {
  /**
   * What an empty store is initialised with (in one write transaction). Ignored when the
   * store already holds a chain. Default: the empty state at topoheight 0.
   */
  readonly genesis?: StorageGenesis;
  /** Open without writing (no initialisation; an empty store is a `'EmptyStore'` error). */
  readonly readOnly?: boolean;
  /** Recompute the root from the stored data on open and compare it (default true). */
  readonly verify?: boolean;
  /**
   * Test-only: called inside the commit's write transaction after every write, just
   * before it commits (crash tests sleep here to be killed mid-commit).
   */
  readonly beforeCommitEnd?: (topoheight: bigint) => void;
}

/** What `state-root --db` reports about a store. */
export interface StoredChainInfo {
  /** The last committed topoheight. */
  readonly topoheight: bigint;
  /** The stored state root. */
  readonly stateRoot: Hash;
  /** The number of accounts. */
  readonly accountCount: number;
  /** The root recomputed from the stored data. */
  readonly recomputedRoot: Hash;
  /** Whether the two roots are equal. */
  readonly matches: boolean;
}

const META_FORMAT = Buffer.from('format', 'ascii');
const META_TOPOHEIGHT = Buffer.from('topoheight', 'ascii');
const META_STATE_ROOT = Buffer.from('stateRoot', 'ascii');
const META_BURNED = Buffer.from('burnedSupply', 'ascii');
const PRESENT = Buffer.alloc(0);
const EMPTY: State = { accounts: ImmutableMap(), assets: ImmutableSet([TOS_ASSET]), burnedSupply: 0n as U64 };

function u64(value: bigint): Buffer {
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeBigUInt64BE(value);
  return bytes;
}

function u32(value: number): Buffer {
  const bytes = Buffer.allocUnsafe(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function keyBytes(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

function corrupt(path: string, detail: string): StorageError {
  return new StorageError('CorruptState', `corrupt store at ${path}: ${detail}`);
}

function encodeMultisig(config: MultiSigConfig): Buffer {
  const out = Buffer.allocUnsafe(2 + 32 * config.participants.length);
  out[0] = config.threshold;
  out[1] = config.participants.length;
  config.participants.forEach((participant, index) => out.write(participant, 2 + 32 * index, 'hex'));
  return out;
}

/**
 * BLAKE3 fed through a 64 KiB buffer, so small fields do not each cost an update call.
 * Every field is at most 2 + 32 x 255 bytes (a multisig configuration), far below the
 * buffer's size, so a field always fits once the buffer is flushed.
 */
class RootHasher {
  readonly #hash = blake3.create();
  readonly #buffer = Buffer.allocUnsafe(1 << 16);
  readonly #scratch = Buffer.allocUnsafe(8);
  #at = 0;

  bytes(bytes: Uint8Array): void {
    if (this.#at + bytes.length > this.#buffer.length) this.#flush();
    this.#buffer.set(bytes, this.#at);
    this.#at += bytes.length;
  }

  u64(value: bigint): void {
    this.#scratch.writeBigUInt64BE(value);
    this.bytes(this.#scratch);
  }

  u8(value: number): void {
    this.#scratch[0] = value;
    this.bytes(this.#scratch.subarray(0, 1));
  }

  #flush(): void {
    if (this.#at > 0) this.#hash.update(this.#buffer.subarray(0, this.#at));
    this.#at = 0;
  }

  digest(): Hash {
    this.#flush();
    return bytesToHex(this.#hash.digest());
  }
}

/** A cursor over a getRange iterator with one entry of look-ahead. */
class Cursor {
  readonly #iterator: Iterator<{ key: Buffer; value: Buffer }>;
  key: Buffer | undefined;
  value: Buffer | undefined;

  constructor(iterable: Iterable<{ key: Buffer; value: Buffer }>) {
    this.#iterator = iterable[Symbol.iterator]();
    this.next();
  }

  next(): void {
    const step = this.#iterator.next();
    if (step.done) {
      this.key = undefined;
      this.value = undefined;
    } else {
      // lmdb-js hands out fresh copies of binary keys and values (Uint8Array.prototype.slice).
      this.key = step.value.key;
      this.value = step.value.value;
    }
  }

  close(): void {
    this.#iterator.return?.();
  }
}

/**
 * The LMDB-backed {@link Storage}. Open with {@link LmdbStorage.open}; close with
 * {@link LmdbStorage.close}. One process writes at a time (LMDB's write lock).
 */
export class LmdbStorage implements Storage {
  readonly #env: RootDatabase<Buffer, Buffer>;
  readonly #accounts: Database<Buffer, Buffer>;
  readonly #balances: Database<Buffer, Buffer>;
  readonly #multisig: Database<Buffer, Buffer>;
  readonly #assets: Database<Buffer, Buffer>;
  readonly #meta: Database<Buffer, Buffer>;
  readonly #beforeCommitEnd: LmdbStorageOptions['beforeCommitEnd'];
  #closed = false;

  /** The store's directory. */
  readonly path: string;

  private constructor(path: string, options: LmdbStorageOptions) {
    this.path = path;
    this.#beforeCommitEnd = options.beforeCommitEnd;
    this.#env = open<Buffer, Buffer>({ path, noSubdir: false, maxDbs: 8, readOnly: options.readOnly ?? false, encoding: 'binary', keyEncoding: 'binary' });
    const sub = (name: string): Database<Buffer, Buffer> => this.#env.openDB<Buffer, Buffer>(name, { encoding: 'binary', keyEncoding: 'binary' });
    this.#accounts = sub('accounts');
    this.#balances = sub('balances');
    this.#multisig = sub('multisig');
    this.#assets = sub('assets');
    this.#meta = sub('meta');
  }

  /**
   * Open (creating if needed) a store. An empty store is initialised with
   * `options.genesis` (default: the empty state at topoheight 0) in one write
   * transaction. A store with a chain is checked: the root recomputed from the stored
   * data must equal the stored root.
   *
   * @param path - the store's directory
   * @param options - genesis, read-only, verification
   * @returns the open store
   * @throws StorageError `'CorruptState'` when the stored data does not match the stored
   *   root (or metadata is missing or malformed), `'EmptyStore'` for a read-only open of
   *   an empty store
   * @example
   * const storage = LmdbStorage.open('./chain.lmdb', { genesis: { state, topoheight: 0n } });
   * await executor.executeBlockOn(storage, { ...context, topoheight: 1n }, transactions);
   * await storage.close();
   */
  static open(path: string, options: LmdbStorageOptions = {}): LmdbStorage {
    if (options.readOnly && !existsSync(join(path, 'data.mdb'))) throw new StorageError('EmptyStore', `no chain stored at ${path}`);
    const storage = new LmdbStorage(path, options);
    try {
      storage.#initialise(options);
    } catch (error) {
      storage.#closeSync();
      throw error;
    }
    return storage;
  }

  #initialise(options: LmdbStorageOptions): void {
    // Malformed or half-present metadata (a topoheight without a root, say) throws here.
    const meta = this.readMeta();
    if (meta === undefined) {
      const empty = this.#entryCount(this.#accounts) + this.#entryCount(this.#assets) + this.#entryCount(this.#meta) + this.#entryCount(this.#balances) + this.#entryCount(this.#multisig) === 0;
      if (!empty) throw corrupt(this.path, 'data without chain metadata (topoheight)');
      if (options.readOnly) throw new StorageError('EmptyStore', `no chain stored at ${this.path}`);
      this.#writeGenesis(options.genesis ?? { state: EMPTY, topoheight: 0n });
      return;
    }
    const format = this.#meta.get(META_FORMAT);
    if (format === undefined || format.length !== 4 || format.readUInt32BE(0) !== LMDB_STORAGE_FORMAT) {
      throw corrupt(this.path, `unknown format ${format?.toString('hex') ?? '(none)'}, expected ${LMDB_STORAGE_FORMAT}`);
    }
    if (options.verify ?? true) {
      const recomputed = this.computeStoredStateRoot();
      if (recomputed !== meta.stateRoot) {
        throw corrupt(this.path, `the stored data at topoheight ${meta.topoheight} hashes to ${recomputed}, but the stored state root is ${meta.stateRoot}`);
      }
    }
  }

  #entryCount(db: Database<Buffer, Buffer>): number {
    return (db.getStats() as { entryCount: number }).entryCount;
  }

  #writeGenesis(genesis: StorageGenesis): void {
    const { state } = genesis;
    const root = computeStateRootFast(state);
    this.#env.transactionSync(() => {
      for (const [key, account] of state.accounts) {
        const keyBuffer = keyBytes(key);
        this.#accounts.putSync(keyBuffer, u64(account.nonce));
        for (const [asset, amount] of account.balances) this.#balances.putSync(Buffer.concat([keyBuffer, keyBytes(asset)]), u64(amount));
        if (account.multisig !== null) this.#multisig.putSync(keyBuffer, encodeMultisig(account.multisig));
      }
      for (const asset of state.assets) this.#assets.putSync(keyBytes(asset), PRESENT);
      this.#meta.putSync(META_FORMAT, u32(LMDB_STORAGE_FORMAT));
      this.#meta.putSync(META_BURNED, u64(state.burnedSupply));
      this.#meta.putSync(META_TOPOHEIGHT, u64(genesis.topoheight));
      this.#meta.putSync(META_STATE_ROOT, keyBytes(root));
    });
  }

  #check(): void {
    if (this.#closed) throw new StorageError('Closed', `the store at ${this.path} is closed`);
  }

  /**
   * The balance records of one account: the keys from `key` on that start with it. A record
   * whose key or value has the wrong length is corruption, not the end of the account.
   */
  *#balancesOf(key: Buffer): Generator<{ asset: AssetId; key: Buffer; value: Buffer }> {
    for (const { key: balanceKey, value } of this.#balances.getRange({ start: key })) {
      if (balanceKey.length < 32 || balanceKey.compare(key, 0, 32, 0, 32) !== 0) return;
      if (balanceKey.length !== 64 || value.length !== 8) throw corrupt(this.path, `malformed balance record ${balanceKey.toString('hex')}`);
      yield { asset: balanceKey.toString('hex', 32, 64), key: balanceKey, value };
    }
  }

  /** {@inheritDoc Storage.readAccount} */
  readAccount(publicKey: PublicKey): AccountRecord | undefined {
    this.#check();
    const key = keyBytes(publicKey);
    const nonce = this.#accounts.get(key);
    if (nonce === undefined) return undefined;
    const balances = new Map<AssetId, bigint>();
    for (const { asset, value } of this.#balancesOf(key)) balances.set(asset, value.readBigUInt64BE(0));
    const multisig = this.#multisig.get(key);
    return { nonce: nonce.readBigUInt64BE(0), balances, multisig: multisig === undefined ? null : this.#decodeMultisig(multisig) };
  }

  #decodeMultisig(value: Buffer): MultiSigConfig {
    const count = value[1] ?? 0;
    if (value.length !== 2 + 32 * count) throw corrupt(this.path, `multisig value of ${value.length} bytes for ${count} participants`);
    const participants: PublicKey[] = [];
    for (let index = 0; index < count; index++) participants.push(value.toString('hex', 2 + 32 * index, 34 + 32 * index));
    return { threshold: value[0]!, participants };
  }

  /** {@inheritDoc Storage.hasAsset} */
  hasAsset(asset: AssetId): boolean {
    this.#check();
    return this.#assets.doesExist(keyBytes(asset));
  }

  /** {@inheritDoc Storage.readBurnedSupply} */
  readBurnedSupply(): bigint {
    this.#check();
    const value = this.#meta.get(META_BURNED);
    if (value === undefined || value.length !== 8) throw corrupt(this.path, 'burned supply missing');
    return value.readBigUInt64BE(0);
  }

  /** {@inheritDoc Storage.readMeta} */
  readMeta(): CommitMeta | undefined {
    this.#check();
    const topoheight = this.#meta.get(META_TOPOHEIGHT);
    const root = this.#meta.get(META_STATE_ROOT);
    if (topoheight === undefined && root === undefined) return undefined;
    if (topoheight?.length !== 8 || root?.length !== 32) throw corrupt(this.path, 'topoheight or state root missing or malformed');
    return { topoheight: topoheight.readBigUInt64BE(0), stateRoot: root.toString('hex') };
  }

  /**
   * The last committed topoheight.
   *
   * @returns the topoheight of the stored state
   */
  readTopoheight(): bigint {
    return this.#requireMeta().topoheight;
  }

  /** The metadata, which an open store always has ({@link LmdbStorage.open} writes or checks it). */
  #requireMeta(): CommitMeta {
    const meta = this.readMeta();
    if (meta === undefined) throw corrupt(this.path, 'chain metadata missing');
    return meta;
  }

  /**
   * The number of stored accounts.
   *
   * @returns how many accounts exist
   */
  accountCount(): number {
    this.#check();
    return this.#entryCount(this.#accounts);
  }

  /**
   * Commit one block's writes and its metadata in ONE LMDB write transaction: every
   * touched account (nonce, every balance record, multisig set or removed), the burned
   * supply, the topoheight and the state root. A crash at any point leaves the previous
   * block or this one, never a mix.
   *
   * @param writes - the block's final records and burned supply
   * @param meta - required: the block's topoheight (the last plus 1) and the root of the post-state
   * @throws StorageError `'MissingMeta'` without `meta`, `'NonConsecutiveTopoheight'` when
   *   `meta.topoheight` is not the last committed topoheight plus 1; nothing is written
   */
  commit(writes: BlockWrites, meta?: CommitMeta): void {
    this.#check();
    if (meta === undefined) throw new StorageError('MissingMeta', 'LmdbStorage.commit needs the topoheight and state root of the block');
    this.#env.transactionSync(() => {
      // Checked inside the write transaction: no other writer can slip in between.
      const last = this.readTopoheight();
      if (meta.topoheight !== last + 1n) {
        throw new StorageError('NonConsecutiveTopoheight', `cannot commit topoheight ${meta.topoheight}: the last committed topoheight is ${last}`);
      }
      for (const [publicKey, record] of writes.accounts) {
        const key = keyBytes(publicKey);
        const existed = this.#accounts.doesExist(key);
        this.#accounts.putSync(key, u64(record.nonce));
        if (existed) {
          // Drop stored records the final record no longer has (R3 never removes one, but the store does not rely on it).
          const stale: Buffer[] = [];
          for (const { asset, key: balanceKey } of this.#balancesOf(key)) if (!record.balances.has(asset)) stale.push(Buffer.from(balanceKey));
          for (const balanceKey of stale) this.#balances.removeSync(balanceKey);
        }
        for (const [asset, amount] of record.balances) {
          const balanceKey = Buffer.allocUnsafe(64);
          key.copy(balanceKey, 0);
          balanceKey.write(asset, 32, 'hex');
          this.#balances.putSync(balanceKey, u64(amount));
        }
        if (record.multisig !== null) this.#multisig.putSync(key, encodeMultisig(record.multisig));
        else if (existed) this.#multisig.removeSync(key);
      }
      this.#meta.putSync(META_BURNED, u64(writes.burnedSupply));
      this.#meta.putSync(META_TOPOHEIGHT, u64(meta.topoheight));
      this.#meta.putSync(META_STATE_ROOT, keyBytes(meta.stateRoot));
      this.#beforeCommitEnd?.(meta.topoheight);
    });
  }

  /**
   * The state root (R4) of the committed state with `writes` applied on top, streamed
   * from the store in key order and merged with the writes; nothing is committed and no
   * whole state is built. The executor passes it to {@link LmdbStorage.commit}, whose
   * in-transaction topoheight check guarantees that the state it was computed on is the
   * one the writes land on (every commit advances the topoheight by exactly 1).
   *
   * @param writes - the block's writes
   * @returns the root of the state after committing them
   */
  stateRootAfter(writes: BlockWrites): Hash {
    this.#check();
    const pending = [...writes.accounts.keys()].sort().map((key) => ({ key: keyBytes(key), record: writes.accounts.get(key)! }));
    return this.#streamRoot(pending, writes.burnedSupply);
  }

  /**
   * Recompute the state root from the stored data alone (what {@link LmdbStorage.open} checks).
   *
   * @returns the root of the stored state
   */
  computeStoredStateRoot(): Hash {
    this.#check();
    return this.#streamRoot([], this.readBurnedSupply());
  }

  #streamRoot(pending: readonly { key: Buffer; record: AccountRecord }[], burnedSupply: bigint): Hash {
    const hasher = new RootHasher();
    hasher.bytes(ROOT_DOMAIN_BYTES);
    let created = 0;
    for (const { key } of pending) if (!this.#accounts.doesExist(key)) created++;
    hasher.u64(BigInt(this.#entryCount(this.#accounts) + created));
    const accounts = new Cursor(this.#accounts.getRange({}));
    const balances = new Cursor(this.#balances.getRange({}));
    const multisig = new Cursor(this.#multisig.getRange({}));
    let next = 0;
    const records: Buffer[] = [];
    try {
      for (;;) {
        const storedKey = accounts.key;
        const write = pending[next];
        if (storedKey === undefined && write === undefined) break;
        const order = storedKey === undefined ? 1 : write === undefined ? -1 : storedKey.compare(write.key);
        const key = order <= 0 ? storedKey! : write!.key;
        // A balance or multisig entry whose account does not exist is never consumed, stays
        // at its cursor and is reported after the loop.
        records.length = 0;
        while (balances.key !== undefined && balances.key.length >= 32 && balances.key.compare(key, 0, 32, 0, 32) === 0) {
          const value = balances.value!;
          if (balances.key.length !== 64 || value.length !== 8) throw corrupt(this.path, `malformed balance record ${balances.key.toString('hex')}`);
          records.push(balances.key.subarray(32), value);
          balances.next();
        }
        let storedMultisig: Buffer | undefined;
        if (multisig.key !== undefined && multisig.key.equals(key)) {
          storedMultisig = multisig.value;
          multisig.next();
        }
        if (order < 0) {
          // A stored account the block did not touch: its stored bytes are its root encoding.
          const nonce = accounts.value!;
          if (nonce.length !== 8) throw corrupt(this.path, `malformed nonce of ${key.toString('hex')}`);
          hasher.bytes(key);
          hasher.bytes(nonce);
          hasher.u64(BigInt(records.length / 2));
          for (const part of records) hasher.bytes(part);
          if (storedMultisig === undefined) hasher.u8(0);
          else {
            if (storedMultisig.length !== 2 + 32 * (storedMultisig[1] ?? 0)) throw corrupt(this.path, `malformed multisig of ${key.toString('hex')}`);
            hasher.u8(1);
            hasher.bytes(storedMultisig);
          }
        } else {
          // A written account (new, or replacing the stored one).
          const { record } = write!;
          hasher.bytes(key);
          hasher.u64(record.nonce);
          hasher.u64(BigInt(record.balances.size));
          for (const asset of [...record.balances.keys()].sort()) {
            hasher.bytes(keyBytes(asset));
            hasher.u64(record.balances.get(asset)!);
          }
          if (record.multisig === null) hasher.u8(0);
          else {
            hasher.u8(1);
            hasher.bytes(encodeMultisig(record.multisig));
          }
          next++;
        }
        if (order <= 0) accounts.next();
      }
      if (balances.key !== undefined) throw corrupt(this.path, `balance record ${balances.key.toString('hex')} without an account`);
      if (multisig.key !== undefined) throw corrupt(this.path, `multisig configuration ${multisig.key.toString('hex')} without an account`);
    } finally {
      accounts.close();
      balances.close();
      multisig.close();
    }
    const assets: Buffer[] = [];
    for (const { key } of this.#assets.getRange({})) assets.push(Buffer.from(key));
    hasher.u64(BigInt(assets.length));
    for (const asset of assets) {
      if (asset.length !== 32) throw corrupt(this.path, `malformed asset id ${asset.toString('hex')}`);
      hasher.bytes(asset);
    }
    hasher.u64(burnedSupply);
    return hasher.digest();
  }

  /** {@inheritDoc Storage.readState} */
  readState(): State {
    this.#check();
    const balancesByAccount = new Map<string, [AssetId, U64][]>();
    for (const { key, value } of this.#balances.getRange({})) {
      const owner = key.toString('hex', 0, 32);
      let list = balancesByAccount.get(owner);
      if (list === undefined) balancesByAccount.set(owner, (list = []));
      list.push([key.toString('hex', 32, 64), value.readBigUInt64BE(0) as U64]);
    }
    const multisigByAccount = new Map<string, MultiSigConfig>();
    for (const { key, value } of this.#multisig.getRange({})) multisigByAccount.set(key.toString('hex'), this.#decodeMultisig(value));
    const accounts = ImmutableMap<PublicKey, Account>().withMutations((map) => {
      for (const { key, value } of this.#accounts.getRange({})) {
        const publicKey = key.toString('hex');
        map.set(publicKey, {
          nonce: value.readBigUInt64BE(0) as U64,
          balances: ImmutableMap(balancesByAccount.get(publicKey) ?? []),
          multisig: multisigByAccount.get(publicKey) ?? null,
        });
      }
    });
    const assets = ImmutableSet<AssetId>([...this.#assets.getKeys({})].map((key) => key.toString('hex')));
    return { accounts, assets, burnedSupply: this.readBurnedSupply() as U64 };
  }

  /**
   * Everything `state-root --db` prints: topoheight, stored root, account count and the
   * recomputed root.
   *
   * @returns the stored chain's summary
   */
  inspect(): StoredChainInfo {
    const meta = this.#requireMeta();
    const recomputedRoot = this.computeStoredStateRoot();
    return { topoheight: meta.topoheight, stateRoot: meta.stateRoot, accountCount: this.accountCount(), recomputedRoot, matches: recomputedRoot === meta.stateRoot };
  }

  #closeSync(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#env.close();
  }

  /**
   * Close the store (idempotent).
   *
   * @returns when the environment is closed
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#env.close();
  }

  /**
   * Delete a store's directory (tests and demos).
   *
   * @param path - the store's directory
   */
  static destroy(path: string): void {
    rmSync(path, { recursive: true, force: true });
  }
}
