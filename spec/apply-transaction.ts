/**
 * One transaction: its checks in precedence order and its atomic effects (rules R17-R31).
 *
 * {@link applyTransaction} reads top-down in the order of the rules. The first failing
 * check's code is the rejection; a rejected transaction has no effect at all: no nonce
 * bump, no fee, no partial debit or credit (R29).
 *
 * @module apply-transaction
 */

import type { Hash } from './bytes.ts';
import { decodeTransaction, type DecodedTransaction } from './codec.ts';
import type { BlockContext } from './context.ts';
import { isRejection, reject, type Rejection, type RejectionCode } from './errors.ts';
import { checkFee } from './fee.ts';
import { checkedAdd, ZERO, type U64 } from './integers.ts';
import { applyDebit, getSenderAccount, type Ledger } from './ledger.ts';
import { applyBurn, validateBurn } from './burn.ts';
import { applyMultiSig, checkMultiSigAuthorisation, validateMultiSigSetup } from './multisig.ts';
import { decodePublicKey, verifySignature } from './signature.ts';
import { computeSpending, validateSpending, type Spending } from './spending.ts';
import { applyAccount, type Account } from './state.ts';
import type { Transaction } from './transaction.ts';
import { applyTransfers, validateTransfers } from './transfer.ts';

/** The outcome of one transaction in a block (R33). */
export interface Receipt {
  /** The transaction hash (R11) when the bytes decoded, else `null`. */
  readonly hash: Hash | null;
  /** Whether the transaction took effect. */
  readonly status: 'applied' | 'rejected';
  /** The rejection code when rejected, else `null`. */
  readonly error: RejectionCode | null;
  /** The fee charged: the transaction's fee when applied, 0 when rejected (R29). */
  readonly fee: U64;
}

/** What {@link applyTransaction} returns. */
export interface TransactionResult {
  /** The block in progress after this transaction (the same object when it was rejected). */
  readonly ledger: Ledger;
  /** The receipt. */
  readonly receipt: Receipt;
  /** The full rejection, with its rule and detail, when rejected; else `null`. */
  readonly rejection: Rejection | null;
}

/** R20: the reference must be at most the topoheight the block builds on. */
function checkReferenceTopoheight(transaction: Transaction, context: BlockContext): Rejection | undefined {
  if (transaction.reference.topoheight >= context.topoheight) {
    return reject(
      'InvalidReferenceTopoheight',
      'R20',
      `reference topoheight ${transaction.reference.topoheight} is not below block topoheight ${context.topoheight}`,
    );
  }
  return undefined;
}

/** R21: the nonce must equal the account's current nonce exactly. */
function checkNonce(transaction: Transaction, account: Account): Rejection | undefined {
  if (transaction.nonce !== account.nonce) {
    return reject('InvalidNonce', 'R21', `nonce ${transaction.nonce} is not the account nonce ${account.nonce}`);
  }
  return undefined;
}

/** R22-R24: the checks particular to each payload kind. */
function validatePayload(transaction: Transaction, account: Account): Rejection | undefined {
  const { payload } = transaction;
  switch (payload.kind) {
    case 'transfers':
      return validateTransfers(transaction.source, payload); // R22
    case 'burn':
      return validateBurn(payload, transaction.fee); // R23
    case 'multisig':
      return validateMultiSigSetup(transaction.source, payload, account); // R24
  }
}

/** R25: the chain id must be the block's. */
function checkChainId(transaction: Transaction, context: BlockContext): Rejection | undefined {
  if (transaction.chainId !== context.chainId) {
    return reject('InvalidChainId', 'R25', `chain id ${transaction.chainId} is not the block's ${context.chainId}`);
  }
  return undefined;
}

/** R26: the source key must decode, then the owner signature over the signing bytes must verify. */
function checkOwnerSignature(decoded: DecodedTransaction): Rejection | undefined {
  const sourceKey = decodePublicKey(decoded.transaction.source);
  if (sourceKey === undefined) {
    return reject('InvalidPublicKey', 'R26', 'the source key is not a valid Ristretto point');
  }
  if (!verifySignature(sourceKey, decoded.signingBytes, decoded.transaction.signature)) {
    return reject('InvalidSignature', 'R26', 'the owner signature does not verify');
  }
  return undefined;
}

