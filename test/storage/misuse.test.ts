/**
 * The stores under misuse: a commit must prove its base (no lost update when two blocks
 * are executed against the same state), records that could not be read back are refused
 * before anything is written (a 33-byte miner key, a participant count that wraps its byte,
 * a state root that is not 32 bytes), an edited topoheight is caught by the metadata
 * digest, one writer per store (in this process and across processes, a SIGKILLed
 * writer's lock is stale), and a read-only reader in another process sees every commit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { LmdbStorage, MemoryStorage, WRITER_LOCK_FILE, type AccountRecord, type BlockWrites, type Storage } from '../../impl/index.ts';
import { computeStateRoot, createState, stateToJson, TOS_ASSET, type State } from '../../spec/index.ts';
import { useStorePaths } from '../support/lifetimes.ts';
import { caught } from '../support/storage.ts';

const freshPath = useStorePaths('tos-misuse-');
const CHILD = fileURLToPath(new URL('./helpers/store-child.ts', import.meta.url));

const ALICE = 'a1'.repeat(32);
const BOB = 'b0'.repeat(32);
const CAROL = 'c4'.repeat(32);
const MINER = 'ee'.repeat(32);
const GENESIS: State = createState({ accounts: [{ publicKey: ALICE, nonce: 0n, balances: [[TOS_ASSET, 1_000_000n]] }] });

/** Alice spends her whole balance (nonce 0) to `to`; the miner gets a fee of 1,000. */
function spendAll(to: string): BlockWrites {
  return {
    accounts: new Map<string, AccountRecord>([
      [ALICE, { nonce: 1n, balances: new Map([[TOS_ASSET, 0n]]), multisig: null }],
      [to, { nonce: 0n, balances: new Map([[TOS_ASSET, 999_000n]]), multisig: null }],
      [MINER, { nonce: 0n, balances: new Map([[TOS_ASSET, 1_000n]]), multisig: null }],
    ]),
    burnedSupply: 0n,
  };
}

function totalSupply(state: State): bigint {
  let total = 0n;
  for (const account of state.accounts.values()) total += account.balances.get(TOS_ASSET) ?? 0n;
  return total;
}

function openStore(state: State = GENESIS): LmdbStorage {
  return LmdbStorage.open(freshPath(), { genesis: { state, topoheight: 0n } });
}

describe('a commit proves its base', () => {
  it('two blocks executed against the same state: the second is StaleBase and the first one’s debit stands (no money minted)', async () => {
    const storage = openStore();
    const base = storage.readMeta()!;
    // Both blocks were executed against topoheight 0; block 2 also computed its root there.
    const first = spendAll(BOB);
    const second = spendAll(CAROL);
    const firstRoot = storage.stateRootAfter(first);
    const secondRoot = storage.stateRootAfter(second);
    storage.commit(first, { topoheight: 1n, stateRoot: firstRoot, base });
    const afterFirst = stateToJson(storage.readState());
    const error = caught(() => storage.commit(second, { topoheight: 2n, stateRoot: secondRoot, base }));
    expect(error.code).toBe('StaleBase');
    expect(error.message).toContain('executed against topoheight 0');
    expect(error.message).toContain('the store is at topoheight 1');
    // Nothing of block 2 was written: the store is block 1's state, with genesis's supply.
    expect(storage.readMeta()).toEqual({ topoheight: 1n, stateRoot: firstRoot });
    expect(stateToJson(storage.readState())).toEqual(afterFirst);
    expect(storage.readAccount(CAROL)).toBeUndefined();
    expect(totalSupply(storage.readState())).toBe(totalSupply(GENESIS));
    expect(storage.computeStoredStateRoot()).toBe(firstRoot);
    await storage.close();
  });

  it('a base with the right topoheight but another root is StaleBase too; the right base commits', async () => {
    const storage = openStore();
    const base = storage.readMeta()!;
    const writes = spendAll(BOB);
    const root = storage.stateRootAfter(writes);
    expect(caught(() => storage.commit(writes, { topoheight: 1n, stateRoot: root, base: { topoheight: 0n, stateRoot: '00'.repeat(32) } })).code).toBe('StaleBase');
    expect(caught(() => storage.commit(writes, { topoheight: 1n, stateRoot: root, base: { topoheight: 1n, stateRoot: base.stateRoot } })).code).toBe('StaleBase');
    expect(storage.readMeta()).toEqual(base);
    storage.commit(writes, { topoheight: 1n, stateRoot: root, base });
    expect(storage.readMeta()).toEqual({ topoheight: 1n, stateRoot: root });
    await storage.close();
  });
});

