/**
 * The executor's own TOS Schnorr verification (R10, R12, R14, R26, R27) on libsodium's
 * Ristretto255 (RFC 9496), compiled to WebAssembly: about four times faster than the
 * spec's pure-JavaScript @noble/curves, and an independent implementation of the same
 * group, so the agreement properties are also a differential test of the two.
 *
 * The names are the spec's (spec/signature.ts), so the two can be read side by side:
 * {@link decodePublicKey} then {@link verifySignature}, with the spec's results on every
 * input. libsodium refuses to multiply to the identity, which the rules allow (the all-zero
 * key is the identity and a signature can verify against it, R14; `s` or `e` can be 0), so
 * those products are the all-zero encoding here without asking libsodium; `e*P` with `e`
 * non-zero and `P` not the identity is never the identity, the group having prime order.
 *
 * The challenge `SHA3-512(P || msg || R) mod L` is computed in the same module (its
 * SHA3-512 is several times faster than @noble/hashes'), in one buffer that holds `P`,
 * the message and, written in place by the subtraction, `R`.
 *
 * The module is instantiated when this file is first imported (top-level await), in each
 * thread that imports it.
 *
 * @module ristretto
 */

import createLibsodium from 'libsodium-sumo';
import { hexToBytes, type Hex, type PublicKey } from '../spec/index.ts';

const sodium = await createLibsodium({ getRandomValue: () => crypto.getRandomValues(new Uint32Array(1))[0]! });
if (sodium._sodium_init() < 0) throw new Error('libsodium failed to initialise');

/** The group order `L` as 32 little-endian bytes (R10). */
const ORDER_BYTES = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/**
 * The encoding of the signature generator `H` (R12): the Ristretto point derived from
 * `SHA3-512(basepoint encoding)`. The spec derives it; here it is a constant, checked
 * equal to the spec's `SIGNATURE_GENERATOR` by the tests.
 */
export const SIGNATURE_GENERATOR_BYTES: Uint8Array = hexToBytes('8c9240b456a9e6dc65c377a1048d745f94a08cdb7f44cbcd7b46f34048871134');

// Fixed slots in WebAssembly memory, allocated once: H, s, e, s*H, e*P, the digest and
// its reduction. The hash input (P || msg || R) has its own buffer, grown on demand.
const SLOTS = sodium._malloc(32 * 6 + 64);
const H_AT = SLOTS;
const S_AT = SLOTS + 32;
const E_AT = SLOTS + 64;
const SH_AT = SLOTS + 96;
const EP_AT = SLOTS + 128;
const REDUCED_AT = SLOTS + 160;
const DIGEST_AT = SLOTS + 192;
sodium.HEAPU8.set(SIGNATURE_GENERATOR_BYTES, H_AT);
let inputAt = sodium._malloc(1024);
let inputCapacity = 1024;

/** A buffer of at least `size` bytes for the hash input; its address. */
function hashInput(size: number): number {
  if (size > inputCapacity) {
    sodium._free(inputAt);
    inputCapacity = Math.max(size, 2 * inputCapacity);
    inputAt = sodium._malloc(inputCapacity);
    if (inputAt === 0) throw new Error(`libsodium could not allocate ${inputCapacity} bytes`);
  }
  return inputAt;
}

/** Is this 32-byte little-endian scalar below the group order (R10)? */
function isCanonicalScalar(bytes: Uint8Array, offset: number): boolean {
  for (let index = 31; index >= 0; index--) {
    const byte = bytes[offset + index]!;
    const limit = ORDER_BYTES[index]!;
    if (byte !== limit) return byte < limit;
  }
  return false;
}

/** Are these 32 bytes all zero (the scalar 0, or the identity's encoding)? */
function isZero(bytes: Uint8Array, offset: number): boolean {
  for (let index = 0; index < 32; index++) if (bytes[offset + index] !== 0) return false;
  return true;
}

/** A public key that decodes (R26): its canonical encoding, checked by libsodium. */
export interface SodiumVerifyingKey {
  /** The 32-byte encoding `P`. */
  readonly bytes: Uint8Array;
  /** True for the all-zero encoding, the identity (R14). */
  readonly identity: boolean;
}

/**
 * Decode a public key (R2, R26): a canonical Ristretto255 encoding (RFC 9496: a field
 * element below p, non-negative, that decodes to a point); the all-zero encoding is the
 * identity and decodes. The counterpart of the spec's `decodePublicKey`.
 *
 * @param publicKey - 32 bytes as hex
 * @returns the key, or `undefined` when the bytes are not a valid encoding
 * @example
 * decodePublicKey('00'.repeat(32))?.identity // true
 */
export function decodePublicKey(publicKey: PublicKey): SodiumVerifyingKey | undefined {
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(publicKey);
  } catch {
    return undefined;
  }
  if (bytes.length !== 32) return undefined;
  sodium.HEAPU8.set(bytes, S_AT);
  if (sodium._crypto_core_ristretto255_is_valid_point(S_AT) !== 1) return undefined;
  return { bytes, identity: isZero(bytes, 0) };
}

/**
 * Verify a signature (R14): with `R = s*H - e*P`, is `e == SHA3-512(P || msg || R) mod L`?
 * The counterpart of the spec's `verifySignature`, with its result on every input.
 *
 * @param publicKey - the signer's key, from {@link decodePublicKey}
 * @param message - the signed message
 * @param signature - `s || e` as 128 hex characters; a non-canonical scalar does not verify
 * @returns true when the signature verifies
 * @example
 * verifySignature(decodePublicKey(key)!, message, signature)
 */
export function verifySignature(publicKey: SodiumVerifyingKey, message: Uint8Array, signature: Hex): boolean {
  const scalars = hexToBytes(signature);
  if (scalars.length !== 64 || !isCanonicalScalar(scalars, 0) || !isCanonicalScalar(scalars, 32)) return false;
  const size = 64 + message.length;
  const input = hashInput(size);
  const heap = sodium.HEAPU8;
  heap.set(scalars, S_AT);
  heap.set(publicKey.bytes, input);
  heap.set(message, input + 32);
  // e*P, or the identity when e = 0 or P is the identity (libsodium will not return it).
  if (publicKey.identity || isZero(scalars, 32)) heap.fill(0, EP_AT, EP_AT + 32);
  else if (sodium._crypto_scalarmult_ristretto255(EP_AT, E_AT, input) !== 0) {
    throw new Error('libsodium refused e*P for a key that decoded');
  }
  // s*H, or the identity when s = 0.
  if (isZero(scalars, 0)) heap.fill(0, SH_AT, SH_AT + 32);
  else if (sodium._crypto_scalarmult_ristretto255(SH_AT, S_AT, H_AT) !== 0) {
    throw new Error('libsodium refused s*H for a canonical non-zero s');
  }
  const commitmentAt = input + 32 + message.length;
  if (sodium._crypto_core_ristretto255_sub(commitmentAt, SH_AT, EP_AT) !== 0) {
    throw new Error('libsodium refused s*H - e*P');
  }
  sodium._crypto_hash_sha3512(DIGEST_AT, input, size, 0);
  sodium._crypto_core_ristretto255_scalar_reduce(REDUCED_AT, DIGEST_AT);
  const after = sodium.HEAPU8;
  for (let index = 0; index < 32; index++) if (after[REDUCED_AT + index] !== scalars[32 + index]) return false;
  return true;
}
