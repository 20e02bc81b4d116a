/**
 * LmdbStorage beyond the happy chain: reads of every kind of record, commits that remove
 * balance records and multisig configurations, neighbouring keys, a closed store, read-only
 * opens, and every corruption `open` must report as a typed `CorruptState` error (written
 * behind the store's back with a raw LMDB handle), each with the message a person needs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { LMDB_STORAGE_FORMAT, LmdbStorage, type AccountRecord } from '../../impl/index.ts';
import { computeStateRoot, createState, stateToJson, TOS_ASSET, type State } from '../../spec/index.ts';
import { useStorePaths } from '../support/lifetimes.ts';
import { caught } from '../support/storage.ts';

const freshPath = useStorePaths('tos-lmdb-edges-');

/** Keys that share 31 of their 32 bytes, so a prefix scan that overruns an account shows. */
const A = 'aa'.repeat(31) + '01';
const B = 'aa'.repeat(31) + '02';
const C = 'cc'.repeat(32);
const P1 = '11'.repeat(32);
const P2 = '22'.repeat(32);
const ASSET = '55'.repeat(32);
const UNKNOWN_ASSET = '66'.repeat(32);

const genesis: State = createState({
  accounts: [
    { publicKey: A, nonce: 3n, balances: [[TOS_ASSET, 100n], [ASSET, 7n]] },
    { publicKey: B, nonce: 0n, balances: [[TOS_ASSET, 1n], [ASSET, 2n]], multisig: { threshold: 2, participants: [P1, P2] } },
    { publicKey: C, nonce: 9n, balances: [] },
  ],
  assets: [ASSET],
  burnedSupply: 12n,
});

function openWith(state: State = genesis, topoheight = 0n): { path: string; storage: LmdbStorage } {
  const path = freshPath();
  return { path, storage: LmdbStorage.open(path, { genesis: { state, topoheight } }) };
}

/** A raw handle on a store's five databases, to corrupt it behind LmdbStorage's back. */
async function tamper(path: string, change: (dbs: Record<'accounts' | 'balances' | 'multisig' | 'assets' | 'meta', Database<Buffer, Buffer>>) => void): Promise<void> {
  const env: RootDatabase<Buffer, Buffer> = open<Buffer, Buffer>({ path, noSubdir: false, maxDbs: 8, keyEncoding: 'binary', encoding: 'binary' });
  const db = (name: string) => env.openDB<Buffer, Buffer>(name, { keyEncoding: 'binary', encoding: 'binary' });
  change({ accounts: db('accounts'), balances: db('balances'), multisig: db('multisig'), assets: db('assets'), meta: db('meta') });
  await env.close();
}

const hex = (value: string): Buffer => Buffer.from(value, 'hex');
const u64 = (value: bigint): Buffer => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(value);
  return bytes;
};