describe('records that could not be read back are refused before anything is written', () => {
  const record = (changes: Partial<AccountRecord> = {}): AccountRecord => ({ nonce: 0n, balances: new Map([[TOS_ASSET, 5n]]), multisig: null, ...changes });
  const participants = (count: number): string[] => Array.from({ length: count }, (_, index) => index.toString(16).padStart(64, '0'));
  const one = (key: string, value: AccountRecord, burnedSupply = 0n): BlockWrites => ({ accounts: new Map([[key, value]]), burnedSupply });
  const cases: readonly [string, BlockWrites, RegExp][] = [
    ['a miner key of 66 hex characters (33 bytes)', one(MINER + 'ee', record()), /account key "e{66}" is not 32 bytes/],
    ['an account key in uppercase hex', one(MINER.toUpperCase(), record()), /account key "E{64}" is not 32 bytes/],
    ['an account key of 62 characters', one(MINER.slice(2), record()), /account key/],
    ['an asset of 31 bytes', one(MINER, record({ balances: new Map([['55'.repeat(31), 1n]]) })), /asset "(55){31}" of account/],
    ['a negative nonce', one(MINER, record({ nonce: -1n })), /nonce -1n of account/],
    ['a nonce of 2^64', one(MINER, record({ nonce: 1n << 64n })), /nonce 18446744073709551616n/],
    ['a nonce that is a number', one(MINER, record({ nonce: 3 as unknown as bigint })), /nonce 3 of account/],
    ['an amount of 2^64', one(MINER, record({ balances: new Map([[TOS_ASSET, 1n << 64n]]) })), /amount 18446744073709551616n of asset/],
    ['a negative amount', one(MINER, record({ balances: new Map([[TOS_ASSET, -5n]]) })), /amount -5n/],
    ['a burned supply of 2^64', one(MINER, record(), 1n << 64n), /burned supply 18446744073709551616n is not a u64/],
    ['a 300-participant multisig (the count byte would wrap to 44)', one(MINER, record({ multisig: { threshold: 1, participants: participants(300) } })), /has 300 participants, not 1 to 255/],
    ['a multisig with no participant', one(MINER, record({ multisig: { threshold: 1, participants: [] } })), /has 0 participants/],
    ['a threshold of 0', one(MINER, record({ multisig: { threshold: 0, participants: participants(2) } })), /threshold 0 of account/],
    ['a threshold above the participant count', one(MINER, record({ multisig: { threshold: 3, participants: participants(2) } })), /threshold 3 of account .* its 2 participants/],
    ['a fractional threshold', one(MINER, record({ multisig: { threshold: 1.5, participants: participants(2) } })), /threshold 1.5/],
    ['a participant of 33 bytes', one(MINER, record({ multisig: { threshold: 1, participants: ['11'.repeat(33)] } })), /participant "(11){33}"/],
  ];

  for (const [name, writes, message] of cases) {
    it(`${name}: InvalidWrite on LMDB and in memory, nothing changes`, async () => {
      const storage = openStore();
      const base = storage.readMeta()!;
      const error = caught(() => storage.commit(writes, { topoheight: 1n, stateRoot: '00'.repeat(32), base }));
      expect(error.code).toBe('InvalidWrite');
      expect(error.message).toMatch(message);
      expect(storage.readMeta()).toEqual(base);
      expect(stateToJson(storage.readState())).toEqual(stateToJson(GENESIS));
      await storage.close();
      const memory: Storage = new MemoryStorage(GENESIS);
      const memoryError = caught(() => memory.commit(writes));
      expect(memoryError.code).toBe('InvalidWrite');
      expect(memoryError.message).toBe(error.message);
      expect(memory.readState()).toBe(GENESIS);
    });
  }

  it('255 participants with a threshold of 255 are stored and read back exactly (the largest count)', async () => {
    const storage = openStore();
    const writes = one(MINER, record({ multisig: { threshold: 255, participants: participants(255) } }));
    const root = storage.stateRootAfter(writes);
    storage.commit(writes, { topoheight: 1n, stateRoot: root, base: storage.readMeta()! });
    expect(storage.readAccount(MINER)?.multisig).toEqual({ threshold: 255, participants: participants(255) });
    expect(computeStateRoot(storage.readState())).toBe(root);
    await storage.close();
  });

  it('a state root of "abc", a root in uppercase, a topoheight or base that is not a u64: InvalidWrite, nothing changes', async () => {
    const storage = openStore();
    const base = storage.readMeta()!;
    const writes = spendAll(BOB);
    const root = storage.stateRootAfter(writes);
    const metas = [
      { topoheight: 1n, stateRoot: 'abc', base },
      { topoheight: 1n, stateRoot: root.toUpperCase(), base },
      { topoheight: -1n, stateRoot: root, base },
      { topoheight: 1n, stateRoot: root, base: { topoheight: 0n, stateRoot: 'abc' } },
      { topoheight: 1n, stateRoot: root, base: { topoheight: 1n << 64n, stateRoot: base.stateRoot } },
    ];
    for (const meta of metas) expect(caught(() => storage.commit(writes, meta)).code).toBe('InvalidWrite');
    expect(storage.readMeta()).toEqual(base);
    expect(stateToJson(storage.readState())).toEqual(stateToJson(GENESIS));
    // The store still opens and commits afterwards.
    await storage.close();
    const reopened = LmdbStorage.open(storage.path);
    reopened.commit(writes, { topoheight: 1n, stateRoot: root, base });
    expect(reopened.readMeta()).toEqual({ topoheight: 1n, stateRoot: root });
    await reopened.close();
  });
});

