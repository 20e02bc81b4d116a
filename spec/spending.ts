/**
 * What a transaction spends, and whether the sender can afford it (rule R28).
 *
 * Spending per asset, in first-appearance order: the transfer amounts and the burn
 * amount; the fee is added to the TOS entry (appended when TOS is not spent otherwise).
 * First all sums are formed: any overflow is `Overflow`. Then per asset in that order:
 * not registered is `AssetNotFound`; no balance record (under `deferred-credits`: no
 * pre-block record) is `NoPreviousBalanceFound`; spendable (R30) below the total is
 * `InsufficientFunds`.
 *
 * @module spending
 */

import { TOS_ASSET, type AssetId, type PublicKey } from './bytes.ts';
import { reject, type Rejection } from './errors.ts';
import { checkedAdd, type U64 } from './integers.ts';
import { getSpendableBalance, type Ledger } from './ledger.ts';
import type { Transaction } from './transaction.ts';

/** One asset a transaction spends and the total it spends of it. */
export interface Spending {
  /** The asset. */
  readonly asset: AssetId;
  /** The total spent: transfer amounts, burn amount and (for TOS) the fee. */
  readonly total: U64;
}

function getSpentAmounts(transaction: Transaction): readonly (readonly [AssetId, U64])[] {
  const { payload } = transaction;
  switch (payload.kind) {
    case 'transfers':
      return payload.transfers.map((transfer) => [transfer.asset, transfer.amount] as const);
    case 'burn':
      return [[payload.asset, payload.amount]];
    case 'multisig':
      return [];
  }
}

/**
 * Sum what a transaction spends per asset, in first-appearance order, the fee last into
 * TOS (R28).
 *
 * @param transaction - the decoded transaction
 * @returns the per-asset totals, or an `Overflow` rejection
 * @example
 * computeSpending(transferOf(100n)) // [{ asset: TOS_ASSET, total: 100n + fee }]
 */
export function computeSpending(transaction: Transaction): readonly Spending[] | Rejection {
  const totals = new Map<AssetId, U64>();
  for (const [asset, amount] of [...getSpentAmounts(transaction), [TOS_ASSET, transaction.fee] as const]) {
    const total = checkedAdd(totals.get(asset) ?? (0n as U64), amount);
    if (total === undefined) {
      return reject('Overflow', 'R28', `total spent of asset ${asset} overflows`);
    }
    totals.set(asset, total);
  }
  return [...totals].map(([asset, total]) => ({ asset, total }));
}

/**
 * Check that the sender can afford every spending, in order (R28, R30).
 *
 * @param ledger - the block in progress
 * @param source - the sender's key
 * @param spendings - the totals from {@link computeSpending}
 * @returns the first failing check's rejection, or `undefined`
 * @example
 * validateSpending(ledger, alice, spendings)
 */
export function validateSpending(
  ledger: Ledger,
  source: PublicKey,
  spendings: readonly Spending[],
): Rejection | undefined {
  for (const { asset, total } of spendings) {
    if (!ledger.current.assets.has(asset)) {
      return reject('AssetNotFound', 'R28', `asset ${asset} is not registered`);
    }
    const spendable = getSpendableBalance(ledger, source, asset);
    if (spendable === undefined) {
      return reject('NoPreviousBalanceFound', 'R28', `no ${ledger.model === 'deferred-credits' ? 'pre-block ' : ''}balance record of asset ${asset}`);
    }
    if (spendable < total) {
      return reject('InsufficientFunds', 'R28', `spendable ${spendable} of asset ${asset} is below ${total}`);
    }
  }
  return undefined;
}