describe('LmdbStorage reads', () => {
  it('reads back every record of the genesis state, and nothing of its neighbours', async () => {
    const { path, storage } = openWith();
    expect(storage.readAccount(A)).toEqual({ nonce: 3n, balances: new Map([[TOS_ASSET, 100n], [ASSET, 7n]]), multisig: null });
    expect(storage.readAccount(B)).toEqual({ nonce: 0n, balances: new Map([[TOS_ASSET, 1n], [ASSET, 2n]]), multisig: { threshold: 2, participants: [P1, P2] } });
    expect(storage.readAccount(C)).toEqual({ nonce: 9n, balances: new Map(), multisig: null });
    expect(storage.readAccount('aa'.repeat(32))).toBeUndefined();
    expect(storage.hasAsset(TOS_ASSET)).toBe(true);
    expect(storage.hasAsset(ASSET)).toBe(true);
    expect(storage.hasAsset(UNKNOWN_ASSET)).toBe(false);
    expect(storage.readBurnedSupply()).toBe(12n);
    expect(storage.accountCount()).toBe(3);
    expect(storage.readTopoheight()).toBe(0n);
    expect(stateToJson(storage.readState())).toEqual(stateToJson(genesis));
    const root = computeStateRoot(genesis);
    expect(storage.computeStoredStateRoot()).toBe(root);
    expect(storage.inspect()).toEqual({ topoheight: 0n, stateRoot: root, accountCount: 3, recomputedRoot: root, matches: true });
    await storage.close();
    // Reopened read-only: the same data, verified.
    const readOnly = LmdbStorage.open(path, { readOnly: true });
    expect(readOnly.readAccount(B)?.multisig).toEqual({ threshold: 2, participants: [P1, P2] });
    await readOnly.close();
  });

  it('an empty genesis is the empty state at topoheight 0 with TOS registered', async () => {
    const path = freshPath();
    const storage = LmdbStorage.open(path);
    expect(storage.readTopoheight()).toBe(0n);
    expect(storage.accountCount()).toBe(0);
    expect(storage.hasAsset(TOS_ASSET)).toBe(true);
    expect(storage.computeStoredStateRoot()).toBe(computeStateRoot(createState({})));
    await storage.close();
  });

  it('a genesis at topoheight 5 takes block 6 next', async () => {
    const { storage } = openWith(genesis, 5n);
    const writes = { accounts: new Map<string, AccountRecord>(), burnedSupply: 12n };
    const root = storage.stateRootAfter(writes);
    expect(caught(() => storage.commit(writes, { topoheight: 5n, stateRoot: root, base: storage.readMeta()! })).code).toBe('NonConsecutiveTopoheight');
    storage.commit(writes, { topoheight: 6n, stateRoot: root, base: storage.readMeta()! });
    expect(storage.readMeta()).toEqual({ topoheight: 6n, stateRoot: root });
    await storage.close();
  });

  it('hashes a state larger than the 64 KiB hashing buffer exactly as the spec does', async () => {
    const many = createState({
      accounts: Array.from({ length: 1500 }, (_, index) => ({
        publicKey: index.toString(16).padStart(64, '0'),
        nonce: BigInt(index),
        balances: [[TOS_ASSET, BigInt(index) * 3n]] as [string, bigint][],
      })),
    });
    const { storage } = openWith(many);
    expect(storage.computeStoredStateRoot()).toBe(computeStateRoot(many));
    await storage.close();
  });
});

describe('LmdbStorage commits', () => {
  it('drops balance records and a multisig configuration the new records no longer have, adds new ones, leaves neighbours alone', async () => {
    const { storage } = openWith();
    const writes = {
      accounts: new Map<string, AccountRecord>([
        // A loses its ASSET record and gains a configuration.
        [A, { nonce: 4n, balances: new Map([[TOS_ASSET, 90n]]), multisig: { threshold: 1, participants: [P2] } }],
        // B's configuration is deleted, and so is its ASSET record (B's records do not come
        // first in the store, so this also shows the scan starts at B's own key).
        [B, { nonce: 1n, balances: new Map([[TOS_ASSET, 1n]]), multisig: null }],
        // A new account, with a configuration.
        ['bb'.repeat(32), { nonce: 0n, balances: new Map([[ASSET, 5n]]), multisig: { threshold: 1, participants: [P1] } }],
      ]),
      burnedSupply: 20n,
    };
    const expected = createState({
      accounts: [
        { publicKey: A, nonce: 4n, balances: [[TOS_ASSET, 90n]], multisig: { threshold: 1, participants: [P2] } },
        { publicKey: B, nonce: 1n, balances: [[TOS_ASSET, 1n]] },
        { publicKey: C, nonce: 9n, balances: [] },
        { publicKey: 'bb'.repeat(32), nonce: 0n, balances: [[ASSET, 5n]], multisig: { threshold: 1, participants: [P1] } },
      ],
      assets: [ASSET],
      burnedSupply: 20n,
    });
    const root = storage.stateRootAfter(writes);
    expect(root).toBe(computeStateRoot(expected));
    // Computing the root wrote nothing.
    expect(storage.readAccount(A)?.balances.get(ASSET)).toBe(7n);
    storage.commit(writes, { topoheight: 1n, stateRoot: root, base: storage.readMeta()! });
    expect(storage.readAccount(A)).toEqual({ nonce: 4n, balances: new Map([[TOS_ASSET, 90n]]), multisig: { threshold: 1, participants: [P2] } });
    expect(storage.readAccount(B)).toEqual({ nonce: 1n, balances: new Map([[TOS_ASSET, 1n]]), multisig: null });
    expect(storage.readAccount(C)).toEqual({ nonce: 9n, balances: new Map(), multisig: null });
    expect(storage.accountCount()).toBe(4);
    expect(stateToJson(storage.readState())).toEqual(stateToJson(expected));
    expect(storage.computeStoredStateRoot()).toBe(root);
    expect(storage.readBurnedSupply()).toBe(20n);
    await storage.close();
  });
});

