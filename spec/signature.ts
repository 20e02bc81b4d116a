/**
 * TOS Schnorr signatures over Ristretto255 (rules R10, R12-R15).
 *
 * - R12: the generator `H` is the Ristretto point derived from the 64 bytes
 *   `SHA3-512(encoding of the Ristretto basepoint)` (the Pedersen blinding base).
 * - R13: a secret scalar `x` has public key `P = x^-1 * H`.
 * - R14: `(s, e)` is valid for `P` and `msg` iff, with `R = s*H - e*P`,
 *   `e == SHA3-512(P || msg || R) mod L` (64-byte digest read little-endian).
 *   Signing with nonce `k` therefore sets `R = k*H`, `e` as above and `s = e*x^-1 + k`.
 * - R10: a signature is 64 bytes, `s` then `e`, each a canonical little-endian scalar.
 *
 * Verification uses variable-time scalar multiplication: every input is public.
 *
 * @module signature
 */

import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha3_512 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes, type Hex, type PublicKey } from './bytes.ts';

/** A decoded Ristretto255 point. */
export type RistrettoPoint = InstanceType<typeof ristretto255.Point>;

/** The order `L = 2^252 + 27742317777372353535851937790883648493` of the Ristretto255 group (R10). */
export const GROUP_ORDER: bigint = ristretto255.Point.Fn.ORDER;

/** Length of an encoded signature in bytes: `s 32 || e 32` (R10). */
export const SIGNATURE_LENGTH = 64;

/**
 * The generator `H` of TOS signatures (R12): the Ristretto point derived from
 * `SHA3-512(basepoint encoding)`. Its encoding starts `8c9240b4`.
 */
export const SIGNATURE_GENERATOR: RistrettoPoint = ristretto255_hasher.deriveToCurve!(
  sha3_512(ristretto255.Point.BASE.toBytes()),
);
SIGNATURE_GENERATOR.precompute(8);

/**
 * Read a little-endian unsigned integer.
 *
 * @param bytes - the bytes, least significant first
 * @returns their value
 * @example
 * readLittleEndian(new Uint8Array([1, 1])) // 257n
 */
export function readLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let index = bytes.length - 1; index >= 0; index--) {
    value = (value << 8n) | BigInt(bytes[index]!);
  }
  return value;
}

/**
 * Encode a scalar as 32 little-endian bytes.
 *
 * @param scalar - an integer in `[0, 2^256)`
 * @returns 32 bytes, least significant first
 * @example
 * encodeScalar(1n) // Uint8Array [1, 0, ..., 0]
 */