/** R29: the effects, all or nothing. */
function applyEffects(
  ledger: Ledger,
  transaction: Transaction,
  account: Account,
  spendings: readonly Spending[],
): Ledger | Rejection {
  const { source, payload } = transaction;
  // Nonce + 1; at 2^64 - 1 it cannot be bumped.
  const nonce = checkedAdd(account.nonce, 1n as U64);
  if (nonce === undefined) {
    return reject('Overflow', 'R29', 'the nonce cannot be bumped past 2^64 - 1');
  }
  let result: Ledger = { ...ledger, current: applyAccount(ledger.current, source, { ...account, nonce }) };
  // Debit every spent asset (the fee is in the TOS total).
  for (const { asset, total } of spendings) {
    result = applyDebit(result, source, asset, total);
  }
  // Credit destinations, burn, or change the multisig configuration.
  switch (payload.kind) {
    case 'transfers':
      return applyTransfers(result, payload);
    case 'burn':
      return applyBurn(result, payload);
    case 'multisig':
      return applyMultiSig(result, source, payload);
  }
}

/**
 * Check a decoded transaction against the block in progress and apply it (R19-R31).
 *
 * @param ledger - the block in progress
 * @param context - the block context
 * @param decoded - the decoded transaction
 * @returns the new ledger, or the first failing check's rejection
 * @example
 * const result = applyDecodedTransaction(ledger, context, decoded);
 */
export function applyDecodedTransaction(
  ledger: Ledger,
  context: BlockContext,
  decoded: DecodedTransaction,
): Ledger | Rejection {
  const { transaction } = decoded;
  // R19: the fee covers size, transfers and multisig signatures.
  const feeRejection = checkFee(transaction, decoded.bytes.length);
  if (feeRejection) return feeRejection;
  // R20: the reference is not in the future.
  const referenceRejection = checkReferenceTopoheight(transaction, context);
  if (referenceRejection) return referenceRejection;
  // R21, R31: the sender exists (and, under deferred credits, existed before the block)...
  const account = getSenderAccount(ledger, transaction.source);
  if (account === undefined) {
    return reject('AccountNotFound', 'R21', `source ${transaction.source} cannot send in this block`);
  }
  // ...and the nonce is the account's nonce.
  const nonceRejection = checkNonce(transaction, account);
  if (nonceRejection) return nonceRejection;
  // R22-R24: payload checks.
  const payloadRejection = validatePayload(transaction, account);
  if (payloadRejection) return payloadRejection;
  // R25: the chain id.
  const chainRejection = checkChainId(transaction, context);
  if (chainRejection) return chainRejection;
  // R26: the source key and the owner signature.
  const signatureRejection = checkOwnerSignature(decoded);
  if (signatureRejection) return signatureRejection;
  // R27: multisig authorisation against the configuration the account has now.
  const multiSigRejection = checkMultiSigAuthorisation(account.multisig, transaction.multisig, decoded.signingBytes);
  if (multiSigRejection) return multiSigRejection;
  // R28: sums per asset, then registration, records and funds.
  const spendings = computeSpending(transaction);
  if (isRejection(spendings)) return spendings;
  const spendingRejection = validateSpending(ledger, transaction.source, spendings);
  if (spendingRejection) return spendingRejection;
  // R29: the effects, atomically.
  return applyEffects(ledger, transaction, account, spendings);
}

/**
 * Apply one transaction's bytes to the block in progress (R17-R31, R33).
 *
 * Never throws for any input bytes: a malformed or failing transaction is rejected with a
 * code and leaves `ledger` unchanged.
 *
 * @param ledger - the block in progress (not modified)
 * @param context - the block context
 * @param bytes - the transaction's wire bytes
 * @returns the new ledger, the receipt and, when rejected, the rejection
 * @example
 * const { ledger: next, receipt } = applyTransaction(beginLedger('immediate', state), context, bytes);
 */
export function applyTransaction(ledger: Ledger, context: BlockContext, bytes: Uint8Array): TransactionResult {
  // R17, R18: decode.
  const decoded = decodeTransaction(bytes);
  if (!decoded.ok) {
    return rejected(ledger, null, decoded.rejection);
  }
  const result = applyDecodedTransaction(ledger, context, decoded.value);
  if (isRejection(result)) {
    return rejected(ledger, decoded.value.hash, result);
  }
  return {
    ledger: result,
    receipt: { hash: decoded.value.hash, status: 'applied', error: null, fee: decoded.value.transaction.fee },
    rejection: null,
  };
}

function rejected(ledger: Ledger, hash: Hash | null, rejection: Rejection): TransactionResult {
  return { ledger, receipt: { hash, status: 'rejected', error: rejection.code, fee: ZERO }, rejection };
}
