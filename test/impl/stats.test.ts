/**
 * What the executor's statistics promise beyond the result: R27 verdicts from the stateless
 * stage are reused unless the configuration changed earlier in the block, and each source's
 * pre-block configuration is read from storage once per block.
 */
import { describe, expect, it } from 'vitest';
import { buildApplyTask, MemoryStorage, ParallelExecutor, runApplyTask, sourceFromStorage, Workspace, type ExecutorOptions } from '../../impl/index.ts';
import { applyBlock, createState, decodeTransaction, TOS_ASSET, type PublicKey } from '../../spec/index.ts';
import { toComparable } from '../support/impl-blocks.ts';
import { alice, bob, burn, carol, context, dave, encode, multisig, pay, transfer } from '../support/fixtures.ts';
import { useExecutors } from '../support/lifetimes.ts';

const FUNDS = 1_000_000n;
// carol is a 1-of-1 multisig account whose participant is dave.
const state = createState({
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, FUNDS]] },
    { publicKey: carol.publicKey, balances: [[TOS_ASSET, FUNDS]], multisig: { threshold: 1, participants: [dave.publicKey] } },
  ],
});
const burnByDave = (nonce: bigint) => encode({ source: carol, nonce, payload: burn(1n), multisigSigners: [{ id: 0, key: dave }] });

/** Two blocks for carol: one that keeps her configuration, one that changes it first. */
const unchanged = [burnByDave(0n), burnByDave(1n)];
const changed = [
  // carol now names bob instead of dave (authorised by dave, the current participant)...
  encode({ source: carol, nonce: 0n, payload: multisig(1, [bob.publicKey]), multisigSigners: [{ id: 0, key: dave }] }),
  // ...so this burn, signed by bob, must be checked against the new configuration.
  encode({ source: carol, nonce: 1n, payload: burn(1n), multisigSigners: [{ id: 0, key: bob }] }),
];

const configurations: readonly ExecutorOptions[] = [
  { workers: 0 },
  { workers: 1, applyOn: 'main' },
  { workers: 1, applyOn: 'workers' },
];

describe('ExecutionStats.multisigReverifications', () => {
  const make = useExecutors();

  for (const options of configurations) {
    it(`R27 (${JSON.stringify(options)}): 0 when no configuration changes, 1 for the spend after carol's change; results equal the spec's`, async () => {
      const executor = make(options);
      for (const [block, reverified] of [[unchanged, 0], [changed, 1]] as const) {
        const result = await executor.executeBlock(state, context(), block);
        expect(toComparable(result)).toEqual(toComparable(applyBlock(state, context(), block)));
        expect(result.ok && result.receipts.map((receipt) => receipt.status)).toEqual(['applied', 'applied']);
        expect(executor.stats?.multisigReverifications).toBe(reverified);
      }
    });
  }

  it('R27: a worker chunk reports its own re-verifications (0 when its pre-block configuration is current)', () => {
    // Build the chunk the way the executor would: carol's first burn, checked against her configuration.
    const storage = new MemoryStorage(state);
    const workspace = new Workspace(
      'immediate',
      sourceFromStorage(storage),
      0n,
    );
    const decoded = decodeTransaction(unchanged[0]!);
    if (!decoded.ok) throw new Error('fixture should decode');
    const dave1of1 = { threshold: 1, participants: [dave.publicKey] };
    const task = buildApplyTask(
      workspace,
      context(),
      [{ decoded: decoded.value, decodeError: null, ownerVerdict: 0, multisigVerdict: 0, preConfig: dave1of1 }],
    );
    expect(runApplyTask(task).multisigReverifications).toBe(0);
    // The same chunk told that carol had no configuration before the block: checked again.
    const stale = buildApplyTask(
      workspace,
      context(),
      [{ decoded: decoded.value, decodeError: null, ownerVerdict: 0, multisigVerdict: 0, preConfig: null }],
    );
    const result = runApplyTask(stale);
    expect(result.multisigReverifications).toBe(1);
    expect(result.receipts[0]?.status).toBe('applied');
  });
});

describe('pre-block configuration reads', () => {
  /** A memory store that counts account reads per key. */
  class CountingStorage extends MemoryStorage {
    readonly reads = new Map<PublicKey, number>();
    override readAccount(publicKey: PublicKey) {
      this.reads.set(publicKey, (this.reads.get(publicKey) ?? 0) + 1);
      return super.readAccount(publicKey);
    }
  }

  it('R27: five transactions from one source read its account twice: once for the pre-block configuration, once into the block workspace', async () => {
    const executor = new ParallelExecutor({ workers: 0 });
    const storage = new CountingStorage(state);
    const block = [0n, 1n, 2n, 3n, 4n].map((nonce) => encode({ source: alice, nonce, payload: pay(transfer(bob.publicKey, 1n)) }));
    const result = await executor.executeBlockOn(storage, context(), block);
    expect(result.ok && result.receipts.every((receipt) => receipt.status === 'applied')).toBe(true);
    expect(storage.reads.get(alice.publicKey)).toBe(2);
    // bob, new in this block, is read once (into the workspace; he sends nothing).
    expect(storage.reads.get(bob.publicKey)).toBe(1);
    await executor.close();
  });
});