describe('the metadata digest', () => {
  it('an edited topoheight (or burned supply) is CorruptState on open, with or without the root check', async () => {
    for (const [name, value] of [
      ['topoheight', 7n],
      ['burnedSupply', 1n],
    ] as const) {
      const storage = openStore();
      const path = storage.path;
      await storage.close();
      const env = open<Buffer, Buffer>({ path, noSubdir: false, maxDbs: 8, keyEncoding: 'binary', encoding: 'binary' });
      const meta = env.openDB<Buffer, Buffer>('meta', { keyEncoding: 'binary', encoding: 'binary' });
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64BE(value);
      meta.putSync(Buffer.from(name), bytes);
      await env.close();
      for (const options of [{}, { verify: false }, { readOnly: true, verify: false }]) {
        const error = caught(() => LmdbStorage.open(path, options));
        expect(error.code).toBe('CorruptState');
        expect(error.message).toMatch(/does not match its check digest/);
      }
    }
  });
});

/** Spawn the test child; resolves each awaited line as it arrives. */
function child(args: string[]): { process: ChildProcess; line: (predicate: (line: string) => boolean) => Promise<string>; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const spawned = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { predicate: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let pending = '';
  let stderr = '';
  spawned.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  spawned.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const waiter of [...waiters]) if (waiter.predicate(line)) waiters.splice(waiters.indexOf(waiter), 1) && waiter.resolve(line);
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => spawned.on('close', (code, signal) => resolve({ code, signal })));
  const line = (predicate: (line: string) => boolean): Promise<string> => {
    const found = lines.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      waiters.push({ predicate, resolve });
      void exit.then(({ code, signal }) => reject(new Error(`child ended (code ${code}, signal ${signal}) before the line; stderr: ${stderr}`)));
    });
  };
  return { process: spawned, line, exit };
}