export function encodeScalar(scalar: bigint): Uint8Array {
  const bytes = new Uint8Array(32);
  let rest = scalar;
  for (let index = 0; index < 32; index++) {
    bytes[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/**
 * Reduce 64 bytes, read little-endian, modulo the group order (the "wide reduction" of
 * R14 and R16).
 *
 * @param bytes - 64 bytes, usually a SHA3-512 digest
 * @returns a scalar in `[0, L)`
 * @example
 * reduceWide(sha3_512(message))
 */
export function reduceWide(bytes: Uint8Array): bigint {
  return readLittleEndian(bytes) % GROUP_ORDER;
}

/**
 * Is this 32-byte little-endian scalar canonical, that is below the group order (R10)?
 *
 * @param bytes - 32 bytes
 * @returns true when the value is less than `L`
 * @example
 * isCanonicalScalar(new Uint8Array(32)) // true
 */
export function isCanonicalScalar(bytes: Uint8Array): boolean {
  return readLittleEndian(bytes) < GROUP_ORDER;
}

/** A public key that decodes (R26): its encoding and its point. */
export interface VerifyingKey {
  /** The 32-byte canonical encoding `P` that the challenge hashes (R14). */
  readonly bytes: Uint8Array;
  /** The decoded point. */
  readonly point: RistrettoPoint;
}

/**
 * Decode a public key (R2, R26): a canonical compressed Ristretto255 encoding. The
 * all-zero encoding is the identity and decodes (R14).
 *
 * @param publicKey - 32 bytes as hex
 * @returns the key, or `undefined` when the bytes are not a valid encoding
 * @example
 * decodePublicKey('00'.repeat(32)) // the identity point
 */
export function decodePublicKey(publicKey: PublicKey): VerifyingKey | undefined {
  try {
    const bytes = hexToBytes(publicKey);
    return { bytes, point: ristretto255.Point.fromBytes(bytes) };
  } catch {
    return undefined;
  }
}

/**
 * The public key of a secret scalar (R13): `P = x^-1 * H`.
 *
 * @param secret - a non-zero scalar below the group order
 * @returns the compressed public key as hex
 * @example
 * getPublicKey(readLittleEndian(secretBytes))
 */
export function getPublicKey(secret: bigint): PublicKey {
  return bytesToHex(SIGNATURE_GENERATOR.multiply(ristretto255.Point.Fn.inv(secret)).toBytes());
}

/**
 * The challenge `e = SHA3-512(P || msg || R) mod L` (R14).
 *
 * @param publicKey - the encoded public key `P`
 * @param message - the signed message
 * @param commitment - the encoded point `R`
 * @returns the challenge scalar
 * @example
 * computeChallenge(publicKeyBytes, message, commitmentBytes)
 */
export function computeChallenge(publicKey: Uint8Array, message: Uint8Array, commitment: Uint8Array): bigint {
  const input = new Uint8Array(publicKey.length + message.length + commitment.length);
  input.set(publicKey, 0);
  input.set(message, publicKey.length);
  input.set(commitment, publicKey.length + message.length);
  return reduceWide(sha3_512(input));
}

/**
 * Sign with an explicit nonce `k` (R14): `R = k*H`, `e = challenge(P, msg, R)`,
 * `s = e*x^-1 + k`. The nonce must be secret and unique per message; the spec uses
 * deterministic nonces only for test vectors (R16).
 *
 * @param secret - the signer's secret scalar `x`
 * @param message - the message to sign
 * @param nonce - the scalar `k`
 * @returns the 64-byte signature `s || e` as hex
 * @example
 * signWithNonce(secret, message, k)
 */
export function signWithNonce(secret: bigint, message: Uint8Array, nonce: bigint): Hex {
  const Fn = ristretto255.Point.Fn;
  const publicKey = SIGNATURE_GENERATOR.multiply(Fn.inv(secret)).toBytes();
  const commitment = SIGNATURE_GENERATOR.multiply(Fn.create(nonce)).toBytes();
  const e = computeChallenge(publicKey, message, commitment);
  const s = Fn.add(Fn.mul(e, Fn.inv(secret)), Fn.create(nonce));
  return bytesToHex(encodeScalar(s)) + bytesToHex(encodeScalar(e));
}

/**
 * Verify a signature (R14) against a decoded public key.
 *
 * @param publicKey - the signer's decoded key (see {@link decodePublicKey})
 * @param message - the signed message
 * @param signature - `s || e` as 128 hex characters, both scalars canonical (the codec checked R10)
 * @returns true when `e == challenge(P, msg, s*H - e*P)`
 * @example
 * verifySignature(decodePublicKey(key)!, message, signature)
 */
export function verifySignature(publicKey: VerifyingKey, message: Uint8Array, signature: Hex): boolean {
  const bytes = hexToBytes(signature);
  const s = readLittleEndian(bytes.subarray(0, 32));
  const e = readLittleEndian(bytes.subarray(32, 64));
  if (s >= GROUP_ORDER || e >= GROUP_ORDER) {
    return false;
  }
  const sH = s === 0n ? ristretto255.Point.ZERO : SIGNATURE_GENERATOR.multiplyUnsafe(s);
  const eP = e === 0n ? ristretto255.Point.ZERO : publicKey.point.multiplyUnsafe(e);
  const commitment = sH.subtract(eP);
  return computeChallenge(publicKey.bytes, message, commitment.toBytes()) === e;
}
