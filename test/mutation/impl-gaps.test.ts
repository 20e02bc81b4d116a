/**
 * Gaps found by mutation testing of impl/ (docs/mutation.md).
 *
 * The worker-side functions (verify batches, apply chunks, fault injection) normally run
 * on piscina threads, where a mutant is never active and no coverage is recorded. Here they
 * run in the calling thread, with expected values worked out by hand from the rules.
 * The committed vectors (their `expected` is the conformance reference) are also replayed
 * through the executor in the calling thread.
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { describe, expect, it } from 'vitest';
import {
  BlockExecutionError,
  buildApplyTask,
  computeStateRootFast,
  StorageError,
  type BlockWrites,
  type ChainPosition,
  type CommitMeta,
  type Storage,
  getCounter,
  mergeApplyResult,
  MemoryStorage,
  MultiSigVerdict,
  OwnerVerdict,
  packVerifyTask,
  ParallelExecutor,
  runApplyTask,
  runVerifyTask,
  setCounter,
  verifyDecodedBatch,
  sourceFromStorage,
  Workspace,
  type ApplyTask,
  type PreparedTransaction,
} from '../../impl/index.ts';
import { injectFault } from '../../impl/faults.ts';
import {
  applyBlock,
  bytesToHex,
  computeStateRoot,
  createState,
  decodeTransaction,
  decodeTransactionFields,
  encodeTransaction,
  InvalidInputError,
  TOS_ASSET,
  toU64,
  type BlockContext,
  type LedgerModel,
  type MultiSigConfig,
  type Payload,
  type State,
  type Transaction,
} from '../../spec/index.ts';
import { createTestKey } from '../../spec/test-keys.ts';
import { runVectors } from '../../conformance/vector-runner.ts';
import { alice, ASSET_A, bob, build, type BuildOptions, carol, context, dave, encode, erin, INVALID_POINT, MAX, miner, transfer } from '../support/fixtures.ts';
import { toComparable } from '../support/impl-blocks.ts';
import { useExecutors } from '../support/lifetimes.ts';

const FUNDS = 1_000_000n;

function workspaceOver(state: State, model: LedgerModel): Workspace {
  const storage = new MemoryStorage(state);
  return new Workspace(
    model,
    sourceFromStorage(storage),
    storage.readBurnedSupply(),
  );
}

/** A transaction after a clean stateless stage: decoded, both verdicts valid, no pre-block configuration. */
function prepared(transaction: Transaction): PreparedTransaction {
  const decoded = decodeTransaction(encodeTransaction(transaction));
  if (!decoded.ok) throw new Error('fixture does not decode');
  return { decoded: decoded.value, decodeError: null, ownerVerdict: OwnerVerdict.Valid, multisigVerdict: MultiSigVerdict.Valid, preConfig: null };
}

function balances(workspace: Workspace, key: string): Record<string, bigint> | undefined {
  const record = workspace.getAccount(key);
  return record === undefined ? undefined : Object.fromEntries(record.balances);
}

describe('R26 R27 verify batches in the calling thread (packVerifyTask, runVerifyTask)', () => {
  it('R26 R27: two verdict bytes per transaction, in batch order, for transactions of different lengths', () => {
    const bobConfig: MultiSigConfig = { threshold: 1, participants: [carol.publicKey] };
    const valid = encode({ payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 5n)] } });
    // R26: signed with bob's secret for alice's key: the signature does not verify.
    const wrongSigner = encode({ signer: bob, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } });
    // R26: the source key is not a Ristretto point.
    const badKey = encode({ sourceKey: INVALID_POINT, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } });
    // R27: bob is configured (threshold 1) but the transaction has no multisig field.
    const noMultisig = encode({ source: bob, payload: { kind: 'transfers', transfers: [transfer(alice.publicKey, 1n), transfer(dave.publicKey, 2n)] } });
    // R17: not a transaction at all.
    const garbage = new Uint8Array([1, 2, 3]);
    const batch = [valid, garbage, wrongSigner, badKey, noMultisig];
    const task = packVerifyTask(batch, [null, null, null, null, bobConfig]);
    expect(task.offsets.length).toBe(batch.length + 1);
    expect(task.offsets[0]).toBe(0);
    expect(task.offsets[batch.length]).toBe(batch.reduce((sum, bytes) => sum + bytes.length, 0));
    expect(task.data.length).toBe(task.offsets[batch.length]);
    const result = runVerifyTask(task);
    expect([...result.verdicts]).toEqual([
      OwnerVerdict.Valid, MultiSigVerdict.Valid,
      OwnerVerdict.NotDecoded, MultiSigVerdict.Valid,
      OwnerVerdict.InvalidSignature, MultiSigVerdict.Valid,
      OwnerVerdict.InvalidPublicKey, MultiSigVerdict.Valid,
      OwnerVerdict.Valid, MultiSigVerdict.NotFound,
    ]);
    // R11: each decodable transaction's hash, as the spec's decoder gives it; null for the garbage.
    expect(result.hashes).toEqual(batch.map((bytes) => {
      const decoded = decodeTransaction(bytes);
      return decoded.ok ? decoded.value.hash : null;
    }));
    expect(result.hashes[1]).toBeNull();
    expect(result.hashes.filter((hash) => hash !== null)).toHaveLength(4);
    // The calling thread's path from decoded fields gives exactly the same result.
    expect(verifyDecodedBatch(batch.map((bytes) => decodeTransactionFields(bytes)), [null, null, null, null, bobConfig])).toEqual(result);
  });

  it('R27: a configured account signed by its participant verifies; an empty batch gives no verdicts', () => {
    const signed = encode({ source: bob, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) }, multisigSigners: [{ id: 0, key: carol }] });
    const config: MultiSigConfig = { threshold: 1, participants: [carol.publicKey] };
    const result = runVerifyTask(packVerifyTask([signed, signed], [config, null]));
    expect([...result.verdicts]).toEqual([
      OwnerVerdict.Valid, MultiSigVerdict.Valid,
      // R27: a multisig field on an account without a configuration.
      OwnerVerdict.Valid, MultiSigVerdict.NotConfigured,
    ]);
    expect(result.hashes).toEqual([bytesToHex(blake3(signed)), bytesToHex(blake3(signed))]);
    const empty = runVerifyTask(packVerifyTask([], []));
    expect([[...empty.verdicts], empty.hashes]).toEqual([[], []]);
  });
});

