/**
 * A deliberately broken adapter, to prove that the harness has teeth. It runs the
 * built-in executor, then lies in two ways:
 *
 * 1. **Fees are never debited.** Every applied transaction's fee is given back to its
 *    sender in the post-state (the miner is still paid, so TOS appears from nowhere).
 *    The state root is recomputed over the wrong post-state, so the first differing
 *    field is `stateRoot` when the receipts are otherwise right.
 * 2. **`InvalidNonce` rejections are reported as applied**, with the transaction's fee
 *    charged in the receipt (`receipts[i].status`: expected `"rejected"`, got `"applied"`).
 *
 * ```
 * npx tsx conformance/cli.ts vectors --adapter "npx tsx conformance/adapters/broken.ts"
 * ```
 *
 * @module adapters/broken
 */

import { ParallelExecutor } from '../../impl/index.ts';
import { computeStateRoot, decodeTransaction, hexToBytes, stateFromJson, TOS_ASSET, type StateJson } from '../../spec/index.ts';
import { serveAdapter } from '../harness/adapter-server.ts';
import { contextFromJson, GENERATOR_VERSION, resultToJson, type ExpectedJson } from '../vectors/format.ts';

const executor = new ParallelExecutor({ workers: 0 });

function refund(state: StateJson, source: string, fee: bigint): StateJson {
  return {
    ...state,
    accounts: state.accounts.map((account) =>
      account.publicKey !== source
        ? account
        : {
            ...account,
            balances: account.balances.map((balance) => (balance.asset === TOS_ASSET ? { ...balance, amount: (BigInt(balance.amount) + fee).toString() } : balance)),
          },
    ),
  };
}

await serveAdapter({
  name: 'tos-conformance broken',
  version: `${GENERATOR_VERSION} (fees never debited; InvalidNonce reported as applied)`,
  ledgers: ['immediate', 'deferred-credits'],
  execute: async (request) => {
    const transactions = request.transactions.map(hexToBytes);
    const outcome: ExpectedJson = resultToJson(await executor.executeBlock(stateFromJson(request.preState), contextFromJson(request.context), transactions));
    if (!outcome.ok) return outcome;
    let postState = outcome.postState;
    const receipts = outcome.receipts.map((receipt, index) => {
      const decoded = decodeTransaction(transactions[index]!);
      if (!decoded.ok) return receipt;
      const { source, fee } = decoded.value.transaction;
      if (receipt.status === 'applied') {
        postState = refund(postState, source, fee); // bug 1
        return receipt;
      }
      if (receipt.error === 'InvalidNonce') return { ...receipt, status: 'applied' as const, error: null, fee: fee.toString() }; // bug 2
      return receipt;
    });
    return { ...outcome, receipts, postState, stateRoot: computeStateRoot(stateFromJson(postState)) };
  },
  close: () => executor.close(),
});
