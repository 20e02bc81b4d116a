/**
 * Injected worker faults (ARCHITECTURE step 4, R33): a worker task that throws, hangs past
 * its deadline or kills its thread mid-batch must either be redone on the main thread
 * with a result identical to the spec's (`onWorkerFailure: 'redo'`), or fail the whole
 * block with a BlockExecutionError and commit nothing (`'fail'`). The executor survives
 * and executes the next block correctly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockExecutionError, MemoryStorage, ParallelExecutor } from '../../impl/index.ts';
import type { FaultPlan } from '../../impl/faults.ts';
import { applyBlock, createState, stateToJson, TOS_ASSET, toU64, type BlockContext, type LedgerModel, type State } from '../../spec/index.ts';
import { alice, bob, carol, context, dave, encode, transfer } from '../support/fixtures.ts';
import { POOL, toComparable } from '../support/impl-blocks.ts';

const TIMEOUT_MS = 1500;
const SENDERS = [alice, bob, carol, dave];

const preState: State = createState({
  accounts: SENDERS.map((key, index) => ({ publicKey: key.publicKey, balances: [[TOS_ASSET, 50_000_000n + BigInt(index)] as const] })),
});

/** 12 TOS transfers: 4 senders x 3 nonces, each to its own destination, so 3 levels of 4 (2 chunks each on 2 workers). */
function makeBlock(amountBase: bigint, nonceBase = 0n): Uint8Array[] {
  return Array.from({ length: 12 }, (_, index) =>
    encode({
      source: SENDERS[index % 4]!,
      nonce: nonceBase + BigInt(Math.floor(index / 4)),
      payload: { kind: 'transfers', transfers: [transfer(POOL[index % POOL.length]!.publicKey, amountBase + BigInt(index))] },
    }),
  );
}

const BLOCK = makeBlock(1_000n);
const NEXT_BLOCK = makeBlock(2_000n);

const STAGES = ['verify', 'apply'] as const;
const KINDS: readonly FaultPlan['kind'][] = ['throw', 'hang', 'exit'];

function faultFor(stage: FaultPlan['stage'], kind: FaultPlan['kind']): FaultPlan {
  return kind === 'exit' ? { stage, taskIndex: 0, kind, afterMs: 20 } : { stage, taskIndex: 0, kind };
}

let redo: ParallelExecutor;
let fail: ParallelExecutor;

beforeAll(async () => {
  const common = { workers: 2, applyOn: 'workers', batchSize: 4, taskTimeoutMs: TIMEOUT_MS } as const;
  redo = new ParallelExecutor({ ...common, onWorkerFailure: 'redo' });
  fail = new ParallelExecutor({ ...common, onWorkerFailure: 'fail' });
  // Warm both pools so that worker start-up never counts against a task deadline.
  for (const executor of [redo, fail]) await executor.executeBlock(preState, context(), BLOCK);
});

afterAll(async () => {
  await Promise.all([redo?.close(), fail?.close()]);
});

function expectSpec(state: State, blockContext: BlockContext, transactions: readonly Uint8Array[]) {
  return toComparable(applyBlock(state, blockContext, transactions));
}

describe('R33 worker faults with onWorkerFailure redo', () => {
  for (const stage of STAGES) {
    for (const kind of KINDS) {
      for (const ledger of ['immediate', 'deferred-credits'] as LedgerModel[]) {
        it(`R33 ${stage} task ${kind}s (${ledger}): the work is redone and the result equals the spec's`, async () => {
          const blockContext = context({ ledger });
          redo.injectFaults([faultFor(stage, kind)]);
          const storage = new MemoryStorage(preState);
          const result = await redo.executeBlockOn(storage, blockContext, BLOCK);
          expect(toComparable(result)).toEqual(expectSpec(preState, blockContext, BLOCK));
          expect(redo.stats?.redoneTasks).toBeGreaterThanOrEqual(1);
          if (stage === 'apply') expect(redo.stats?.levelsOnWorkers).toBeGreaterThanOrEqual(1);
          // The committed state is the spec's post-state.
          const spec = applyBlock(preState, blockContext, BLOCK);
          expect(spec.ok).toBe(true);
          if (spec.ok) expect(stateToJson(storage.readState())).toEqual(stateToJson(spec.state));

          // The same executor then executes the next block (built on the committed state) correctly, without redoing anything.
          const next = makeBlock(2_000n, 3n);
          const nextResult = await redo.executeBlockOn(storage, blockContext, next);
          if (spec.ok) expect(toComparable(nextResult)).toEqual(expectSpec(spec.state, blockContext, next));
          expect(redo.stats?.redoneTasks).toBe(0);
        });
      }
    }
  }
});

describe('R33 worker faults with onWorkerFailure fail', () => {
  for (const stage of STAGES) {
    for (const kind of KINDS) {
      it(`R33 ${stage} task ${kind}s: executeBlockOn rejects with BlockExecutionError and storage keeps exactly the pre-state`, async () => {
        const blockContext = context();
        fail.injectFaults([faultFor(stage, kind)]);
        const storage = new MemoryStorage(preState);
        await expect(fail.executeBlockOn(storage, blockContext, BLOCK)).rejects.toBeInstanceOf(BlockExecutionError);
        expect(stateToJson(storage.readState())).toEqual(stateToJson(preState));

        // The executor still works: the same block on the same storage now commits the spec's result.
        const result = await fail.executeBlockOn(storage, blockContext, BLOCK);
        expect(toComparable(result)).toEqual(expectSpec(preState, blockContext, BLOCK));
      });
    }
  }

  it('R33 after a killed worker, the next block (fresh storage) executes correctly on the workers', async () => {
    fail.injectFaults([faultFor('verify', 'exit')]);
    await expect(fail.executeBlockOn(new MemoryStorage(preState), context(), NEXT_BLOCK)).rejects.toBeInstanceOf(BlockExecutionError);
    const result = await fail.executeBlock(preState, context({ topoheight: toU64(11n) }), NEXT_BLOCK);
    expect(toComparable(result)).toEqual(expectSpec(preState, context({ topoheight: toU64(11n) }), NEXT_BLOCK));
    expect(fail.stats?.levelsOnWorkers).toBeGreaterThanOrEqual(1);
  });
});