describe('R29 R30 R33 apply chunks in the calling thread (buildApplyTask, runApplyTask, mergeApplyResult)', () => {
  const pre = createState({
    accounts: [
      { publicKey: alice.publicKey, balances: [[TOS_ASSET, FUNDS]] },
      { publicKey: bob.publicKey, balances: [[TOS_ASSET, FUNDS]] },
      { publicKey: carol.publicKey, balances: [[TOS_ASSET, FUNDS], [ASSET_A, 50n]] },
      { publicKey: dave.publicKey, balances: [[TOS_ASSET, 5n]] },
    ],
    assets: [ASSET_A],
    burnedSupply: 7n,
  });
  // One level: three independent transactions (disjoint access sets).
  const t0 = build({ source: alice, payload: { kind: 'transfers', transfers: [transfer(erin.publicKey, 1_000n)] } });
  const t1 = build({ source: bob, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(500n) } });
  const t2 = build({ source: carol, payload: { kind: 'transfers', transfers: [transfer(dave.publicKey, 20n, ASSET_A)] } });

  for (const model of ['immediate', 'deferred-credits'] as const) {
    it(`R29 R30 (${model}): two chunks applied off the main workspace, then merged, give the hand-worked effects`, () => {
      const blockContext: BlockContext = context({ ledger: model });
      const workspace = workspaceOver(pre, model);
      const taskA = buildApplyTask(workspace, blockContext, [prepared(t0), prepared(t1)]);
      const taskB = buildApplyTask(workspace, blockContext, [prepared(t2)]);
      const resultA = runApplyTask(taskA);
      const resultB = runApplyTask(taskB);
      // The chunks worked on copies: nothing reached the main workspace yet.
      expect(workspace.getAccount(alice.publicKey)?.nonce).toBe(0n);
      expect(workspace.getAccount(erin.publicKey)).toBeUndefined();
      expect(workspace.burnedSupply).toBe(7n);
      expect(resultA.receipts.map((receipt) => [receipt.status, receipt.fee])).toEqual([['applied', t0.fee], ['applied', t1.fee]]);
      expect(resultB.receipts.map((receipt) => [receipt.status, receipt.fee])).toEqual([['applied', t2.fee]]);
      mergeApplyResult(workspace, taskA, resultA);
      mergeApplyResult(workspace, taskB, resultB);
      // R29: nonce + 1, debits (amount + fee in TOS), credits (erin created), TOS burn added to the supply.
      expect(workspace.getAccount(alice.publicKey)?.nonce).toBe(1n);
      expect(balances(workspace, alice.publicKey)).toEqual({ [TOS_ASSET]: FUNDS - 1_000n - t0.fee });
      expect(workspace.getAccount(erin.publicKey)).toEqual({ nonce: 0n, balances: new Map([[TOS_ASSET, 1_000n]]), multisig: null });
      expect(balances(workspace, bob.publicKey)).toEqual({ [TOS_ASSET]: FUNDS - 500n - t1.fee });
      expect(workspace.burnedSupply).toBe(7n + 500n);
      expect(balances(workspace, carol.publicKey)).toEqual({ [TOS_ASSET]: FUNDS - t2.fee, [ASSET_A]: 30n });
      expect(balances(workspace, dave.publicKey)).toEqual({ [TOS_ASSET]: 5n, [ASSET_A]: 20n });
      // R30: the counters are kept under deferred-credits only.
      const deferred = model === 'deferred-credits';
      expect(getCounter(workspace.spent, alice.publicKey, TOS_ASSET)).toBe(deferred ? 1_000n + t0.fee : 0n);
      expect(getCounter(workspace.spent, carol.publicKey, ASSET_A)).toBe(deferred ? 20n : 0n);
      expect(getCounter(workspace.received, erin.publicKey, TOS_ASSET)).toBe(deferred ? 1_000n : 0n);
      expect(getCounter(workspace.received, dave.publicKey, ASSET_A)).toBe(deferred ? 20n : 0n);
    });
  }

  it('R30: a chunk sees what its sender already spent in the block (deferred-credits): pre 1,000,000 - spent 999,500 < 1,000 + fee', () => {
    const workspace = workspaceOver(pre, 'deferred-credits');
    setCounter(workspace.spent, alice.publicKey, TOS_ASSET, 999_500n);
    const task = buildApplyTask(workspace, context({ ledger: 'deferred-credits' }), [prepared(t0)]);
    expect(runApplyTask(task).receipts[0]?.error).toBe('InsufficientFunds');
  });

  it('R30: a chunk sees what its destination already received in the block (deferred-credits): pre 5 + received (2^64 - 10) + 20 overflows', () => {
    const workspace = workspaceOver(pre, 'deferred-credits');
    setCounter(workspace.received, dave.publicKey, ASSET_A, (1n << 64n) - 10n);
    const task = buildApplyTask(workspace, context({ ledger: 'deferred-credits' }), [prepared(t2)]);
    expect(runApplyTask(task).receipts[0]?.error).toBe('Overflow');
  });

  it('R31: under deferred-credits a chunk only lets accounts that predate the block send, even if the workspace created them', () => {
    const workspace = workspaceOver(pre, 'deferred-credits');
    workspace.setAccount(erin.publicKey, { nonce: 0n, balances: new Map([[TOS_ASSET, FUNDS]]), multisig: null });
    const fromErin = build({ source: erin, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } });
    const task = buildApplyTask(workspace, context({ ledger: 'deferred-credits' }), [prepared(fromErin)]);
    expect(runApplyTask(task).receipts[0]?.error).toBe('AccountNotFound');
    // Under immediate the same account may send (R21).
    const immediate = workspaceOver(pre, 'immediate');
    immediate.setAccount(erin.publicKey, { nonce: 0n, balances: new Map([[TOS_ASSET, FUNDS]]), multisig: null });
    const immediateTask = buildApplyTask(immediate, context(), [prepared(fromErin)]);
    expect(runApplyTask(immediateTask).receipts[0]?.status).toBe('applied');
  });

  it('R28: a chunk knows which spent assets are registered: an unregistered one is AssetNotFound, TOS and ASSET_A are found', () => {
    const workspace = workspaceOver(pre, 'immediate');
    const unregistered = 'cc'.repeat(32);
    const spendUnregistered = build({ source: carol, payload: { kind: 'burn', asset: unregistered, amount: toU64(1n) } });
    const task = buildApplyTask(workspace, context(), [prepared(t2), prepared(spendUnregistered)]);
    expect(new Set(task.assets)).toEqual(new Set([TOS_ASSET, ASSET_A]));
    const result = runApplyTask(task);
    // t2 applies (carol's nonce becomes 1); the next one from carol has nonce 0: InvalidNonce comes before R28.
    expect(result.receipts.map((receipt) => receipt.error)).toEqual([null, 'InvalidNonce']);
    const fresh = buildApplyTask(workspaceOver(pre, 'immediate'), context(), [prepared(spendUnregistered)]);
    expect(runApplyTask(fresh).receipts[0]?.error).toBe('AssetNotFound');
  });

  it('R26 R27: a chunk uses the verdicts it was given, two per transaction in order', () => {
    const workspace = workspaceOver(pre, 'immediate');
    const chunk = [
      prepared(t0),
      { ...prepared(t1), ownerVerdict: OwnerVerdict.InvalidSignature },
      { ...prepared(t2), multisigVerdict: MultiSigVerdict.NotFound },
    ];
    const task = buildApplyTask(workspace, context(), chunk);
    expect([...task.verdicts]).toEqual([OwnerVerdict.Valid, MultiSigVerdict.Valid, OwnerVerdict.InvalidSignature, MultiSigVerdict.Valid, OwnerVerdict.Valid, MultiSigVerdict.NotFound]);
    expect(runApplyTask(task).receipts.map((receipt) => receipt.error)).toEqual([null, 'InvalidSignature', 'MultiSigNotFound']);
  });

  it('R29: merging a chunk that burned nothing leaves the burned supply as the main workspace has it', () => {
    const workspace = workspaceOver(pre, 'immediate');
    const task: ApplyTask = buildApplyTask(workspace, context(), [prepared(t0)]);
    const result = runApplyTask(task);
    workspace.burnedSupply = 99n; // changed by an earlier chunk of the same level
    mergeApplyResult(workspace, task, result);
    expect(workspace.burnedSupply).toBe(99n);
  });
});