describe('one writer per store', () => {
  it('a second open for writing in the same process is Locked; read-only opens are not; close releases', async () => {
    const storage = openStore();
    const path = storage.path;
    expect(existsSync(join(path, WRITER_LOCK_FILE))).toBe(true);
    const error = caught(() => LmdbStorage.open(path));
    expect(error.code).toBe('Locked');
    expect(error.message).toBe(`the store at ${path} is already open for writing in this process`);
    const reader = LmdbStorage.open(path, { readOnly: true });
    expect(reader.readMeta()).toEqual(storage.readMeta());
    await reader.close();
    expect(caught(() => reader.commit(spendAll(BOB), { topoheight: 1n, stateRoot: '00'.repeat(32), base: storage.readMeta()! })).code).toBe('Closed');
    await storage.close();
    expect(existsSync(join(path, WRITER_LOCK_FILE))).toBe(false);
    const again = LmdbStorage.open(path);
    await again.close();
  });

  it('a lock file naming another live process is Locked; garbage, an empty file or this process’s own id without an open is taken over', async () => {
    const storage = openStore();
    const path = storage.path;
    await storage.close();
    const lock = join(path, WRITER_LOCK_FILE);
    // This test's parent process is alive and is not this process.
    writeFileSync(lock, `${process.ppid} 0123456789abcdef\n`);
    expect(caught(() => LmdbStorage.open(path))).toMatchObject({ code: 'Locked', message: `the store at ${path} is open for writing by process ${process.ppid}` });
    expect(readFileSync(lock, 'utf8')).toBe(`${process.ppid} 0123456789abcdef\n`);
    for (const stale of ['garbage', '', `${process.pid} 0123456789abcdef\n`]) {
      // Garbage, an empty file, or this process's own id without an open of ours: stale.
      writeFileSync(lock, stale);
      const taken = LmdbStorage.open(path);
      expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f]{16}\n$`));
      await taken.close();
      expect(existsSync(lock)).toBe(false);
    }
  });

  it('a read-only store refuses commits with ReadOnly', async () => {
    const storage = openStore();
    await storage.close();
    const reader = LmdbStorage.open(storage.path, { readOnly: true });
    expect(caught(() => reader.commit(spendAll(BOB), { topoheight: 1n, stateRoot: '00'.repeat(32), base: reader.readMeta()! })).code).toBe('ReadOnly');
    await reader.close();
  });

  it('a writer in another process locks the store until it closes; a SIGKILLed writer’s lock is stale', async () => {
    const storage = openStore();
    const path = storage.path;
    await storage.close();
    const holder = child(['hold', path]);
    await holder.line((line) => line === 'held');
    const error = caught(() => LmdbStorage.open(path));
    expect(error.code).toBe('Locked');
    expect(error.message).toBe(`the store at ${path} is open for writing by process ${holder.process.pid}`);
    // A reader is not blocked by the writer.
    const reader = LmdbStorage.open(path, { readOnly: true });
    expect(reader.readMeta()?.topoheight).toBe(0n);
    await reader.close();
    // A clean close releases the lock.
    holder.process.stdin!.end();
    await holder.line((line) => line === 'released');
    await holder.exit;
    const after = LmdbStorage.open(path);
    await after.close();
    // A killed writer leaves its lock file behind, with a dead process id: taken over.
    const killed = child(['hold', path]);
    await killed.line((line) => line === 'held');
    expect(caught(() => LmdbStorage.open(path)).code).toBe('Locked');
    killed.process.kill('SIGKILL');
    expect((await killed.exit).signal).toBe('SIGKILL');
    expect(existsSync(join(path, WRITER_LOCK_FILE))).toBe(true);
    const takeover = LmdbStorage.open(path);
    expect(takeover.readMeta()?.topoheight).toBe(0n);
    await takeover.close();
  }, 60_000);
});

describe('readers in other processes', () => {
  it('a read-only reader polling in a synchronous loop sees every block the writer commits', async () => {
    const storage = openStore();
    const path = storage.path;
    const watcher = child(['watch', path, '3']);
    await watcher.line((line) => line === 'seen 0');
    for (let topoheight = 1n; topoheight <= 3n; topoheight++) {
      const base = storage.readMeta()!;
      const writes: BlockWrites = { accounts: new Map([[MINER, { nonce: topoheight, balances: new Map([[TOS_ASSET, topoheight]]), multisig: null }]]), burnedSupply: 0n };
      storage.commit(writes, { topoheight, stateRoot: storage.stateRootAfter(writes), base });
      expect(await watcher.line((line) => line === `seen ${topoheight}`)).toBe(`seen ${topoheight}`);
    }
    expect(await watcher.exit).toEqual({ code: 0, signal: null });
    await storage.close();
  }, 90_000);
});
