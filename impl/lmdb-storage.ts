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
 * | `meta` | ASCII name | `format` u32, `topoheight` u64, `stateRoot` (32), `burnedSupply` u64, `check` (32) |
 *
 * The values are the very bytes the state root (R4) hashes, and LMDB keeps keys in byte
 * order, which is the root's order: {@link LmdbStorage.stateRootAfter} streams the store
 * (merged with a block's pending writes) straight into BLAKE3 without building a state.
 *
 * @module lmdb-storage
 */

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { toRecord, type AccountRecord, type BlockWrites } from './records.ts';
import { computeStateRootFast, ROOT_DOMAIN_BYTES } from './state-root.ts';
import { checkLmdbDataFile } from './lmdb-file-check.ts';
import { WriterLock } from './store-lock.ts';

export { WRITER_LOCK_FILE } from './store-lock.ts';
import { checkBlockWrites, checkChainPosition, StorageError, type ChainPosition, type CommitMeta, type Storage } from './storage.ts';

/**
 * The on-disk format version written under the `format` metadata key. Version 2 added the
 * `check` metadata record (a digest binding format, topoheight, state root and burned
 * supply); a version-1 store is refused as `'CorruptState'` (unknown format).
 */
export const LMDB_STORAGE_FORMAT = 2;

/** The domain prefix of the metadata digest (`check`). */
export const META_CHECK_DOMAIN = 'tos-conformance/lmdb-meta/v2';

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
   * Before mapping an existing store, read all of it in a child process
   * (`lmdb-probe.mjs`), so that damage which would crash LMDB's native code crashes the
   * child and is reported as `'CorruptState'` (default: the value of `verify`, so true).
   * Costs one process start (about 0.1 s) plus a read of every record.
   */
  readonly probe?: boolean;
  /**
   * Test-only: called inside the commit's write transaction after every write, just
   * before it commits (crash tests sleep here to be killed mid-commit).
   */
  readonly beforeCommitEnd?: (topoheight: bigint) => void;
  /**
   * Test-only: called inside the commit's write transaction after each single write
   * (a put or a removal), with the number of writes so far (crash tests are killed
   * between the writes of one block).
   */
  readonly afterWrite?: (topoheight: bigint, writes: number) => void;
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
const META_CHECK = Buffer.from('check', 'ascii');
const META_CHECK_DOMAIN_BYTES = Buffer.from(META_CHECK_DOMAIN, 'ascii');
/** The probe script, next to this module in the sources and in a build alike. */
const PROBE_SCRIPT = fileURLToPath(new URL('./lmdb-probe.mjs', import.meta.url));
/** A probe that has not finished after this long is hung (it only detects a real hang). */
const PROBE_TIMEOUT_MS = 300_000;
/** Error codes of the file system that mean the disk or the system refused, not damage. */
/** The same failures as LMDB words them (it reports strerror text, not the code). */
const IO_MESSAGES = /No space left on device|Disk quota exceeded|Input\/output error|Read-only file system|Permission denied|Operation not permitted|Cannot allocate memory|Too many open files|File too large/;
const IO_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EACCES', 'EPERM', 'ENOMEM', 'EMFILE', 'ENFILE', 'EFBIG', 'EBUSY', 'EAGAIN']);
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

function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? /\b(E[A-Z]{2,})\b/.exec(message)?.[1] : undefined;
}

/**
 * A failure of LMDB or the file system as a typed error: disk full, permissions and the
 * like are `'IoFailure'`, anything else LMDB reports about its file is `'CorruptState'`.
 */
function asStorageError(path: string, doing: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const errno = errnoOf(error);
  if ((errno !== undefined && IO_CODES.has(errno)) || IO_MESSAGES.test(message)) return new StorageError('IoFailure', `${doing} the store at ${path} failed: ${message}`);
  return corrupt(path, `${doing} failed: ${message}`);
}

/** The metadata digest: BLAKE3 over the domain, format, topoheight, state root and burned supply. */
function metaCheck(format: number, topoheight: bigint, stateRoot: Buffer, burnedSupply: bigint): Buffer {
  return Buffer.from(blake3(Buffer.concat([META_CHECK_DOMAIN_BYTES, u32(format), u64(topoheight), stateRoot, u64(burnedSupply)])));
}