describe('executor options and fault injection', () => {
  it('workers must be a whole number >= 0', () => {
    expect(() => new ParallelExecutor({ workers: -1 })).toThrow(InvalidInputError);
    expect(() => new ParallelExecutor({ workers: 1.5 })).toThrow(InvalidInputError);
    expect(() => new ParallelExecutor({ workers: 0 })).not.toThrow();
  });

  it('stats count the transactions and levels of the last block (dag: a chain of 2 nonces and an independent sender = 2 levels)', async () => {
    const executor = new ParallelExecutor({ workers: 0 });
    expect(executor.stats).toBeUndefined();
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, FUNDS]] }, { publicKey: bob.publicKey, balances: [[TOS_ASSET, FUNDS]] }] });
    const block = [
      encode({ source: alice, nonce: 0n, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } }),
      encode({ source: alice, nonce: 1n, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } }),
      encode({ source: bob, payload: { kind: 'transfers', transfers: [transfer(carol.publicKey, 1n)] } }),
    ];
    const result = await executor.executeBlock(state, context(), block);
    expect(result.ok).toBe(true);
    expect(executor.stats).toMatchObject({ transactions: 3, levels: 2, levelsOnWorkers: 0, redoneTasks: 0 });
    for (const field of ['verifyMs', 'applyMs', 'commitMs'] as const) expect(executor.stats?.[field]).toBeGreaterThanOrEqual(0);
  });

  it('injectFault: no fault does nothing; "throw" throws, after waiting afterMs', () => {
    expect(injectFault(undefined)).toBeUndefined();
    expect(injectFault(undefined, 5)).toBeUndefined();
    expect(() => injectFault('throw')).toThrow(/injected fault/);
    const started = performance.now();
    expect(() => injectFault('throw', 40)).toThrow(/injected fault/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});

describe('R27 R32 R4 executor checks in the calling thread', () => {
  const executor = new ParallelExecutor({ workers: 0 });
  const fund = (key: { publicKey: string }, multisig?: MultiSigConfig) => ({ publicKey: key.publicKey, balances: [[TOS_ASSET, FUNDS]] as [string, bigint][], ...(multisig ? { multisig } : {}) });
  const setTo = (threshold: number, participants: string[]): Payload => ({ kind: 'multisig', threshold, participants });

  // R27: the second transaction is authorised by the configuration the first one set, which
  // the stateless stage (run against the pre-block configuration) could not know.
  const changes: readonly [string, MultiSigConfig, Payload, NonNullable<BuildOptions['multisigSigners']>][] = [
    ['1-of-[dave] to 1-of-[bob] (same size, other participant)', { threshold: 1, participants: [dave.publicKey] }, setTo(1, [bob.publicKey]), [{ id: 0, key: bob }]],
    ['1-of-[dave] to 1-of-[dave, bob] (one more participant)', { threshold: 1, participants: [dave.publicKey] }, setTo(1, [dave.publicKey, bob.publicKey]), [{ id: 1, key: bob }]],
    // Shrinking: bob's id 1 was valid before and is out of range now (R27: MultiSigParticipants).
    ['1-of-[dave, bob] to 2-of-[dave, bob] (threshold only)', { threshold: 1, participants: [dave.publicKey, bob.publicKey] }, setTo(2, [dave.publicKey, bob.publicKey]), [{ id: 0, key: dave }, { id: 1, key: bob }]],
  ];
  it('R27: carol shrinks 1-of-[dave, bob] to 1-of-[dave]; a signature by bob (id 1) is now out of range: MultiSigParticipants', async () => {
    const state = createState({ accounts: [fund(carol, { threshold: 1, participants: [dave.publicKey, bob.publicKey] })] });
    const block = [
      encode({ source: carol, nonce: 0n, payload: setTo(1, [dave.publicKey]), multisigSigners: [{ id: 0, key: dave }] }),
      encode({ source: carol, nonce: 1n, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) }, multisigSigners: [{ id: 1, key: bob }] }),
    ];
    const result = await executor.executeBlock(state, context(), block);
    expect(result.ok && result.receipts.map((receipt) => receipt.error)).toEqual([null, 'MultiSigParticipants']);
  });

  for (const [name, before, change, signers] of changes) {
    it(`R27: carol changes ${name}; her next transaction is checked against the new configuration`, async () => {
      const state = createState({ accounts: [fund(carol, before)] });
      const block = [
        encode({ source: carol, nonce: 0n, payload: change, multisigSigners: before.participants.slice(0, before.threshold).map((key, id) => ({ id, key: key === dave.publicKey ? dave : bob })) }),
        encode({ source: carol, nonce: 1n, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) }, multisigSigners: signers }),
      ];
      const result = await executor.executeBlock(state, context(), block);
      expect(result.ok && result.receipts.map((receipt) => receipt.error)).toEqual([null, null]);
    });
  }

  it('R32: a fee total of exactly 2^64 - 1 is credited to a new miner (not BlockOverflow)', async () => {
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, MAX]] }] });
    const block = [encode({ fee: MAX, payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 0n)] } })];
    const result = await executor.executeBlock(state, context(), block);
    expect(result.ok && result.feeTotal).toBe(MAX);
    expect(result.ok && result.state.accounts.get(miner.publicKey)?.balances.get(TOS_ASSET)).toBe(MAX);
  });

  it('R30 R32: deferred-credits, miner pre-block MAX - fee plus the fee is exactly 2^64 - 1: accepted', async () => {
    const probe = build({ payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } });
    const state = createState({ accounts: [fund(alice), { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX - probe.fee]] }] });
    const result = await executor.executeBlock(state, context({ ledger: 'deferred-credits' }), [encodeTransaction(probe)]);
    expect(result.ok && result.state.accounts.get(miner.publicKey)?.balances.get(TOS_ASSET)).toBe(MAX);
  });

  it('R32: a miner at 2^64 - 1 and an accepted fee: the executor refuses the block with BlockOverflow (R32)', async () => {
    const state = createState({ accounts: [fund(alice), { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX]] }] });
    const result = await executor.executeBlock(state, context(), [encode({ payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } })]);
    expect(result.ok ? null : { code: result.error.code, rule: result.error.rule }).toEqual({ code: 'BlockOverflow', rule: 'R32' });
  });

  it('R29: a burn of a registered non-TOS asset applies in a worker chunk (the chunk knows the asset)', () => {
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, FUNDS], [ASSET_A, 10n]] }], assets: [ASSET_A] });
    const workspace = workspaceOver(state, 'immediate');
    const task = buildApplyTask(workspace, context(), [prepared(build({ payload: { kind: 'burn', asset: ASSET_A, amount: toU64(4n) } }))]);
    const result = runApplyTask(task);
    expect(result.receipts[0]?.status).toBe('applied');
    expect(result.accounts.get(alice.publicKey)?.balances.get(ASSET_A)).toBe(6n);
  });

  it('R4: the executor root refuses a key, asset or participant that is not 64 lowercase hex characters', () => {
    const valid = createState({
      accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 5n], [ASSET_A, 7n]], multisig: { threshold: 1, participants: [carol.publicKey] } }],
      assets: [ASSET_A],
    });
    expect(computeStateRootFast(valid)).toBe(computeStateRoot(valid));
    const account = valid.accounts.get(alice.publicKey)!;
    const withKey = (key: string): State => ({ ...valid, accounts: valid.accounts.delete(alice.publicKey).set(key, account) });
    const cases: [string, State, RegExp][] = [
      ['a 62-character key', withKey(alice.publicKey.slice(2)), /expected 64 hex characters, got 62/],
      ['a 66-character key', withKey(alice.publicKey + '00'), /expected 64 hex characters, got 66/],
      ['an upper-case key', withKey(alice.publicKey.toUpperCase()), /not lowercase hex/],
      ['a non-hex key', withKey('g' + alice.publicKey.slice(1)), /not lowercase hex/],
      ['a non-ASCII key', withKey('\u00e9' + alice.publicKey.slice(1)), /not lowercase hex/],
      // The second character of a byte (its low nibble) is checked too.
      ['a key with G as a low nibble', withKey('0G' + alice.publicKey.slice(2)), /not lowercase hex/],
      ['a key with a non-ASCII low nibble', withKey('0\u00e9' + alice.publicKey.slice(2)), /not lowercase hex/],
      ['a bad asset', { ...valid, accounts: valid.accounts.set(alice.publicKey, { ...account, balances: account.balances.set('zz'.repeat(32), 1n as never) }) }, /not lowercase hex/],
      ['a bad participant', { ...valid, accounts: valid.accounts.set(alice.publicKey, { ...account, multisig: { threshold: 1, participants: ['0'.repeat(63)] } }) }, /got 63/],
      ['a bad registered asset', { ...valid, assets: valid.assets.add('Z'.repeat(64)) }, /not lowercase hex/],
    ];
    for (const [what, state, message] of cases) expect(() => computeStateRootFast(state), what).toThrow(message);
  });

  it('R4: the executor root sorts the asset set (assets registered in reverse order)', () => {
    const state = createState({ assets: ['ff'.repeat(32), 'aa'.repeat(32), '11'.repeat(32)] });
    expect(computeStateRootFast(state)).toBe(computeStateRoot(state));
  });

  it('BlockExecutionError carries its name, message and cause', () => {
    const cause = new Error('worker died');
    const error = new BlockExecutionError('a worker task failed', cause);
    expect([error.name, error.message, error.cause]).toEqual(['BlockExecutionError', 'a worker task failed', cause]);
  });

  it('StorageError carries its code and name', () => {
    const error = new StorageError('StaleState', 'late read');
    expect([error.name, error.code, error.message]).toEqual(['StorageError', 'StaleState', 'late read']);
  });
});