describe('LmdbStorage.destroy', () => {
  it('removes a store directory, and does nothing for one that does not exist', async () => {
    const { path, storage } = openWith();
    await storage.close();
    expect(existsSync(join(path, 'data.mdb'))).toBe(true);
    LmdbStorage.destroy(path);
    expect(existsSync(path)).toBe(false);
    expect(() => LmdbStorage.destroy(path)).not.toThrow();
  });
});

describe('LmdbStorage closed and read-only', () => {
  it('every operation on a closed store is a typed Closed error; closing twice is fine', async () => {
    const { path, storage } = openWith();
    await storage.close();
    await storage.close();
    const writes = { accounts: new Map<string, AccountRecord>(), burnedSupply: 0n };
    const operations: (() => unknown)[] = [
      () => storage.readAccount(A),
      () => storage.hasAsset(TOS_ASSET),
      () => storage.readBurnedSupply(),
      () => storage.readMeta(),
      () => storage.accountCount(),
      () => storage.readState(),
      () => storage.stateRootAfter(writes),
      () => storage.computeStoredStateRoot(),
      () => storage.commit(writes, { topoheight: 1n, stateRoot: '00'.repeat(32), base: { topoheight: 0n, stateRoot: '00'.repeat(32) } }),
      () => storage.inspect(),
    ];
    for (const operation of operations) {
      const error = caught(operation);
      expect(error.code).toBe('Closed');
      expect(error.message).toBe(`the store at ${path} is closed`);
    }
  });

  it('a read-only open of a directory without a chain is EmptyStore, whether or not LMDB files exist', async () => {
    const missing = join(freshPath(), 'nothing-here');
    expect(caught(() => LmdbStorage.open(missing, { readOnly: true }))).toMatchObject({ code: 'EmptyStore', message: `no chain stored at ${missing}` });
    const empty = freshPath();
    await tamper(empty, () => undefined);
    expect(caught(() => LmdbStorage.open(empty, { readOnly: true }))).toMatchObject({ code: 'EmptyStore', message: `no chain stored at ${empty}` });
  });
});

