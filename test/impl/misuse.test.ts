/**
 * The executor under misuse (R33): concurrent blocks on one store are serialised, every
 * input is validated with the spec's code and path, and no rejected call leaves a
 * promise to reject later (no process dies of an error its caller handled).
 */
import fc from 'fast-check';
import { Map as ImmutableMap } from 'immutable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmdbStorage, MemoryStorage, StorageError, type BlockWrites, type ChainPosition, type CommitMeta, type Storage } from '../../impl/index.ts';
import {
  applyBlock,
  computeStateRoot,
  createState,
  InvalidInputError,
  stateToJson,
  TOS_ASSET,
  toU64,
  type BlockContext,
  type BlockResult,
  type State,
} from '../../spec/index.ts';
import { alice, bob, carol, context, dave, encode, pay, transfer } from '../support/fixtures.ts';
import { useExecutors, useStorePaths } from '../support/lifetimes.ts';

const makeExecutor = useExecutors();
const freshPath = useStorePaths('tos-misuse-test-');

const FUNDS = 1_000_000n;
const FEE = 100_000n;
const pre = createState({
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, FUNDS]] },
    { publicKey: carol.publicKey, balances: [[TOS_ASSET, FUNDS]] },
  ],
});
/** Alice spends her whole balance (amount plus fee) with nonce 0. */
const spendAll = (to: string) => encode({ source: alice, nonce: 0n, fee: FEE, payload: pay(transfer(to, FUNDS - FEE)) });
const at = (topoheight: bigint, overrides: Partial<BlockContext> = {}) => context({ topoheight: toU64(topoheight), ...overrides });