describe('R33 a store with stateRootAfter (the persistent-store path)', () => {
  /** A minimal persistent store: MemoryStorage plus meta and a root computed before commit. */
  class RootedStore implements Storage {
    readonly inner: MemoryStorage;
    meta: ChainPosition | undefined;
    readonly commits: (CommitMeta | undefined)[] = [];
    constructor(state: State) {
      this.inner = new MemoryStorage(state);
    }
    readAccount(key: string) { return this.inner.readAccount(key); }
    hasAsset(asset: string) { return this.inner.hasAsset(asset); }
    readBurnedSupply() { return this.inner.readBurnedSupply(); }
    reads = 0;
    readState() {
      this.reads++;
      return this.inner.readState();
    }
    readMeta() { return this.meta; }
    stateRootAfter(writes: BlockWrites): string {
      const scratch = new MemoryStorage(this.inner.readState());
      scratch.commit(writes);
      return computeStateRoot(scratch.readState());
    }
    commit(writes: BlockWrites, meta?: CommitMeta): void {
      this.inner.commit(writes);
      this.commits.push(meta);
      this.meta = meta;
    }
  }

  const pre = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, FUNDS]] }] });
  const block = (nonce: bigint) => [encode({ nonce, payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 7n)] } })];

  it('R33 R4: the root is the spec root of the committed state, committed with the topoheight; the state reads back lazily', async () => {
    const executor = new ParallelExecutor({ workers: 0 });
    const store = new RootedStore(pre);
    const blockContext = context({ topoheight: toU64(10n) });
    const result = await executor.executeBlockOn(store, blockContext, block(0n));
    const spec = applyBlock(pre, blockContext, block(0n));
    expect(toComparable(result)).toEqual(toComparable(spec));
    expect(store.commits).toEqual([{ topoheight: 10n, stateRoot: spec.ok ? spec.stateRoot : '', base: undefined }]);
  });

  it('R33: reading a post-state after a later block was committed is a StorageError StaleState; before, it is the committed state', async () => {
    const executor = new ParallelExecutor({ workers: 0 });
    const store = new RootedStore(pre);
    store.meta = { topoheight: 9n, stateRoot: computeStateRoot(pre) };
    const first = await executor.executeBlockOn(store, context({ topoheight: toU64(10n) }), block(0n));
    const second = await executor.executeBlockOn(store, context({ topoheight: toU64(11n) }), block(1n));
    expect(second.ok && second.state.accounts.get(alice.publicKey)?.nonce).toBe(2n);
    let thrown: unknown;
    try {
      void (first.ok && first.state);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StorageError);
    expect((thrown as StorageError).code).toBe('StaleState');
    // A post-state read right after its own commit works, and is read once.
    const third = await executor.executeBlockOn(store, context({ topoheight: toU64(12n) }), block(2n));
    const readsBefore = store.reads;
    const state = third.ok ? third.state : undefined;
    expect(state?.accounts.get(alice.publicKey)?.nonce).toBe(3n);
    expect(third.ok && third.state).toBe(state);
    expect(store.reads - readsBefore).toBe(1);
  });

  /** The store's operations except `readMeta`, bound to it. */
  const withoutMeta = (store: RootedStore): Storage => ({
    readAccount: (key) => store.readAccount(key),
    hasAsset: (asset) => store.hasAsset(asset),
    readBurnedSupply: () => store.readBurnedSupply(),
    readState: () => store.readState(),
    stateRootAfter: (writes) => store.stateRootAfter(writes),
    commit: (writes, meta) => store.commit(writes, meta),
  });

  it('R33: a store whose readMeta has nothing yet still reads its post-state; stats stay within the elapsed time', async () => {
    const executor = new ParallelExecutor({ workers: 0 });
    const store = new RootedStore(pre);
    const noMeta: Storage = { ...withoutMeta(store), readMeta: () => undefined };
    const started = performance.now();
    const result = await executor.executeBlockOn(noMeta, context(), block(0n));
    const elapsed = performance.now() - started;
    expect(result.ok && result.state.accounts.get(alice.publicKey)?.nonce).toBe(1n);
    expect(executor.stats).toMatchObject({ transactions: 1, levels: 1, levelsOnWorkers: 0, redoneTasks: 0, multisigReverifications: 0 });
    for (const field of ['verifyMs', 'applyMs', 'commitMs'] as const) {
      expect(executor.stats?.[field]).toBeGreaterThanOrEqual(0);
      expect(executor.stats?.[field]).toBeLessThanOrEqual(elapsed);
    }
  });

  it('R33: a store without readMeta still reads its post-state', async () => {
    const executor = new ParallelExecutor({ workers: 0 });
    const store = new RootedStore(pre);
    const plain = withoutMeta(store);
    const result = await executor.executeBlockOn(plain, context(), block(0n));
    expect(result.ok && result.state.accounts.get(alice.publicKey)?.nonce).toBe(1n);
  });
});