describe('LmdbStorage.open reports corruption as CorruptState', () => {
  const cases: readonly [string, (dbs: Parameters<Parameters<typeof tamper>[1]>[0]) => void, (path: string) => string][] = [
    ['a state root without a topoheight', ({ meta }) => meta.removeSync(Buffer.from('topoheight')), (path) => `corrupt store at ${path}: topoheight or state root missing or malformed`],
    ['an unknown format', ({ meta }) => meta.putSync(Buffer.from('format'), Buffer.from([0, 0, 0, LMDB_STORAGE_FORMAT + 1])), (path) => `corrupt store at ${path}: unknown format 0000000${LMDB_STORAGE_FORMAT + 1}, expected ${LMDB_STORAGE_FORMAT}`],
    ['the previous format (1, before the metadata digest)', ({ meta }) => meta.putSync(Buffer.from('format'), Buffer.from([0, 0, 0, 1])), (path) => `corrupt store at ${path}: unknown format 00000001, expected ${LMDB_STORAGE_FORMAT}`],
    ['no format at all', ({ meta }) => meta.removeSync(Buffer.from('format')), (path) => `corrupt store at ${path}: unknown format (none), expected ${LMDB_STORAGE_FORMAT}`],
    ['a format of the wrong width', ({ meta }) => meta.putSync(Buffer.from('format'), Buffer.from([0, 1])), (path) => `corrupt store at ${path}: unknown format 0001, expected ${LMDB_STORAGE_FORMAT}`],
    ['a malformed topoheight', ({ meta }) => meta.putSync(Buffer.from('topoheight'), Buffer.from([0, 0, 0, 1])), (path) => `corrupt store at ${path}: topoheight or state root missing or malformed`],
    ['no state root', ({ meta }) => meta.removeSync(Buffer.from('stateRoot')), (path) => `corrupt store at ${path}: topoheight or state root missing or malformed`],
    ['no burned supply', ({ meta }) => meta.removeSync(Buffer.from('burnedSupply')), (path) => `corrupt store at ${path}: burned supply missing`],
    ['a malformed burned supply', ({ meta }) => meta.putSync(Buffer.from('burnedSupply'), Buffer.from([1])), (path) => `corrupt store at ${path}: burned supply missing`],
    ['a balance record before every account', ({ balances }) => balances.putSync(hex('01'.repeat(32) + TOS_ASSET), u64(1n)), (path) => `corrupt store at ${path}: balance record ${'01'.repeat(32) + TOS_ASSET} without an account`],
    ['a balance record after every account', ({ balances }) => balances.putSync(hex('ee'.repeat(32) + TOS_ASSET), u64(1n)), (path) => `corrupt store at ${path}: balance record ${'ee'.repeat(32) + TOS_ASSET} without an account`],
    ['a multisig configuration before every account', ({ multisig }) => multisig.putSync(hex('01'.repeat(32)), Buffer.from([1, 1, ...hex(P1)])), (path) => `corrupt store at ${path}: multisig configuration ${'01'.repeat(32)} without an account`],
    ['a multisig configuration after every account', ({ multisig }) => multisig.putSync(hex('ee'.repeat(32)), Buffer.from([1, 1, ...hex(P1)])), (path) => `corrupt store at ${path}: multisig configuration ${'ee'.repeat(32)} without an account`],
    ['a balance of 4 bytes', ({ balances }) => balances.putSync(hex(A + TOS_ASSET), Buffer.from([0, 0, 0, 1])), (path) => `corrupt store at ${path}: malformed balance record ${A + TOS_ASSET}`],
    ['a balance key of 2 bytes', ({ balances }) => balances.putSync(Buffer.from([1, 2]), u64(1n)), (path) => `corrupt store at ${path}: balance record 0102 without an account`],
    ['a balance key of 40 bytes', ({ balances }) => balances.putSync(hex(A + '00'.repeat(8)), u64(1n)), (path) => `corrupt store at ${path}: malformed balance record ${A + '00'.repeat(8)}`],
    ['a balance key of 32 bytes, equal to an account key', ({ balances }) => balances.putSync(hex(C), u64(1n)), (path) => `corrupt store at ${path}: malformed balance record ${C}`],
    ['a nonce of 4 bytes', ({ accounts }) => accounts.putSync(hex(C), Buffer.from([0, 0, 0, 9])), (path) => `corrupt store at ${path}: malformed nonce of ${C}`],
    ['a multisig value too short for its count', ({ multisig }) => multisig.putSync(hex(B), Buffer.from([2, 2, ...hex(P1)])), (path) => `corrupt store at ${path}: malformed multisig of ${B}`],
    ['an asset id of 31 bytes', ({ assets }) => assets.putSync(hex('77'.repeat(31)), Buffer.alloc(0)), (path) => `corrupt store at ${path}: malformed asset id ${'77'.repeat(31)}`],
  ];
  for (const [name, change, message] of cases) {
    it(name, async () => {
      const { path, storage } = openWith();
      await storage.close();
      await tamper(path, change);
      const error = caught(() => LmdbStorage.open(path));
      expect(error.code).toBe('CorruptState');
      expect(error.message).toBe(message(path));
    });
  }

  it('data in a store without any metadata at all is corrupt, not empty, whichever databases hold it', async () => {
    // One account plus one entry in each other database in turn: every database counts.
    const extras: readonly ((dbs: Parameters<Parameters<typeof tamper>[1]>[0]) => void)[] = [
      () => undefined,
      ({ balances }) => balances.putSync(hex(A + TOS_ASSET), u64(1n)),
      ({ multisig }) => multisig.putSync(hex(A), Buffer.from([1, 1, ...hex(P1)])),
      ({ assets }) => assets.putSync(hex(ASSET), Buffer.alloc(0)),
      ({ meta }) => meta.putSync(Buffer.from('format'), Buffer.from([0, 0, 0, 1])),
    ];
    for (const extra of extras) {
      const path = freshPath();
      await tamper(path, (dbs) => {
        dbs.accounts.putSync(hex(A), u64(0n));
        extra(dbs);
      });
      expect(caught(() => LmdbStorage.open(path))).toMatchObject({ code: 'CorruptState', message: `corrupt store at ${path}: data without chain metadata (topoheight)` });
      // The failed open released the store: it can be opened (and fails the same way) again.
      expect(caught(() => LmdbStorage.open(path)).code).toBe('CorruptState');
    }
  });

  it('balance keys shorter than an account key end an account scan; one exactly as long is malformed (verify: false)', async () => {
    const { path, storage } = openWith();
    await storage.close();
    // 'ff01' sorts after every account, so the scan from C (the last account) meets it.
    await tamper(path, ({ balances }) => balances.putSync(Buffer.from([0xff, 0x01]), u64(1n)));
    const unverified = LmdbStorage.open(path, { verify: false });
    expect(unverified.readAccount(C)).toEqual({ nonce: 9n, balances: new Map(), multisig: null });
    await unverified.close();
    await tamper(path, ({ balances }) => balances.putSync(hex(C), u64(1n)));
    const again = LmdbStorage.open(path, { verify: false });
    expect(caught(() => again.readAccount(C))).toMatchObject({ code: 'CorruptState', message: `corrupt store at ${path}: malformed balance record ${C}` });
    await again.close();
  });

  it('malformed balance records are refused when the account is read or committed to (verify: false)', async () => {
    for (const [balanceKey, value] of [
      [A + '00'.repeat(8), u64(1n)],
      [A + TOS_ASSET, Buffer.from([0, 0, 0, 1])],
    ] as const) {
      const { path, storage } = openWith();
      await storage.close();
      await tamper(path, ({ balances }) => balances.putSync(hex(balanceKey), value));
      const unverified = LmdbStorage.open(path, { verify: false });
      const message = `corrupt store at ${path}: malformed balance record ${balanceKey}`;
      expect(caught(() => unverified.readAccount(A))).toMatchObject({ code: 'CorruptState', message });
      expect(unverified.readAccount(C)?.nonce).toBe(9n);
      const writes = { accounts: new Map<string, AccountRecord>([[A, { nonce: 4n, balances: new Map([[TOS_ASSET, 1n]]), multisig: null }]]), burnedSupply: 12n };
      expect(caught(() => unverified.commit(writes, { topoheight: 1n, stateRoot: '00'.repeat(32), base: unverified.readMeta()! }))).toMatchObject({ code: 'CorruptState', message });
      // The refused commit wrote nothing.
      expect(unverified.readTopoheight()).toBe(0n);
      await unverified.close();
    }
  });

  it('a named database missing from the file is CorruptState on a read-only open, not a TypeError', async () => {
    const { path, storage } = openWith();
    await storage.close();
    const env = open<Buffer, Buffer>({ path, noSubdir: false, maxDbs: 8, keyEncoding: 'binary', encoding: 'binary' });
    env.openDB<Buffer, Buffer>('multisig', { keyEncoding: 'binary', encoding: 'binary' }).dropSync();
    await env.close();
    for (const options of [{ readOnly: true }, { readOnly: true, verify: false, probe: false }]) {
      expect(caught(() => LmdbStorage.open(path, options))).toMatchObject({ code: 'CorruptState', message: `corrupt store at ${path}: the multisig database is missing` });
    }
  });

  it('a mismatching root opens with verify: false, and inspect reports the mismatch', async () => {
    const { path, storage } = openWith();
    await storage.close();
    await tamper(path, ({ balances }) => balances.putSync(hex(A + TOS_ASSET), u64(101n)));
    expect(caught(() => LmdbStorage.open(path)).message).toMatch(/hashes to [0-9a-f]{64}, but the stored state root is [0-9a-f]{64}$/);
    const unverified = LmdbStorage.open(path, { verify: false });
    expect(unverified.readAccount(A)?.balances.get(TOS_ASSET)).toBe(101n);
    const info = unverified.inspect();
    expect(info).toMatchObject({ topoheight: 0n, stateRoot: computeStateRoot(genesis), accountCount: 3, matches: false });
    expect(info.recomputedRoot).toBe(computeStateRoot(unverified.readState()));
    await unverified.close();
  });

  it('a multisig value too short for its count is refused when the account is read (verify: false)', async () => {
    const { path, storage } = openWith();
    await storage.close();
    await tamper(path, ({ multisig }) => multisig.putSync(hex(B), Buffer.from([2, 3, ...hex(P1), ...hex(P2)])));
    const unverified = LmdbStorage.open(path, { verify: false });
    expect(unverified.readAccount(A)?.nonce).toBe(3n);
    expect(caught(() => unverified.readAccount(B))).toMatchObject({ code: 'CorruptState', message: `corrupt store at ${path}: multisig value of 66 bytes for 3 participants` });
    await unverified.close();
  });
});
