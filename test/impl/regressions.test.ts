/**
 * Executor regressions found outside the property suite, each kept as a fixed example (R28, R33).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ParallelExecutor } from '../../impl/index.ts';
import { applyBlock, createState, stateToJson, TOS_ASSET } from '../../spec/index.ts';
import { alice, ASSET_A, bob, carol, context, encode, transfer } from '../support/fixtures.ts';

describe('executor regressions', () => {
  const executor = new ParallelExecutor({ workers: 2, applyOn: 'workers' });
  afterAll(() => executor.close());

  it('R28 R33: a worker chunk whose transfers are all in another asset still sees TOS registered (the fee is TOS)', async () => {
    // Found by the 100,000-transaction memory run: the worker slice listed only the assets
    // of the payloads, so the TOS fee of an all-ASSET_A chunk failed with AssetNotFound.
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        { publicKey: carol.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
      ],
      assets: [ASSET_A],
    });
    const transactions = [
      encode({ source: alice, payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 10n, ASSET_A)] } }),
      encode({ source: carol, payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 10n, ASSET_A)] } }),
    ];
    const expected = applyBlock(state, context(), transactions);
    const actual = await executor.executeBlock(state, context(), transactions);
    expect(expected.ok && expected.receipts.map((receipt) => receipt.status)).toEqual(['applied', 'applied']);
    expect(actual.ok && actual.receipts).toEqual(expected.ok && expected.receipts);
    expect(actual.ok && stateToJson(actual.state)).toEqual(expected.ok && stateToJson(expected.state));
    expect(executor.stats?.levelsOnWorkers).toBeGreaterThan(0);
  });
});
