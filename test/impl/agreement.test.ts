/**
 * R33: nothing about how a block is executed (workers, batches, where levels are applied)
 * may change its result. The parallel executor, in every configuration, must return
 * exactly what the spec's `applyBlock` returns: receipts (with their codes), post-state,
 * fee total and state root, or the same block error.
 */
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParallelExecutor, MemoryStorage, type ExecutorOptions } from '../../impl/index.ts';
import { applyBlock, createState, stateToJson, TOS_ASSET, toU64, type BlockContext, type State } from '../../spec/index.ts';
import { alice, ASSET_A, bob, carol, context, dave, encode, miner, transfer } from '../support/fixtures.ts';
import { implBlockArb, MAX, numRuns, toComparable, type ImplBlock } from '../support/impl-blocks.ts';

const CONFIGURATIONS: readonly ExecutorOptions[] = [
  { workers: 0 },
  { workers: 1 },
  { workers: 2 },
  { workers: 4 },
  { workers: 2, applyOn: 'workers' },
  { workers: 2, applyOn: 'main' },
  { workers: 2, scheduler: 'tos-batches' },
  { workers: 0, scheduler: 'tos-batches' },
];

const RUNS = numRuns(25);

function label(options: ExecutorOptions): string {
  return JSON.stringify(options);
}

const executors = new Map<string, ParallelExecutor>();

beforeAll(() => {
  for (const options of CONFIGURATIONS) executors.set(label(options), new ParallelExecutor(options));
});

afterAll(async () => {
  await Promise.all([...executors.values()].map((executor) => executor.close()));
});

function executorFor(options: ExecutorOptions): ParallelExecutor {
  const executor = executors.get(label(options));
  if (executor === undefined) throw new Error(`no executor for ${label(options)}`);
  return executor;
}

async function expectAgreement(executor: ParallelExecutor, state: State, blockContext: BlockContext, transactions: readonly Uint8Array[]): Promise<void> {
  const expected = toComparable(applyBlock(state, blockContext, transactions));
  const actual = toComparable(await executor.executeBlock(state, blockContext, transactions));
  expect(actual).toEqual(expected);
}

describe('R33 executor agrees with spec.applyBlock on generated conflicting blocks', () => {
  for (const options of CONFIGURATIONS) {
    it(`R33 ${label(options)}`, async () => {
      const executor = executorFor(options);
      await fc.assert(
        fc.asyncProperty(implBlockArb(), async (block: ImplBlock) => {
          await expectAgreement(executor, block.state, block.context, block.transactions);
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    });
  }
});

describe('R33 fixed examples, every configuration', () => {
  // 12 transfers from one sender to one destination: every transaction conflicts with the previous one.
  const chainState = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 10_000_000n]] }] });
  const chainBlock = Array.from({ length: 12 }, (_, nonce) =>
    encode({ source: alice, nonce: BigInt(nonce), payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 1_000n + BigInt(nonce))] } }),
  );

  // Alice is 1-of-[bob]. tx0 (authorised by bob, the configuration it replaces) makes her 1-of-[carol];
  // tx1 is signed by carol (valid only against the new configuration, so it must be re-verified);
  // tx2 is signed by bob as id 0 (stale: id 0 is carol now) and fails R27 with InvalidSignature.
  const multisigState = createState({
    accounts: [
      { publicKey: alice.publicKey, balances: [[TOS_ASSET, 10_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey] } },
      { publicKey: dave.publicKey, balances: [[TOS_ASSET, 1n]] },
    ],
  });
  const multisigBlock = [
    encode({ source: alice, nonce: 0n, payload: { kind: 'multisig', threshold: 1, participants: [carol.publicKey] }, multisigSigners: [{ id: 0, key: bob }] }),
    encode({ source: alice, nonce: 1n, payload: { kind: 'transfers', transfers: [transfer(dave.publicKey, 500n)] }, multisigSigners: [{ id: 0, key: carol }] }),
    encode({ source: alice, nonce: 2n, payload: { kind: 'transfers', transfers: [transfer(dave.publicKey, 700n)] }, multisigSigners: [{ id: 0, key: bob }] }),
  ];

  // The miner already holds 2^64 - 1 TOS: crediting any fee overflows (R32).
  const overflowState = createState({
    accounts: [
      { publicKey: alice.publicKey, balances: [[TOS_ASSET, 10_000_000n]] },
      { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX]] },
    ],
  });
  const overflowBlock = [
    encode({ source: alice, nonce: 0n, payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 5n)] } }),
    encode({ source: alice, nonce: 1n, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(3n) } }),
  ];

  // One transfer of a registered non-TOS asset: it spends ASSET_A and, for the fee, TOS (R28).
  const assetState = createState({
    accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] }],
    assets: [ASSET_A],
  });
  const assetBlock = [encode({ source: alice, nonce: 0n, payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 10n, ASSET_A)] } })];

  it('R33 the spec gives the hand-reasoned results the fixed examples rely on', () => {
    for (const ledger of ['immediate', 'deferred-credits'] as const) {
      const chain = applyBlock(chainState, context({ ledger }), chainBlock);
      expect(chain.ok && chain.receipts.every((receipt) => receipt.status === 'applied')).toBe(true);
      const multisig = applyBlock(multisigState, context({ ledger }), multisigBlock);
      expect(multisig.ok && multisig.receipts.map((receipt) => receipt.error)).toEqual([null, null, 'InvalidSignature']);
      const overflow = applyBlock(overflowState, context({ ledger }), overflowBlock);
      expect(overflow.ok ? 'ok' : overflow.error.code).toBe('BlockOverflow');
    }
  });

  for (const options of CONFIGURATIONS) {
    for (const ledger of ['immediate', 'deferred-credits'] as const) {
      it(`R33 ${label(options)} ${ledger}: a chain of 12 conflicting transfers from one sender`, async () => {
        const executor = executorFor(options);
        await expectAgreement(executor, chainState, context({ ledger }), chainBlock);
        expect(executor.stats?.levels).toBe(12);
      });

      it(`R33 ${label(options)} ${ledger}: a multisig change, then spends in the same block`, async () => {
        const executor = executorFor(options);
        await expectAgreement(executor, multisigState, context({ ledger }), multisigBlock);
        const result = await executor.executeBlock(multisigState, context({ ledger }), multisigBlock);
        expect(result.ok && result.receipts.map((receipt) => receipt.error)).toEqual([null, null, 'InvalidSignature']);
      });

      it(`R33 ${label(options)} ${ledger}: one transfer of a non-TOS asset (the fee is still spent in TOS)`, async () => {
        const executor = executorFor(options);
        await expectAgreement(executor, assetState, context({ ledger }), assetBlock);
        const result = await executor.executeBlock(assetState, context({ ledger }), assetBlock);
        expect(result.ok && result.receipts.map((receipt) => receipt.error)).toEqual([null]);
      });

      it(`R33 ${label(options)} ${ledger}: BlockOverflow when the miner holds 2^64 - 1 TOS, nothing committed`, async () => {
        const executor = executorFor(options);
        await expectAgreement(executor, overflowState, context({ ledger }), overflowBlock);
        const storage = new MemoryStorage(overflowState);
        const result = await executor.executeBlockOn(storage, context({ ledger }), overflowBlock);
        expect(result.ok ? 'ok' : result.error.code).toBe('BlockOverflow');
        expect(stateToJson(storage.readState())).toEqual(stateToJson(overflowState));
      });
    }
  }
});
