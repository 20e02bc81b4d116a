/**
 * The required fee (rule R19).
 *
 * `requiredFee = ceil(size / 1024) * 10000 + transfers * 5000 + multisigSignatures * 5000`
 *
 * - `size` is the length of the transaction's encoding in bytes. TOS's `size()` counts a
 *   MultiSig delete payload one byte more than it encodes, but no delete transaction can
 *   sit at a KiB boundary (158 bytes without a multisig field, 159 + 65k with k signatures;
 *   none of these is a multiple of 1024), so the fee is the same either way.
 * - `transfers` is the Transfers payload's count (0 for Burn and MultiSig).
 * - `multisigSignatures` is the number of signatures in the multisig field (0 when absent).
 * - TOS's account-creation term is 0 and is left out; the 500-per-signature constant in
 *   TOS's config is unused.
 *
 * @module fee
 */

import { reject, type Rejection } from './errors.ts';
import { toU64, type U64 } from './integers.ts';
import type { Transaction } from './transaction.ts';

/** Fee per started KiB of encoded transaction (TOS `FEE_PER_KB`, common/src/config.rs). */
export const FEE_PER_KB = 10_000n;
/** Fee per transfer of a Transfers payload (TOS `FEE_PER_TRANSFER`, common/src/config.rs). */
export const FEE_PER_TRANSFER = 5_000n;
/** Fee per signature in the multisig field (TOS `FEE_PER_MULTISIG_SIGNATURE` as used by the fee estimate: 5000). */
export const FEE_PER_MULTISIG_SIGNATURE = 5_000n;
/** Bytes per KiB in the fee formula. */
export const BYTES_PER_KB = 1024;

/**
 * The fee a transaction must offer (R19).
 *
 * @param transaction - the decoded transaction
 * @param size - the length of its encoding in bytes
 * @returns `ceil(size / 1024) * 10000 + transfers * 5000 + multisigSignatures * 5000`
 * @example
 * computeRequiredFee(burnTransaction, 197) // 10000n (a burn encodes to 197 bytes)
 */
export function computeRequiredFee(transaction: Transaction, size: number): U64 {
  const kilobytes = BigInt(Math.ceil(size / BYTES_PER_KB));
  const transfers = BigInt(transaction.payload.kind === 'transfers' ? transaction.payload.transfers.length : 0);
  const multisigSignatures = BigInt(transaction.multisig?.length ?? 0);
  // At most 64 KiB, 500 transfers and 255 signatures: far below 2^64.
  return toU64(kilobytes * FEE_PER_KB + transfers * FEE_PER_TRANSFER + multisigSignatures * FEE_PER_MULTISIG_SIGNATURE);
}

/**
 * Check the fee (R19): `fee >= requiredFee`, else `InvalidTxFee`.
 *
 * @param transaction - the decoded transaction
 * @param size - the length of its encoding in bytes
 * @returns a rejection, or `undefined` when the fee is enough
 * @example
 * checkFee(transaction, bytes.length) // undefined when enough
 */
export function checkFee(transaction: Transaction, size: number): Rejection | undefined {
  const required = computeRequiredFee(transaction, size);
  if (transaction.fee < required) {
    return reject('InvalidTxFee', 'R19', `fee ${transaction.fee} is below the required ${required}`);
  }
  return undefined;
}
