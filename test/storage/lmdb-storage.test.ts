/**
 * LmdbStorage: executing a chain into a store gives the spec's states and roots; commits
 * are checked (metadata required, consecutive topoheights, nothing changed on refusal);
 * opening checks the stored root against the stored data.
 */
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { ParallelExecutor, LmdbStorage, StorageError } from '../../impl/index.ts';
import { computeStateRoot, stateToJson } from '../../spec/index.ts';
import { generateSpecChain } from '../../conformance/storage-chain.ts';
import { useStorePaths } from '../support/lifetimes.ts';

const chain = generateSpecChain(11, 6, { minTransactions: 4, maxTransactions: 8 });
const freshPath = useStorePaths('tos-lmdb-test-');

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof StorageError) return error.code;
    throw error;
  }
  return undefined;
}

describe('LmdbStorage', () => {
  it('executes a chain into the store with the spec’s states and roots, across reopenings', async () => {
    const path = freshPath();
    const executor = new ParallelExecutor({ workers: 0 });
    let storage = LmdbStorage.open(path, { genesis: { state: chain.start.state, topoheight: 0n } });
    expect(storage.readMeta()).toEqual({ topoheight: 0n, stateRoot: chain.roots[0] });
    for (const [index, block] of chain.blocks.entries()) {
      const result = await executor.executeBlockOn(storage, block.context, block.transactions);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.stateRoot).toBe(chain.roots[index + 1]);
      expect(stateToJson(result.state)).toEqual(stateToJson(chain.states[index + 1]!));
      if (index % 2 === 1) {
        await storage.close();
        storage = LmdbStorage.open(path);
      }
    }
    expect(storage.readMeta()).toEqual({ topoheight: BigInt(chain.blocks.length), stateRoot: chain.roots.at(-1) });
    expect(storage.computeStoredStateRoot()).toBe(computeStateRoot(storage.readState()));
    await storage.close();
    await executor.close();
  });

  it('requires metadata and consecutive topoheights, and a refused commit changes nothing', async () => {
    const path = freshPath();
    const storage = LmdbStorage.open(path, { genesis: { state: chain.start.state, topoheight: 0n } });
    const writes = { accounts: new Map([['ab'.repeat(32), { nonce: 5n, balances: new Map([['00'.repeat(32), 7n]]), multisig: null }]]), burnedSupply: 3n };
    const root = storage.stateRootAfter(writes);
    expect(codeOf(() => storage.commit(writes))).toBe('MissingMeta');
    const base = storage.readMeta()!;
    expect(codeOf(() => storage.commit(writes, { topoheight: 1n, stateRoot: root } as never))).toBe('MissingMeta');
    expect(codeOf(() => storage.commit(writes, { topoheight: 2n, stateRoot: root, base }))).toBe('NonConsecutiveTopoheight');
    expect(codeOf(() => storage.commit(writes, { topoheight: 0n, stateRoot: root, base }))).toBe('NonConsecutiveTopoheight');
    expect(storage.readMeta()).toEqual({ topoheight: 0n, stateRoot: chain.roots[0] });
    expect(storage.readAccount('ab'.repeat(32))).toBeUndefined();
    expect(stateToJson(storage.readState())).toEqual(stateToJson(chain.start.state));
    storage.commit(writes, { topoheight: 1n, stateRoot: root, base });
    expect(storage.readAccount('ab'.repeat(32))?.nonce).toBe(5n);
    expect(computeStateRoot(storage.readState())).toBe(root);
    await storage.close();
  });

  it('reports a store whose data does not match its root as CorruptState', async () => {
    const path = freshPath();
    const storage = LmdbStorage.open(path, { genesis: { state: chain.start.state, topoheight: 0n } });
    await storage.close();
    // Tamper with one balance record behind the store's back.
    const env = open<Buffer, Buffer>({ path, noSubdir: false, maxDbs: 8, keyEncoding: 'binary', encoding: 'binary' });
    const balances = env.openDB<Buffer, Buffer>('balances', { keyEncoding: 'binary', encoding: 'binary' });
    const first = [...balances.getRange({ limit: 1 })][0]!;
    const changed = Buffer.from(first.value);
    changed[7] = changed[7]! ^ 1;
    balances.putSync(Buffer.from(first.key), changed);
    await env.close();
    let error: unknown;
    try {
      LmdbStorage.open(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('CorruptState');
    expect((error as StorageError).message).toMatch(/hashes to .* but the stored state root is/);
  });

  it('refuses a read-only open of an empty store', () => {
    const path = freshPath();
    expect(codeOf(() => LmdbStorage.open(path, { readOnly: true }))).toBe('EmptyStore');
  });
});
