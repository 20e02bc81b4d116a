/**
 * Deterministic test keys and signatures (rule R16).
 *
 * Vectors must regenerate byte for byte, so their secret keys and signing nonces are
 * derived, not random:
 *
 * - secret key of a name: `reduceWide(SHA3-512("TOS-CONFORMANCE-TEST-KEY-V1" || name))`;
 * - signing nonce: `reduceWide(SHA3-512("TOS-CONFORMANCE-NONCE-V1" || secret (32 bytes LE) || message))`.
 *
 * This is generator convenience, not consensus: consumers check the vector bytes and
 * never need to regenerate them. Never use these keys for real funds.
 *
 * @module test-keys
 */

import { sha3_512 } from '@noble/hashes/sha3.js';
import type { Hex, PublicKey } from './bytes.ts';
import { encodeSigningBytes } from './codec.ts';
import { SpecInvariantError } from './errors.ts';
import { computeMultiSigMessage } from './hash.ts';
import { encodeScalar, getPublicKey, reduceWide, signWithNonce } from './signature.ts';
import type { MultiSigSignature, Transaction } from './transaction.ts';

/** Domain string of test secret keys (R16). */
export const TEST_KEY_DOMAIN = 'TOS-CONFORMANCE-TEST-KEY-V1';
/** Domain string of deterministic signing nonces (R16). */
export const TEST_NONCE_DOMAIN = 'TOS-CONFORMANCE-NONCE-V1';

/** A named test key pair. */
export interface TestKey {
  /** The name it was derived from. */
  readonly name: string;
  /** The secret scalar. */
  readonly secret: bigint;
  /** The public key `secret^-1 * H` (R13). */
  readonly publicKey: PublicKey;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Derive the test key pair of a name (R16).
 *
 * @param name - any text, e.g. `'alice'`
 * @returns the key pair
 * @example
 * const alice = createTestKey('alice');
 */
export function createTestKey(name: string): TestKey {
  const secret = reduceWide(sha3_512(concat(new TextEncoder().encode(TEST_KEY_DOMAIN), new TextEncoder().encode(name))));
  if (secret === 0n) {
    throw new SpecInvariantError(`test key ${name} derived the zero scalar`);
  }
  return { name, secret, publicKey: getPublicKey(secret) };
}

/**
 * Sign with a nonce derived from the key and the message (R16).
 *
 * @param secret - the signer's secret scalar
 * @param message - the message
 * @returns the signature `s || e` as hex
 * @example
 * signDeterministic(alice.secret, message)
 */
export function signDeterministic(secret: bigint, message: Uint8Array): Hex {
  const nonce = reduceWide(sha3_512(concat(new TextEncoder().encode(TEST_NONCE_DOMAIN), encodeScalar(secret), message)));
  return signWithNonce(secret, message, nonce);
}

/** A participant signing a multisig transaction: its id in the configuration and its secret. */
export interface MultiSigSigner {
  /** Index of the participant in the account's configuration (R27). */
  readonly id: number;
  /** The participant's secret scalar. */
  readonly secret: bigint;
}

/**
 * Sign a transaction deterministically (R15, R16): each listed participant signs the
 * BLAKE3 hash of the signing bytes, the owner signs the signing bytes. The input's
 * `multisig` and `signature` fields are replaced.
 *
 * @param transaction - the transaction (its signature fields are ignored)
 * @param ownerSecret - the source account's secret scalar
 * @param signers - participants to sign, in wire order, or `null` for no multisig field
 * @returns the signed transaction
 * @example
 * const signed = signTransaction(unsigned, alice.secret, null);
 */
export function signTransaction(
  transaction: Transaction,
  ownerSecret: bigint,
  signers: readonly MultiSigSigner[] | null = null,
): Transaction {
  const signingBytes = encodeSigningBytes(transaction);
  const message = computeMultiSigMessage(signingBytes);
  const multisig: MultiSigSignature[] | null =
    signers === null ? null : signers.map(({ id, secret }) => ({ id, signature: signDeterministic(secret, message) }));
  return { ...transaction, multisig, signature: signDeterministic(ownerSecret, signingBytes) };
}
