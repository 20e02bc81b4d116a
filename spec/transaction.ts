/**
 * The transaction as data (rules R7, R8): the fields of a TOS T1 transaction restricted to
 * the Burn, Transfers and MultiSig payloads.
 *
 * These are the values the codec (R6-R10) decodes bytes into and encodes back; every
 * check and effect (R19-R29) reads them. Byte strings are lowercase hex ({@link Hex}).
 *
 * @module transaction
 */

import type { AssetId, Hash, Hex, PublicKey } from './bytes.ts';
import type { U64 } from './integers.ts';

/** The only transaction version that exists (R18). */
export const TRANSACTION_VERSION = 1;

/** Fee type 0: the fee is paid in TOS, the only fee type valid for these payloads (R9). */
export const FEE_TYPE_TOS = 0;

/** A Burn payload (tag 0, R8): destroy `amount` of `asset` from the source. */
export interface BurnPayload {
  /** Discriminant. */
  readonly kind: 'burn';
  /** The asset burned. */
  readonly asset: AssetId;
  /** The amount burned; 0 is rejected by R23. */
  readonly amount: U64;
}

/** One transfer of a Transfers payload (R8). */
export interface Transfer {
  /** The asset sent. */
  readonly asset: AssetId;
  /** The receiving account; created if it does not exist (R29). */
  readonly destination: PublicKey;
  /** The amount sent; 0 is allowed (R22). */
  readonly amount: U64;
  /** Optional opaque extra data: `null` when absent, hex (possibly empty) when present; at most 1024 bytes decode (R8). */
  readonly extraData: Hex | null;
}

/** A Transfers payload (tag 1, R8): 1 to 500 transfers. */
export interface TransfersPayload {
  /** Discriminant. */
  readonly kind: 'transfers';
  /** The transfers, in wire order. */
  readonly transfers: readonly Transfer[];
}

/**
 * A MultiSig payload (tag 2, R8): set (threshold >= 1) or delete (threshold 0, no
 * participants) the source account's multisig configuration (R24, R29).
 */
export interface MultiSigPayload {
  /** Discriminant. */
  readonly kind: 'multisig';
  /** Signatures required, 0 to 255; 0 means delete. */
  readonly threshold: number;
  /** Distinct participant keys, in stored order (their index is the signature id, R27). */
  readonly participants: readonly PublicKey[];
}

/** The payload of a transaction: one of the three kinds in scope (R8). */
export type Payload = BurnPayload | TransfersPayload | MultiSigPayload;

/** The reference the transaction was built against (R7); only its topoheight is checked (R20). */
export interface Reference {
  /** Block hash at the reference topoheight (not checked by this spec). */
  readonly hash: Hash;
  /** Topoheight of the referenced state; must be below the block's topoheight (R20). */
  readonly topoheight: U64;
}

/** One participant's signature in the multisig field (R7, R27). */
export interface MultiSigSignature {
  /** Index of the signing participant in the account's configuration, 0 to 255. */
  readonly id: number;
  /** The participant's signature over the BLAKE3 hash of the signing bytes, `s || e` (R10, R15). */
  readonly signature: Hex;
}

/** A TOS T1 transaction (R7), as decoded from or encoded to the wire. */
export interface Transaction {
  /** Version byte; only 1 decodes (R18). */
  readonly version: number;
  /** Chain id, checked against the block's (R25). */
  readonly chainId: number;
  /** The sending account's public key. */
  readonly source: PublicKey;
  /** What the transaction does. */
  readonly payload: Payload;
  /** Fee offered, in TOS (R19). */
  readonly fee: U64;
  /** Fee type byte; only {@link FEE_TYPE_TOS} decodes (R9). */
  readonly feeType: number;
  /** Must equal the source account's nonce (R21). */
  readonly nonce: U64;
  /** The reference (R7, R20). */
  readonly reference: Reference;
  /** The multisig field: `null` when absent; an empty array is a present field with no signatures (R7). */
  readonly multisig: readonly MultiSigSignature[] | null;
  /** The owner's signature over the signing bytes, `s || e` as 128 hex characters (R10, R15). */
  readonly signature: Hex;
}
