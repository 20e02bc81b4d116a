/**
 * Burns (rules R23, R29).
 *
 * R23: an amount of 0 is `InvalidTransferAmount`; `amount + fee` overflowing is `Overflow`
 * (checked whatever the asset; TOS main reports `InvalidFormat` here, we keep one code).
 *
 * R29: the burned amount is debited like any spending (R28); a burn of TOS also adds to
 * `burnedSupply` (overflow: `Overflow`), a burn of another asset only debits.
 *
 * @module burn
 */

import { TOS_ASSET } from './bytes.ts';
import { reject, type Rejection } from './errors.ts';
import { checkedAdd, type U64 } from './integers.ts';
import type { Ledger } from './ledger.ts';
import type { BurnPayload } from './transaction.ts';

/**
 * Check a Burn payload (R23).
 *
 * @param payload - the burn
 * @param fee - the transaction's fee
 * @returns the first failing check's rejection, or `undefined`
 * @example
 * validateBurn({ kind: 'burn', asset: TOS_ASSET, amount: ZERO }, fee) // InvalidTransferAmount
 */
export function validateBurn(payload: BurnPayload, fee: U64): Rejection | undefined {
  if (payload.amount === 0n) {
    return reject('InvalidTransferAmount', 'R23', 'burn amount is 0');
  }
  if (checkedAdd(payload.amount, fee) === undefined) {
    return reject('Overflow', 'R23', `burn amount ${payload.amount} plus fee ${fee} overflows`);
  }
  return undefined;
}

/**
 * Record a burn in the burned supply (R29): TOS burns add to it; other assets do not.
 *
 * @param ledger - the block in progress, after the sender's debits
 * @param payload - the burn
 * @returns the ledger, or a rejection when the burned supply would overflow
 * @example
 * applyBurn(ledger, { kind: 'burn', asset: TOS_ASSET, amount })
 */
export function applyBurn(ledger: Ledger, payload: BurnPayload): Ledger | Rejection {
  if (payload.asset !== TOS_ASSET) {
    return ledger;
  }
  const burnedSupply = checkedAdd(ledger.current.burnedSupply, payload.amount);
  if (burnedSupply === undefined) {
    return reject('Overflow', 'R29', 'the burned supply would overflow');
  }
  return { ...ledger, current: { ...ledger.current, burnedSupply } };
}
