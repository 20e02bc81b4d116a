/**
 * Byte strings and the identifiers made of them (rule R2).
 *
 * The spec writes every fixed-size byte string (public keys, asset ids, hashes,
 * signatures, extra data) as lowercase hexadecimal text. That keeps the data readable,
 * JSON-able and usable as a map key; the codec converts to and from bytes at the edge.
 * Hex text compares in the same order as the bytes it encodes, which the state root
 * (R4) relies on when it sorts keys.
 *
 * @module bytes
 */

import { hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js';

/** Lowercase hexadecimal text of a byte string, two characters per byte, no `0x` prefix. */
export type Hex = string;

/** A 32-byte compressed Ristretto255 point, as 64 lowercase hex characters (R2). Not validated until used (R8, R26). */
export type PublicKey = Hex;

/** A 32-byte asset id, as 64 lowercase hex characters (R2). */
export type AssetId = Hex;

/** A 32-byte BLAKE3 hash, as 64 lowercase hex characters (R11). */
export type Hash = Hex;

/** The native asset TOS: 32 zero bytes (R2). */
export const TOS_ASSET: AssetId = '00'.repeat(32);

/**
 * Encode bytes as lowercase hex.
 *
 * @param bytes - any bytes
 * @returns their lowercase hex text
 * @example
 * bytesToHex(new Uint8Array([1, 255])) // '01ff'
 */
export function bytesToHex(bytes: Uint8Array): Hex {
  // One join makes a flat string; appending byte by byte would build a rope of
  // concatenations that costs about 1 KiB per 32-byte key until it is flattened.
  const digits = new Array<string>(bytes.length);
  for (let index = 0; index < bytes.length; index++) {
    digits[index] = HEX_DIGITS[bytes[index]!]!;
  }
  return digits.join('');
}

const HEX_DIGITS: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * Decode hex text into bytes.
 *
 * @param hex - an even number of hex digits (either case)
 * @returns the bytes
 * @throws Error when `hex` is not valid hexadecimal
 * @example
 * hexToBytes('01ff') // Uint8Array [1, 255]
 */
export function hexToBytes(hex: Hex): Uint8Array {
  return nobleHexToBytes(hex);
}

/**
 * Is `value` lowercase hex text of exactly `byteLength` bytes?
 *
 * @param value - any string
 * @param byteLength - the expected number of bytes
 * @returns true when `value` has `2 * byteLength` characters from `0-9a-f`
 * @example
 * isHexOfLength(TOS_ASSET, 32) // true
 */
export function isHexOfLength(value: string, byteLength: number): boolean {
  return value.length === 2 * byteLength && /^[0-9a-f]*$/.test(value);
}