/** JSON of a result, for comparing with the spec. */
function comparable(result: BlockResult): unknown {
  return result.ok ? { receipts: result.receipts, feeTotal: result.feeTotal, stateRoot: result.stateRoot, state: stateToJson(result.state) } : result;
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function described(error: unknown): { name: string; code: string; path?: string } {
  const { name, code, path } = error as InvalidInputError;
  return path === undefined ? { name, code } : { name, code, path };
}

/** The spec's error for the same inputs. */
function specError(state: State, blockContext: BlockContext, transactions: readonly Uint8Array[]): unknown {
  try {
    applyBlock(state, blockContext, transactions);
  } catch (error) {
    return error;
  }
  return undefined;
}

// Any unhandled rejection while this file runs fails its last test.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));

/** Let every pending task, timer and microtask of a failed call run out. */
async function drain(): Promise<void> {
  for (let round = 0; round < 5; round++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('R33 concurrent blocks on one store run one after the other', () => {
  it('two executeBlockOn calls started together on one LmdbStorage: the second sees the first (no lost update)', async () => {
    const path = freshPath();
    const storage = LmdbStorage.open(path, { genesis: { state: pre, topoheight: 0n } });
    try {
      const executor = makeExecutor({ workers: 2 });
      const first = [spendAll(bob.publicKey)];
      const second = [spendAll(dave.publicKey)];
      const [one, two] = await Promise.all([executor.executeBlockOn(storage, at(1n), first), executor.executeBlockOn(storage, at(2n), second)]);
      const specOne = applyBlock(pre, at(1n), first);
      const specTwo = applyBlock(specOne.ok ? specOne.state : pre, at(2n), second);
      expect(specTwo.ok && specTwo.receipts.map((receipt) => receipt.error)).toEqual(['InvalidNonce']);
      expect(one.ok && one.stateRoot).toBe(specOne.ok && specOne.stateRoot);
      expect(comparable(two)).toEqual(comparable(specTwo));
      expect(storage.readMeta()).toEqual({ topoheight: 2n, stateRoot: specTwo.ok ? specTwo.stateRoot : '' });
    } finally {
      await storage.close();
    }
  });

  it('two executors on one MemoryStorage, four blocks started together: the spec applied in call order', async () => {
    const storage = new MemoryStorage(pre);
    const executors = [makeExecutor({ workers: 0 }), makeExecutor({ workers: 1, applyOn: 'workers' })];
    const blocks = [spendAll(bob.publicKey), spendAll(dave.publicKey), encode({ source: carol, payload: pay(transfer(bob.publicKey, 5n)) }), encode({ source: carol, payload: pay(transfer(bob.publicKey, 6n)) })];
    const results = await Promise.all(blocks.map((bytes, index) => executors[index % 2]!.executeBlockOn(storage, at(BigInt(index + 1)), [bytes])));
    let state = pre;
    for (const [index, bytes] of blocks.entries()) {
      const expected = applyBlock(state, at(BigInt(index + 1)), [bytes]);
      expect(comparable(results[index]!), `block ${index + 1}`).toEqual(comparable(expected));
      if (expected.ok) state = expected.state;
    }
    expect(stateToJson(storage.readState())).toEqual(stateToJson(state));
  });
});

/** A persistent store in memory: a chain position, roots before commit, commits recorded. */
class PositionedStore implements Storage {
  readonly inner: MemoryStorage;
  position: ChainPosition;
  readonly commits: CommitMeta[] = [];
  constructor(state: State, topoheight: bigint) {
    this.inner = new MemoryStorage(state);
    this.position = { topoheight, stateRoot: computeStateRoot(state) };
  }
  readAccount(key: string) {
    return this.inner.readAccount(key);
  }
  hasAsset(asset: string) {
    return this.inner.hasAsset(asset);
  }
  readBurnedSupply() {
    return this.inner.readBurnedSupply();
  }
  readState() {
    return this.inner.readState();
  }
  readMeta() {
    return this.position;
  }
  stateRootAfter(writes: BlockWrites): string {
    const scratch = new MemoryStorage(this.inner.readState());
    scratch.commit(writes);
    return computeStateRoot(scratch.readState());
  }
  commit(writes: BlockWrites, meta?: CommitMeta): void {
    this.inner.commit(writes);
    this.commits.push(meta!);
    this.position = { topoheight: meta!.topoheight, stateRoot: meta!.stateRoot };
  }
}

describe('R5 R33 a store with a chain position', () => {
  it('a block whose topoheight does not follow the store is refused up front (NonConsecutiveTopoheight), nothing read or committed', async () => {
    const store = new PositionedStore(pre, 4n);
    const executor = makeExecutor({ workers: 0 });
    for (const topoheight of [4n, 6n, 1n]) {
      const error = await rejection(executor.executeBlockOn(store, at(topoheight), [spendAll(bob.publicKey)]));
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).code).toBe('NonConsecutiveTopoheight');
    }
    expect(store.commits).toEqual([]);
    expect(store.readState()).toBe(pre);
  });

  it('the next topoheight commits with the base read before the block', async () => {
    const store = new PositionedStore(pre, 4n);
    const base = store.readMeta();
    const result = await makeExecutor({ workers: 0 }).executeBlockOn(store, at(5n), [spendAll(bob.publicKey)]);
    const expected = applyBlock(pre, at(5n), [spendAll(bob.publicKey)]);
    expect(result.ok && result.stateRoot).toBe(expected.ok && expected.stateRoot);
    expect(store.commits).toEqual([{ topoheight: 5n, stateRoot: expected.ok ? expected.stateRoot : '', base }]);
  });
});

describe('R5 the block context is validated like the spec does', () => {
  it('a miner that is the uppercase hex of the sender is InvalidContext: no block is applied, the transaction is never replayed', async () => {
    const path = freshPath();
    const storage = LmdbStorage.open(path, { genesis: { state: pre, topoheight: 0n } });
    try {
      const executor = makeExecutor({ workers: 0 });
      const bytes = [encode({ source: alice, nonce: 0n, payload: pay(transfer(bob.publicKey, 10n)) })];
      const before = { meta: storage.readMeta(), state: stateToJson(storage.readState()) };
      for (const topoheight of [1n, 2n, 3n]) {
        const blockContext = at(topoheight, { miner: alice.publicKey.toUpperCase() });
        const error = await rejection(executor.executeBlockOn(storage, blockContext, bytes));
        expect(described(error)).toEqual({ name: 'InvalidInputError', code: 'InvalidContext', path: 'context.miner' });
        expect(described(error)).toEqual(described(specError(pre, blockContext, bytes)));
      }
      expect({ meta: storage.readMeta(), state: stateToJson(storage.readState()) }).toEqual(before);
    } finally {
      await storage.close();
    }
  });

  it('a miner key of 66 hex characters is InvalidContext, for executeBlock and the spec alike', async () => {
    const blockContext = at(1n, { miner: `${alice.publicKey}00` });
    const error = await rejection(makeExecutor({ workers: 0 }).executeBlock(pre, blockContext, []));
    expect(described(error)).toEqual({ name: 'InvalidInputError', code: 'InvalidContext', path: 'context.miner' });
    expect(described(error)).toEqual(described(specError(pre, blockContext, [])));
  });
});

describe('R33 executor options are validated when the executor is built', () => {
  const cases: [string, unknown, string?][] = [
    ['batchSize', Number.NaN],
    ['batchSize', 0],
    ['batchSize', -3],
    ['batchSize', 0.5],
    ['batchSize', Number.POSITIVE_INFINITY],
    ['workers', Number.NaN],
    ['workers', -1],
    ['workers', 1.5],
    ['workers', Number.POSITIVE_INFINITY],
    ['taskTimeoutMs', 0],
    ['taskTimeoutMs', Number.NaN],
    ['taskTimeoutMs', 2 ** 31],
    ['scheduler', 'fifo'],
    ['applyOn', 'gpu'],
    ['onWorkerFailure', 'ignore'],
    ['costModel', {}],
    ['faults', [{ stage: 'verify', taskIndex: -1, kind: 'throw' }], 'options.faults[0]'],
    ['taskCompletionHook', 'later'],
  ];
  it.each(cases)('%s: %s is InvalidOptions at options.<name>', (name, value, path = `options.${name}`) => {
    let thrown: unknown;
    try {
      makeExecutor({ [name]: value });
    } catch (error) {
      thrown = error;
    }
    expect(described(thrown)).toEqual({ name: 'InvalidInputError', code: 'InvalidOptions', path });
  });

  it('the boundaries are accepted: workers 0, batchSize 1, taskTimeoutMs 2^31 - 1', async () => {
    const executor = makeExecutor({ workers: 0, batchSize: 1, taskTimeoutMs: 2 ** 31 - 1 });
    const result = await executor.executeBlock(pre, at(1n), [spendAll(bob.publicKey)]);
    expect(comparable(result)).toEqual(comparable(applyBlock(pre, at(1n), [spendAll(bob.publicKey)])));
  });
});

/** A store whose reads of one account throw the store's typed corruption error. */
function corruptFor(state: State, corrupt: string): Storage {
  const inner = new MemoryStorage(state);
  return {
    readAccount: (key) => {
      if (key === corrupt) throw new StorageError('CorruptState', 'a malformed multisig record');
      return inner.readAccount(key);
    },
    hasAsset: (asset) => inner.hasAsset(asset),
    readBurnedSupply: () => inner.readBurnedSupply(),
    commit: (writes) => inner.commit(writes),
    readState: () => inner.readState(),
  };
}

describe('R33 a rejected call leaves nothing to reject later', () => {
  const good = [encode({ source: carol, payload: pay(transfer(bob.publicKey, 5n)) }), spendAll(dave.publicKey)];

  it('every rejected-call path rejects with its typed error; no unhandled rejection; a good block runs afterwards', async () => {
    const executor = makeExecutor({ workers: 2 });
    const many = Array.from({ length: 40 }, (_, index) => encode({ source: carol, nonce: BigInt(index), payload: pay(transfer(bob.publicKey, 1n)) }));
    const paths: [string, () => Promise<unknown>, (error: unknown) => void][] = [
      [
        'a transaction that is not a Uint8Array, 2 workers',
        () => executor.executeBlock(pre, at(1n), [...many, 'not bytes' as unknown as Uint8Array]),
        (error) => expect(described(error)).toEqual({ name: 'InvalidInputError', code: 'InvalidTransactions', path: 'transactions[40]' }),
      ],
      [
        'a store read throwing StorageError CorruptState mid-block',
        () => executor.executeBlockOn(corruptFor(pre, alice.publicKey), at(1n), [...many, spendAll(bob.publicKey)]),
        (error) => expect(described(error)).toEqual({ name: 'StorageError', code: 'CorruptState' }),
      ],
      [
        'a store read throwing in the first task',
        () => executor.executeBlockOn(corruptFor(pre, carol.publicKey), at(1n), many),
        (error) => expect(described(error)).toEqual({ name: 'StorageError', code: 'CorruptState' }),
      ],
      [
        'an invalid context',
        () => executor.executeBlock(pre, at(1n, { chainId: 256 }), many),
        (error) => expect(described(error)).toEqual({ name: 'InvalidInputError', code: 'InvalidContext', path: 'context.chainId' }),
      ],
      [
        'an invalid state',
        () => executor.executeBlock({ ...pre, burnedSupply: -1n as never }, at(1n), many),
        (error) => expect(described(error)).toEqual({ name: 'InvalidStateError', code: 'InvalidState', path: 'state.burnedSupply' }),
      ],
      [
        'bad options',
        async () => makeExecutor({ workers: 2, batchSize: Number.NaN }),
        (error) => expect(described(error)).toEqual({ name: 'InvalidInputError', code: 'InvalidOptions', path: 'options.batchSize' }),
      ],
    ];
    for (const [name, call, check] of paths) {
      const error = await rejection(call());
      check(error);
      await drain();
      expect(unhandled, name).toEqual([]);
      const result = await executor.executeBlock(pre, at(1n), good);
      expect(comparable(result), name).toEqual(comparable(applyBlock(pre, at(1n), good)));
    }
  });
});

describe('R1-R5 hostile inputs to the public API', () => {
  const hostileKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hashCode', 'accounts', 'chainId', 'miner'));
  const anything = fc.anything({
    key: hostileKey,
    maxDepth: 3,
    withBigInt: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withDate: true,
  });
  const huge = fc.constantFrom(Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2, -0, Number.NaN, Number.NEGATIVE_INFINITY, 2n ** 64n, 2n ** 200n, -(2n ** 64n));
  /** Objects whose own keys are `__proto__` or `constructor` (JSON.parse makes real own properties). */
  const prototypeKeyed = fc
    .tuple(fc.constantFrom('__proto__', 'constructor'), fc.jsonValue({ maxDepth: 2 }))
    .map(([key, value]) => JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(value)}}`) as unknown);
  const hostile = fc.oneof(anything, fc.jsonValue({ maxDepth: 3 }), huge, prototypeKeyed);
  const fieldOf = <T extends object>(valid: T): fc.Arbitrary<unknown> =>
    fc.tuple(fc.constantFrom(...Object.keys(valid)), hostile).map(([field, value]) => ({ ...valid, [field]: value }));

  const aliceAccount = pre.accounts.get(alice.publicKey)!;
  const validContext = at(1n);
  const contextArb = fc.oneof({ weight: 4, arbitrary: fc.constant(validContext) }, hostile, fieldOf(validContext), prototypeKeyed);
  const stateArb = fc.oneof(
    { weight: 5, arbitrary: fc.constant(pre) },
    hostile,
    fieldOf(pre),
    fc.tuple(fc.oneof(hostileKey, fc.constant(bob.publicKey)), hostile).map(([key, account]) => ({ ...pre, accounts: pre.accounts.set(key, account as never) })),
    fieldOf(aliceAccount).map((account) => ({ ...pre, accounts: pre.accounts.set(alice.publicKey, account as never) })),
    fc.array(fc.tuple(hostileKey, hostile), { maxLength: 3 }).map((entries) => ({ ...pre, accounts: ImmutableMap(entries) })),
  );
  const transactionsArb = fc.oneof(
    { weight: 3, arbitrary: fc.constant([spendAll(bob.publicKey)]) },
    hostile,
    fc.array(fc.oneof(fc.uint8Array({ maxLength: 40 }), hostile), { maxLength: 4 }),
  );

  type Outcome = { result: BlockResult } | { error: { name: string; code: string; path: string } };
  async function outcome(run: () => BlockResult | Promise<BlockResult>): Promise<Outcome> {
    try {
      return { result: await run() };
    } catch (error) {
      // Never another exception: only the typed input error.
      if (!(error instanceof InvalidInputError)) throw new Error(`not an InvalidInputError: ${String(error)}`);
      return { error: { name: error.name, code: error.code, path: error.path } };
    }
  }
  const view = (value: Outcome): unknown => ('error' in value ? value.error : comparable(value.result));

  // Valid inputs are drawn about half the time for each argument, so that each check is
  // reached behind valid earlier arguments and some blocks are executed.
  const hostileRuns = Math.max(150, Number(process.env['FC_NUM_RUNS'] ?? 0));
  it('applyBlock, executeBlock and executeBlockOn throw only InvalidInputError, agree, and write nothing when they throw', async () => {
    const executors = [makeExecutor({ workers: 0 }), makeExecutor({ workers: 2 })];
    const counts = { runs: 0, refused: 0, accepted: 0, byCode: {} as Record<string, number>, prototypeKeys: 0 };
    await fc.assert(
      fc.asyncProperty(stateArb, contextArb, transactionsArb, async (state, blockContext, transactions) => {
        counts.runs++;
        if (/__proto__|constructor/.test(Object.keys(blockContext ?? {}).join() + Object.keys(state ?? {}).join())) counts.prototypeKeys++;
        const args = [state as State, blockContext as BlockContext, transactions as Uint8Array[]] as const;
        const expected = await outcome(() => applyBlock(...args));
        if ('error' in expected) {
          counts.refused++;
          counts.byCode[expected.error.code] = (counts.byCode[expected.error.code] ?? 0) + 1;
        } else counts.accepted++;
        for (const executor of executors) expect(view(await outcome(() => executor.executeBlock(...args)))).toEqual(view(expected));
        // A store: refused calls leave it exactly as it was and commit nothing.
        let commits = 0;
        const inner = new MemoryStorage(pre);
        const store: Storage = {
          readAccount: (key) => inner.readAccount(key),
          hasAsset: (asset) => inner.hasAsset(asset),
          readBurnedSupply: () => inner.readBurnedSupply(),
          readState: () => inner.readState(),
          commit: (writes) => {
            commits++;
            inner.commit(writes);
          },
        };
        const onStore = await outcome(() => executors[1]!.executeBlockOn(store, args[1], args[2]));
        const specOnStore = await outcome(() => applyBlock(pre, args[1], args[2]));
        expect(view(onStore)).toEqual(view(specOnStore));
        if ('error' in onStore) {
          expect(commits).toBe(0);
          expect(inner.readState()).toBe(pre);
        }
      }),
      { numRuns: hostileRuns },
    );
    console.log(`hostile inputs: ${JSON.stringify(counts)}`);
    expect(counts.runs).toBe(hostileRuns);
    for (const code of ['InvalidContext', 'InvalidState', 'InvalidTransactions']) expect(counts.byCode[code] ?? 0, code).toBeGreaterThan(0);
    expect(counts.accepted).toBeGreaterThan(0);
    expect(unhandled).toEqual([]);
  });
});