describe('R33 executor stats and schedulers (calling thread)', () => {
  const state = createState({ accounts: [alice, bob, carol].map((key) => ({ publicKey: key.publicKey, balances: [[TOS_ASSET, FUNDS]] as [string, bigint][] })) });
  // alice 0 -> dave, alice 1 -> dave, bob 0 -> erin, bob 1 -> erin: dag levels {0, 2}, {1, 3} = 2;
  // tos-batches [0], [1, 2], [3] = 3.
  const block = [alice, alice, bob, bob].map((key, index) =>
    encode({ source: key, nonce: BigInt(index % 2), payload: { kind: 'transfers', transfers: [transfer((index < 2 ? dave : erin).publicKey, 1n)] } }),
  );

  it('the default scheduler is dag (2 levels here); tos-batches gives 3 batches; both agree with the spec', async () => {
    const expected = toComparable(applyBlock(state, context(), block));
    const dag = new ParallelExecutor({ workers: 0 });
    expect(toComparable(await dag.executeBlock(state, context(), block))).toEqual(expected);
    expect(dag.stats?.levels).toBe(2);
    const batches = new ParallelExecutor({ workers: 0, scheduler: 'tos-batches' });
    const started = performance.now();
    expect(toComparable(await batches.executeBlock(state, context(), block))).toEqual(expected);
    const elapsed = performance.now() - started;
    expect(batches.stats).toMatchObject({ transactions: 4, levels: 3, levelsOnWorkers: 0, redoneTasks: 0 });
    for (const field of ['verifyMs', 'applyMs', 'commitMs'] as const) {
      expect(batches.stats?.[field]).toBeGreaterThanOrEqual(0);
      expect(batches.stats?.[field]).toBeLessThanOrEqual(elapsed);
    }
  });

  it('R33: workers: 0 with applyOn "workers" still applies everything in the calling thread', async () => {
    const executor = new ParallelExecutor({ workers: 0, applyOn: 'workers' });
    const expected = toComparable(applyBlock(state, context(), block));
    expect(toComparable(await executor.executeBlock(state, context(), block))).toEqual(expected);
    expect(executor.stats).toMatchObject({ levelsOnWorkers: 0, redoneTasks: 0 });
  });

  it('stats of a refused block (BlockOverflow) still count its transactions and levels, with bounded times', async () => {
    const executor = new ParallelExecutor({ workers: 0 });
    const overflowing = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, FUNDS]] }, { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX]] }] });
    const started = performance.now();
    const result = await executor.executeBlock(overflowing, context(), [encode({ payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } })]);
    const elapsed = performance.now() - started;
    expect(result.ok).toBe(false);
    expect(executor.stats).toMatchObject({ transactions: 1, levels: 1, levelsOnWorkers: 0, redoneTasks: 0, multisigReverifications: 0, commitMs: 0 });
    expect(executor.stats?.applyMs).toBeGreaterThanOrEqual(0);
    expect(executor.stats?.applyMs).toBeLessThanOrEqual(elapsed);
  });
});

