/**
 * Transaction hashes (rule R11, R15).
 *
 * The transaction hash is BLAKE3 of the full encoding. Each multisig participant signs
 * the 32-byte BLAKE3 hash of the signing bytes (the encoding up to and including the
 * reference).
 *
 * @module hash
 */

import { blake3 } from '@noble/hashes/blake3.js';
import { bytesToHex, type Hash } from './bytes.ts';

/**
 * The transaction hash (R11): BLAKE3 of the full encoding.
 *
 * @param bytes - the full wire encoding
 * @returns the 32-byte hash as hex
 * @example
 * computeTransactionHash(encodeTransaction(transaction))
 */
export function computeTransactionHash(bytes: Uint8Array): Hash {
  return bytesToHex(blake3(bytes));
}

/**
 * The message each multisig participant signs (R15): BLAKE3 of the signing bytes.
 *
 * @param signingBytes - the encoding up to and including `reference`
 * @returns the 32-byte message
 * @example
 * computeMultiSigMessage(encodeSigningBytes(transaction))
 */
export function computeMultiSigMessage(signingBytes: Uint8Array): Uint8Array {
  return blake3(signingBytes);
}
