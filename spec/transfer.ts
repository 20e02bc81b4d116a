/**
 * Transfers (rules R22, R29): checks on a Transfers payload and its credits.
 *
 * R22, for each transfer in order: a destination equal to the source is
 * `SenderIsReceiver`, then extra data bigger than 128 bytes counted with its 2-byte length
 * prefix is `TransferExtraDataSize`. After the loop, the extra data of all transfers
 * together bigger than 4096 bytes (prefixes counted) is `TransactionExtraDataSize`. Zero
 * amounts and repeated destinations are allowed.
 *
 * R29: every destination is credited in wire order; a missing destination is created
 * with nonce 0, even for a zero amount; a credit overflow rejects the whole transaction.
 *
 * @module transfer
 */

import type { PublicKey } from './bytes.ts';
import { reject, type Rejection } from './errors.ts';
import { applyCredit, type Ledger } from './ledger.ts';
import type { TransfersPayload } from './transaction.ts';

/** Most bytes of one transfer's extra data, its 2-byte length prefix included (TOS `EXTRA_DATA_LIMIT_SIZE`, R22). */
export const EXTRA_DATA_LIMIT_SIZE = 128;
/** Most bytes of all extra data of a transaction, prefixes included (TOS `EXTRA_DATA_LIMIT_SUM_SIZE`, R22). */
export const EXTRA_DATA_LIMIT_SUM_SIZE = 4096;
/** Size of the length prefix counted with extra data (R22). */
export const EXTRA_DATA_PREFIX_SIZE = 2;

/**
 * The size R22 counts for one transfer's extra data: its bytes plus the 2-byte prefix,
 * or 0 when absent.
 *
 * @param extraData - hex extra data, or `null`
 * @returns the counted size in bytes
 * @example
 * computeExtraDataSize('0102') // 4
 * computeExtraDataSize(null) // 0
 */
export function computeExtraDataSize(extraData: string | null): number {
  return extraData === null ? 0 : EXTRA_DATA_PREFIX_SIZE + extraData.length / 2;
}

/**
 * Check a Transfers payload (R22).
 *
 * @param source - the sender's key
 * @param payload - the transfers
 * @returns the first failing check's rejection, or `undefined`
 * @example
 * validateTransfers(alice, { kind: 'transfers', transfers: [{ ...t, destination: alice }] })
 * // { code: 'SenderIsReceiver', ... }
 */
export function validateTransfers(source: PublicKey, payload: TransfersPayload): Rejection | undefined {
  let totalExtraDataSize = 0;
  for (const [index, transfer] of payload.transfers.entries()) {
    if (transfer.destination === source) {
      return reject('SenderIsReceiver', 'R22', `transfer ${index} sends to its own source`);
    }
    const extraDataSize = computeExtraDataSize(transfer.extraData);
    if (extraDataSize > EXTRA_DATA_LIMIT_SIZE) {
      return reject(
        'TransferExtraDataSize',
        'R22',
        `transfer ${index} extra data counts ${extraDataSize} bytes, over ${EXTRA_DATA_LIMIT_SIZE}`,
      );
    }
    totalExtraDataSize += extraDataSize;
  }
  if (totalExtraDataSize > EXTRA_DATA_LIMIT_SUM_SIZE) {
    return reject(
      'TransactionExtraDataSize',
      'R22',
      `extra data counts ${totalExtraDataSize} bytes in all, over ${EXTRA_DATA_LIMIT_SUM_SIZE}`,
    );
  }
  return undefined;
}

/**
 * Credit every destination, in wire order (R29).
 *
 * @param ledger - the block in progress, after the sender's debits
 * @param payload - the transfers
 * @returns the ledger after all credits, or a rejection when one overflows
 * @example
 * applyTransfers(ledger, payload)
 */
export function applyTransfers(ledger: Ledger, payload: TransfersPayload): Ledger | Rejection {
  let result = ledger;
  for (const [index, transfer] of payload.transfers.entries()) {
    const credited = applyCredit(result, transfer.destination, transfer.asset, transfer.amount);
    if (credited === undefined) {
      return reject('Overflow', 'R29', `credit of transfer ${index} would overflow the destination's balance`);
    }
    result = credited;
  }
  return result;
}