describe('R33 executor on one worker thread: tasks, verdict placement, faults', () => {
  const keys = Array.from({ length: 20 }, (_, index) => createTestKey(`mutation-${index}`));
  const state = createState({
    accounts: [
      ...keys.map((key) => ({ publicKey: key.publicKey, balances: [[TOS_ASSET, FUNDS]] as [string, bigint][] })),
      { publicKey: carol.publicKey, balances: [[TOS_ASSET, FUNDS]], multisig: { threshold: 1, participants: [dave.publicKey] } },
    ],
  });
  /** 20 independent transfers, each to its own new account (one level); `bad` indices are signed with the wrong key (R26). */
  const destination = (index: number): string => (0xd000 + index).toString(16).padStart(64, '0');
  const block = (bad: readonly number[] = []) =>
    keys.map((key, index) =>
      encode({ source: key, signer: bad.includes(index) ? keys[(index + 1) % keys.length]! : key, payload: { kind: 'transfers', transfers: [transfer(destination(index), BigInt(index + 1))] } }),
    );
  const make = useExecutors({ workers: 1 });
  const errorsOf = (result: Awaited<ReturnType<ParallelExecutor['executeBlock']>>) => (result.ok ? result.receipts.map((receipt) => receipt.error) : result.error.code);

  it('R26 R33: 20 transactions in verify batches of 10 + 8 + 2 (default guided sizes on one worker) and one apply task; bad signatures land on their own receipts', async () => {
    const calls: string[] = [];
    const executor = make({ applyOn: 'workers', taskCompletionHook: async (stage, index) => void calls.push(`${stage}:${index}`) });
    const transactions = block([0, 17]);
    const result = await executor.executeBlock(state, context(), transactions);
    expect(toComparable(result)).toEqual(toComparable(applyBlock(state, context(), transactions)));
    expect(errorsOf(result)).toEqual(keys.map((_, index) => ([0, 17].includes(index) ? 'InvalidSignature' : null)));
    expect(calls.sort()).toEqual(['apply:0', 'verify:0', 'verify:1', 'verify:2']);
    expect(executor.stats).toMatchObject({ levels: 1, levelsOnWorkers: 1, redoneTasks: 0 });
  });

  it('R26 R33: batchSize 10 gives exactly 2 verify tasks; the bad signature at index 15 is reported at 15', async () => {
    const calls: string[] = [];
    const executor = make({ batchSize: 10, applyOn: 'main', taskCompletionHook: async (stage, index) => void calls.push(`${stage}:${index}`) });
    const result = await executor.executeBlock(state, context(), block([15]));
    expect(errorsOf(result)).toEqual(keys.map((_, index) => (index === 15 ? 'InvalidSignature' : null)));
    expect(calls.sort()).toEqual(['verify:0', 'verify:1']);
    expect(executor.stats?.levelsOnWorkers).toBe(0);
  });

  it('R33: with the default applyOn (auto), a fresh executor applies small levels on the calling thread', async () => {
    const executor = make({});
    const result = await executor.executeBlock(state, context(), block());
    expect(result.ok).toBe(true);
    expect(executor.stats).toMatchObject({ levelsOnWorkers: 0, redoneTasks: 0 });
  });

  it('R9 R26 R27 R33: tos-batches on a worker: MultiSigNotFound, InvalidSignature and an unsupported tag each keep their own code', async () => {
    const executor = make({ scheduler: 'tos-batches', applyOn: 'workers' });
    const unsupported = encode({ source: keys[3]!, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } });
    unsupported[34] = 5;
    const transactions = [
      encode({ source: keys[1]!, signer: keys[2]!, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } }),
      encode({ source: carol, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } }),
      unsupported,
      encode({ source: keys[4]!, payload: { kind: 'burn', asset: ASSET_A, amount: toU64(1n) } }),
    ];
    const result = await executor.executeBlock(state, context(), transactions);
    expect(errorsOf(result)).toEqual(['InvalidSignature', 'MultiSigNotFound', 'UnsupportedTransactionType', 'AssetNotFound']);
    expect(executor.stats?.redoneTasks).toBe(0);
  });

  it('R27 R33: tos-batches on a worker, MultiSigNotFound first in the block; its verify task completes on the worker', async () => {
    const calls: string[] = [];
    const executor = make({ scheduler: 'tos-batches', taskCompletionHook: async (stage, index) => void calls.push(`${stage}:${index}`) });
    const transactions = [encode({ source: carol, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } }), block()[0]!];
    const result = await executor.executeBlock(state, context(), transactions);
    expect(errorsOf(result)).toEqual(['MultiSigNotFound', null]);
    expect(calls.filter((call) => call.startsWith('verify')).length).toBeGreaterThan(0);
  });

  it('R27 R33: in the second verify task (batchSize 10), carol at index 15 is checked against her own configuration', async () => {
    const executor = make({ batchSize: 10, applyOn: 'main' });
    const transactions = block();
    transactions[15] = encode({ source: carol, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } });
    const result = await executor.executeBlock(state, context(), transactions);
    expect(errorsOf(result)).toEqual(keys.map((_, index) => (index === 15 ? 'MultiSigNotFound' : null)));
  });

  it('R27 R33: tos-batches, one batch split into verify tasks of 10: carol at index 15 is checked against her own configuration', async () => {
    const executor = make({ scheduler: 'tos-batches', batchSize: 10, applyOn: 'main' });
    const transactions = block();
    transactions[15] = encode({ source: carol, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } });
    const result = await executor.executeBlock(state, context(), transactions);
    expect(executor.stats?.levels).toBe(1);
    expect(errorsOf(result)).toEqual(keys.map((_, index) => (index === 15 ? 'MultiSigNotFound' : null)));
  });

  it('R33: an apply-stage fault is not taken by a verify task (applyOn main: no apply task, nothing redone)', async () => {
    const executor = make({ applyOn: 'main' });
    executor.injectFaults([{ stage: 'apply', taskIndex: 0, kind: 'throw' }]);
    const result = await executor.executeBlock(state, context(), block());
    expect(result.ok).toBe(true);
    expect(executor.stats?.redoneTasks).toBe(0);
  });

  it('R17 R33: a level holding only undecodable bytes is settled in the calling thread, not counted as a worker level', async () => {
    const executor = make({ applyOn: 'workers' });
    const result = await executor.executeBlock(state, context(), [new Uint8Array([1, 2, 3])]);
    expect(errorsOf(result)).toEqual(['InvalidFormat']);
    expect(executor.stats).toMatchObject({ levels: 1, levelsOnWorkers: 0 });
  });

  it('R33: faults given as an option, or injected, are redone on the calling thread; a fault for a task that does not exist does nothing', async () => {
    const transactions = block([2]);
    const expected = toComparable(applyBlock(state, context(), transactions));
    const fromOptions = make({ applyOn: 'workers', faults: [{ stage: 'verify', taskIndex: 0, kind: 'throw' }] });
    expect(toComparable(await fromOptions.executeBlock(state, context(), transactions))).toEqual(expected);
    expect(fromOptions.stats?.redoneTasks).toBe(1);
    fromOptions.injectFaults([{ stage: 'apply', taskIndex: 0, kind: 'throw' }]);
    expect(toComparable(await fromOptions.executeBlock(state, context(), transactions))).toEqual(expected);
    expect(fromOptions.stats?.redoneTasks).toBe(1);
    fromOptions.injectFaults([{ stage: 'verify', taskIndex: 1, kind: 'throw' }, { stage: 'apply', taskIndex: 0, kind: 'throw', afterMs: 1 }]);
    expect(toComparable(await fromOptions.executeBlock(state, context(), transactions))).toEqual(expected);
    // 20 transactions on one worker verify in tasks of 10 + 8 + 2 (half of what remains, at
    // least 8): verify task 1 and apply task 0 both exist and fail once each; task 3 does not.
    expect(fromOptions.stats?.redoneTasks).toBe(2);
    fromOptions.injectFaults([{ stage: 'verify', taskIndex: 3, kind: 'throw' }]);
    expect(toComparable(await fromOptions.executeBlock(state, context(), transactions))).toEqual(expected);
    expect(fromOptions.stats?.redoneTasks).toBe(0);
  });
});