/**
 * Make sure `path` is a directory a store can live in, before LMDB sees it: an existing
 * path must be a readable (and, for a writer, writable) directory; a missing one is
 * created for a writer, one level at a time (a recursive create can spin forever on a
 * pseudo file system such as `/proc`), and is an empty store for a reader.
 *
 * @returns whether the directory exists now
 */
function prepareDirectory(path: string, readOnly: boolean): boolean {
  let exists = true;
  try {
    if (!statSync(path).isDirectory()) throw new StorageError('BadPath', `the store path ${path} is not a directory`);
  } catch (error) {
    if (error instanceof StorageError) throw error;
    if (errnoOf(error) !== 'ENOENT') throw new StorageError('BadPath', `the store path ${path} cannot be used: ${(error as Error).message}`);
    exists = false;
  }
  if (!exists) {
    if (readOnly) return false;
    const missing: string[] = [];
    for (let at = resolve(path); !existsSync(at); at = dirname(at)) {
      missing.unshift(at);
      if (dirname(at) === at) break;
    }
    for (const directory of missing) {
      try {
        mkdirSync(directory);
      } catch (error) {
        if (errnoOf(error) === 'EEXIST' && statSync(directory, { throwIfNoEntry: false })?.isDirectory()) continue;
        throw new StorageError('BadPath', `cannot create the store directory ${path}: ${(error as Error).message}`);
      }
    }
  }
  try {
    accessSync(path, readOnly ? constants.R_OK | constants.X_OK : constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StorageError('BadPath', `the store directory ${path} is not ${readOnly ? 'readable' : 'readable and writable'}: ${(error as Error).message}`);
  }
  return true;
}

/**
 * Check an existing `data.mdb` before LMDB maps it: the meta pages against the file's
 * size ({@link checkLmdbDataFile}), then, when `probe` is set, a full read in a child
 * process.
 *
 * @returns whether a data file exists
 */
function checkDataFile(path: string, probe: boolean): boolean {
  const file = join(path, 'data.mdb');
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return false;
  if (!stat.isFile()) throw new StorageError('BadPath', `${file} is not a regular file`);
  if (stat.size === 0) throw corrupt(path, 'data.mdb is empty (a store whose creation did not finish, or a truncated one)');
  let check: ReturnType<typeof checkLmdbDataFile>;
  try {
    check = checkLmdbDataFile(file);
  } catch (error) {
    throw asStorageError(path, 'reading data.mdb', error);
  }
  if (!check.ok) throw corrupt(path, `data.mdb: ${check.problem}`);
  if (probe) probeStore(path);
  return true;
}

/**
 * Read a whole store in a child process (`lmdb-probe.mjs`) and refuse it when the child
 * crashes or LMDB reports an error there.
 *
 * @param path - the store's directory
 * @throws StorageError `'CorruptState'` when the probe crashed, hung or failed,
 *   `'IoFailure'` when it could not be started
 * @example
 * probeStore('./chain');
 */
export function probeStore(path: string): void {
  const run = spawnSync(process.execPath, [PROBE_SCRIPT, path], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.error !== undefined && (run.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') {
    throw new StorageError('IoFailure', `cannot start the read probe of the store at ${path}: ${run.error.message}`);
  }
  if (run.signal !== null) {
    const hung = (run.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    throw corrupt(path, hung ? `reading the store did not finish in ${PROBE_TIMEOUT_MS / 1000} s` : `reading the store crashed the reader (${run.signal}): the data file is damaged`);
  }
  if (run.status !== 0) {
    const detail = run.stderr.trim().split('\n').at(-1) ?? '';
    throw corrupt(path, `LMDB cannot read the store (${detail || `probe exit code ${run.status}`})`);
  }
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
 * {@link LmdbStorage.close}. One open for writing per store at a time (the writer lock,
 * across processes); any number of read-only opens, which see each committed block.
 */
export class LmdbStorage implements Storage {
  readonly #env: RootDatabase<Buffer, Buffer>;
  readonly #accounts: Database<Buffer, Buffer>;
  readonly #balances: Database<Buffer, Buffer>;
  readonly #multisig: Database<Buffer, Buffer>;
  readonly #assets: Database<Buffer, Buffer>;
  readonly #meta: Database<Buffer, Buffer>;
  readonly #beforeCommitEnd: LmdbStorageOptions['beforeCommitEnd'];
  readonly #afterWrite: LmdbStorageOptions['afterWrite'];
  readonly #readOnly: boolean;
  readonly #lock: WriterLock | undefined;
  #closed = false;

  /** The store's directory. */
  readonly path: string;

  private constructor(path: string, options: LmdbStorageOptions, lock: WriterLock | undefined) {
    this.path = path;
    this.#beforeCommitEnd = options.beforeCommitEnd;
    this.#afterWrite = options.afterWrite;
    this.#readOnly = options.readOnly ?? false;
    this.#lock = lock;
    // useWritemap stays off (the default): writes go through pwrite, so a full disk is an
    // ENOSPC error from the commit, never a SIGBUS on a mapped page.
    this.#env = open<Buffer, Buffer>({ path, noSubdir: false, maxDbs: 8, readOnly: this.#readOnly, useWritemap: false, encoding: 'binary', keyEncoding: 'binary' });
    // A read-only open does not create databases: a missing one is undefined here.
    const missing: string[] = [];
    const sub = (name: string): Database<Buffer, Buffer> => {
      const db = this.#env.openDB<Buffer, Buffer>(name, { encoding: 'binary', keyEncoding: 'binary' }) as Database<Buffer, Buffer> | undefined;
      if (db === undefined) missing.push(name);
      return db!;
    };
    this.#accounts = sub('accounts');
    this.#balances = sub('balances');
    this.#multisig = sub('multisig');
    this.#assets = sub('assets');
    this.#meta = sub('meta');
    if (missing.length > 0) {
      void this.#env.close();
      if (missing.length === 5) throw new StorageError('EmptyStore', `no chain stored at ${path}`);
      throw corrupt(path, `the ${missing.join(', ')} database${missing.length === 1 ? ' is' : 's are'} missing`);
    }
  }

  /**
   * Open (creating if needed) a store. An empty store is initialised with
   * `options.genesis` (default: the empty state at topoheight 0) in one write
   * transaction. A store with a chain is checked: the root recomputed from the stored
   * data must equal the stored root.
   *
   * Before LMDB maps anything, the path must be a usable directory and an existing
   * `data.mdb` must pass the meta-page checks (see `checkLmdbDataFile`) and, unless
   * `probe` is false, a full read in a child process ({@link probeStore}). A writer takes
   * the store's writer lock; a read-only open takes none.
   *
   * @param path - the store's directory
   * @param options - genesis, read-only, verification, probe
   * @returns the open store
   * @throws StorageError `'CorruptState'` when the stored data does not match the stored
   *   root (or metadata is missing, malformed or fails its digest, or the data file is
   *   damaged), `'EmptyStore'` for a read-only open of an empty store, `'BadPath'` when
   *   the path cannot hold a store, `'Locked'` when another writer holds the store,
   *   `'IoFailure'` when the file system refuses (a full disk)
   * @example
   * const storage = LmdbStorage.open('./chain.lmdb', { genesis: { state, topoheight: 0n } });
   * await executor.executeBlockOn(storage, { ...context, topoheight: 1n }, transactions);
   * await storage.close();
   */
  static open(path: string, options: LmdbStorageOptions = {}): LmdbStorage {
    const readOnly = options.readOnly ?? false;
    const empty = (): StorageError => new StorageError('EmptyStore', `no chain stored at ${path}`);
    if (!prepareDirectory(path, readOnly)) throw empty();
    const lock = readOnly ? undefined : WriterLock.acquire(path);
    let storage: LmdbStorage;
    try {
      // Under the lock: no other writer can change the file between the checks and the mapping.
      if (!checkDataFile(path, options.probe ?? options.verify ?? true) && readOnly) throw empty();
      storage = new LmdbStorage(path, options, lock);
    } catch (error) {
      lock?.release();
      throw asStorageError(path, 'opening', error);
    }
    try {
      storage.#initialise(options);
    } catch (error) {
      storage.#closeSync();
      throw asStorageError(path, 'opening', error);
    }
    return storage;
  }

  #initialise(options: LmdbStorageOptions): void {
    // Malformed, half-present or edited metadata (a topoheight without a root, say) throws here.
    const meta = this.#storedMeta();
    if (meta === undefined) {
      const empty = this.#entryCount(this.#accounts) + this.#entryCount(this.#assets) + this.#entryCount(this.#meta) + this.#entryCount(this.#balances) + this.#entryCount(this.#multisig) === 0;
      if (!empty) throw corrupt(this.path, 'data without chain metadata (topoheight)');
      if (options.readOnly) throw new StorageError('EmptyStore', `no chain stored at ${this.path}`);
      this.#writeGenesis(options.genesis ?? { state: EMPTY, topoheight: 0n });
      return;
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
    // The genesis is held to the same rules as a block's writes.
    checkBlockWrites({ accounts: new Map([...state.accounts].map(([key, account]) => [key, toRecord(account)])), burnedSupply: state.burnedSupply });
    checkChainPosition({ topoheight: genesis.topoheight, stateRoot: '00'.repeat(32) }, 'genesis');
    for (const asset of state.assets) if (!/^[0-9a-f]{64}$/.test(asset)) throw new StorageError('InvalidWrite', `refused genesis: asset ${asset} is not 32 bytes of lowercase hex; nothing was written`);
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
      this.#putMeta(genesis.topoheight, keyBytes(root), state.burnedSupply);
    });
  }

  /** Write the chain metadata and its digest (inside a write transaction). */
  #putMeta(topoheight: bigint, stateRoot: Buffer, burnedSupply: bigint, wrote: () => void = () => undefined): void {
    this.#meta.putSync(META_BURNED, u64(burnedSupply));
    wrote();
    this.#meta.putSync(META_TOPOHEIGHT, u64(topoheight));
    wrote();
    this.#meta.putSync(META_STATE_ROOT, stateRoot);
    wrote();
    this.#meta.putSync(META_CHECK, metaCheck(LMDB_STORAGE_FORMAT, topoheight, stateRoot, burnedSupply));
    wrote();
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

  /**
   * The metadata of the last commit: its topoheight and state root.
   *
   * A read-only store first drops its read snapshot, so it sees the latest block another
   * process committed. The metadata is checked against its digest on every read.
   *
   * @returns the last committed topoheight and state root, or `undefined` when none
   * @throws StorageError `'CorruptState'` when the metadata is malformed or fails its digest
   */
  readMeta(): ChainPosition | undefined {
    this.#check();
    this.#refresh();
    return this.#storedMeta();
  }

  /** A read-only store reads from a fresh snapshot (lmdb-js otherwise keeps one until the next event-loop turn). */
  #refresh(): void {
    if (this.#readOnly) this.#env.resetReadTxn();
  }

  /**
   * The stored metadata from the current snapshot: topoheight and root, checked with the
   * format and the burned supply against the `check` digest.
   */
  #storedMeta(): ChainPosition | undefined {
    const topoheight = this.#meta.get(META_TOPOHEIGHT);
    const root = this.#meta.get(META_STATE_ROOT);
    if (topoheight === undefined && root === undefined) return undefined;
    if (topoheight?.length !== 8 || root?.length !== 32) throw corrupt(this.path, 'topoheight or state root missing or malformed');
    const format = this.#meta.get(META_FORMAT);
    if (format === undefined || format.length !== 4 || format.readUInt32BE(0) !== LMDB_STORAGE_FORMAT) {
      throw corrupt(this.path, `unknown format ${format?.toString('hex') ?? '(none)'}, expected ${LMDB_STORAGE_FORMAT}`);
    }
    const burned = this.#meta.get(META_BURNED);
    if (burned === undefined || burned.length !== 8) throw corrupt(this.path, 'burned supply missing');
    const check = this.#meta.get(META_CHECK);
    const position = { topoheight: topoheight.readBigUInt64BE(0), stateRoot: root.toString('hex') };
    if (check === undefined || !metaCheck(LMDB_STORAGE_FORMAT, position.topoheight, root, burned.readBigUInt64BE(0)).equals(check)) {
      throw corrupt(this.path, `the metadata (topoheight ${position.topoheight}, state root, burned supply) does not match its check digest`);
    }
    return position;
  }

  /**
   * The last committed topoheight.
   *
   * @returns the topoheight of the stored state
   */
  readTopoheight(): bigint {
    this.#check();
    this.#refresh();
    return this.#requireMeta().topoheight;
  }

  /** The metadata, which an open store always has ({@link LmdbStorage.open} writes or checks it). */
  #requireMeta(): ChainPosition {
    const meta = this.#storedMeta();
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
   * supply, the topoheight, the state root and their digest. A crash at any point leaves
   * the previous block or this one, never a mix.
   *
   * Before anything is written, every record is checked ({@link checkBlockWrites}), and,
   * inside the write transaction, the store must still stand exactly at `meta.base` (the
   * position the block was executed against) and `meta.topoheight` must be the next one.
   *
   * @param writes - the block's final records and burned supply
   * @param meta - required: the block's topoheight (the last plus 1), the root of the
   *   post-state and the base the block was executed against
   * @throws StorageError `'MissingMeta'` without `meta` or its base, `'InvalidWrite'` for a
   *   record or root that could not be read back, `'StaleBase'` when the store is no
   *   longer at `meta.base`, `'NonConsecutiveTopoheight'` when `meta.topoheight` is not the
   *   last committed topoheight plus 1, `'ReadOnly'` on a read-only store, `'IoFailure'`
   *   when the file system refuses the write (a full disk); nothing is written
   */
  commit(writes: BlockWrites, meta?: CommitMeta): void {
    this.#check();
    if (meta === undefined) throw new StorageError('MissingMeta', 'LmdbStorage.commit needs the topoheight, state root and base of the block');
    const { base } = meta;
    if (base === undefined) throw new StorageError('MissingMeta', 'LmdbStorage.commit needs the base (topoheight and state root) the block was executed against');
    if (this.#readOnly) throw new StorageError('ReadOnly', `the store at ${this.path} is open read-only`);
    checkChainPosition(meta, 'commit');
    checkChainPosition(base, 'base');
    checkBlockWrites(writes);
    try {
      this.#env.transactionSync(() => this.#write(writes, meta, base));
    } catch (error) {
      throw asStorageError(this.path, 'committing to', error);
    }
  }

  /** The body of {@link LmdbStorage.commit}'s write transaction (a throw aborts it). */
  #write(writes: BlockWrites, meta: CommitMeta, base: ChainPosition): void {
    {
      // Checked inside the write transaction: no other writer can slip in between.
      const stored = this.#requireMeta();
      if (stored.topoheight !== base.topoheight || stored.stateRoot !== base.stateRoot) {
        throw new StorageError(
          'StaleBase',
          `cannot commit topoheight ${meta.topoheight}: it was executed against topoheight ${base.topoheight} (root ${base.stateRoot}), but the store is at topoheight ${stored.topoheight} (root ${stored.stateRoot})`,
        );
      }
      const last = stored.topoheight;
      if (meta.topoheight !== last + 1n) {
        throw new StorageError('NonConsecutiveTopoheight', `cannot commit topoheight ${meta.topoheight}: the last committed topoheight is ${last}`);
      }
      let count = 0;
      const hook = this.#afterWrite;
      const wrote = hook === undefined ? () => undefined : () => hook(meta.topoheight, ++count);
      for (const [publicKey, record] of writes.accounts) {
        const key = keyBytes(publicKey);
        const existed = this.#accounts.doesExist(key);
        this.#accounts.putSync(key, u64(record.nonce));
        wrote();
        if (existed) {
          // Drop stored records the final record no longer has (R3 never removes one, but the store does not rely on it).
          const stale: Buffer[] = [];
          for (const { asset, key: balanceKey } of this.#balancesOf(key)) if (!record.balances.has(asset)) stale.push(Buffer.from(balanceKey));
          for (const balanceKey of stale) {
            this.#balances.removeSync(balanceKey);
            wrote();
          }
        }
        for (const [asset, amount] of record.balances) {
          const balanceKey = Buffer.allocUnsafe(64);
          key.copy(balanceKey, 0);
          balanceKey.write(asset, 32, 'hex');
          this.#balances.putSync(balanceKey, u64(amount));
          wrote();
        }
        if (record.multisig !== null) this.#multisig.putSync(key, encodeMultisig(record.multisig));
        else if (existed) this.#multisig.removeSync(key);
        wrote();
      }
      this.#putMeta(meta.topoheight, keyBytes(meta.stateRoot), writes.burnedSupply, wrote);
      this.#beforeCommitEnd?.(meta.topoheight);
    }
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
    this.#refresh();
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
    this.#refresh();
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
    this.#check();
    this.#refresh();
    const meta = this.#requireMeta();
    // One snapshot: no refresh between the metadata and the root.
    const recomputedRoot = this.#streamRoot([], this.readBurnedSupply());
    return { topoheight: meta.topoheight, stateRoot: meta.stateRoot, accountCount: this.accountCount(), recomputedRoot, matches: recomputedRoot === meta.stateRoot };
  }

  #closeSync(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Only synchronous writes are ever made, so nothing is pending: the lock can go now.
    this.#lock?.release();
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
    try {
      await this.#env.close();
    } finally {
      this.#lock?.release();
    }
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