describe('R33 executor on two worker threads: a level in two apply chunks', () => {
  it('R33: a level of 4 independent transfers is applied as 2 chunks (tasks 0 and 1), with the spec\'s result', async () => {
    const keys = Array.from({ length: 4 }, (_, index) => createTestKey(`mutation-two-${index}`));
    const state = createState({ accounts: keys.map((key) => ({ publicKey: key.publicKey, balances: [[TOS_ASSET, FUNDS]] as [string, bigint][] })) });
    const transactions = keys.map((key, index) => encode({ source: key, payload: { kind: 'transfers', transfers: [transfer((0xe000 + index).toString(16).padStart(64, '0'), 5n)] } }));
    const calls: string[] = [];
    const executor = new ParallelExecutor({ workers: 2, applyOn: 'workers', taskCompletionHook: async (stage, index) => void calls.push(`${stage}:${index}`) });
    try {
      const result = await executor.executeBlock(state, context(), transactions);
      expect(toComparable(result)).toEqual(toComparable(applyBlock(state, context(), transactions)));
      expect(calls.filter((call) => call.startsWith('apply')).sort()).toEqual(['apply:0', 'apply:1']);
    } finally {
      await executor.close();
    }
  });
});

describe('R33 the executor replays the committed vectors in the calling thread', () => {
  // Last in this file: the slowest test (a few seconds), run after the targeted ones.
  for (const scheduler of ['dag'] as const) {
    it(`R33 (workers: 0, ${scheduler}): every vector's expected outcome is reproduced`, async () => {
      const executor = new ParallelExecutor({ workers: 0, scheduler });
      const summary = await runVectors('vectors', { name: 'impl', executeBlock: (state, blockContext, transactions) => executor.executeBlock(state, blockContext, transactions), close: () => executor.close() });
      expect(summary.failures).toEqual([]);
      expect(summary.total).toBeGreaterThanOrEqual(300);
      expect(executor.stats?.redoneTasks).toBe(0);
      expect(executor.stats?.levelsOnWorkers).toBe(0);
    });
  }
});
