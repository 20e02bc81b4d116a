/**
 * The state root (rule R4): BLAKE3 over one canonical byte encoding of the whole state.
 *
 * The encoding, byte by byte (all integers fixed-width big-endian):
 *
 * 1. the 29 ASCII bytes `TOS-CONFORMANCE-STATE-ROOT-V1` (domain separation);
 * 2. the number of accounts, u64;
 * 3. every account, sorted by key bytes (every account, even one with no balance records):
 *    - key, 32 bytes;
 *    - nonce, u64;
 *    - the number of balance records, u64, then each record sorted by asset bytes
 *      (zero records kept, R3): asset 32 bytes, amount u64;
 *    - multisig: one byte 0 when none; else 1, then threshold u8, participant count u8
 *      and each participant key (32 bytes) in stored order (ids index them);
 * 4. the number of registered assets, u64, then each asset id (32 bytes) sorted by bytes;
 * 5. burnedSupply, u64.
 *
 * Lowercase hex text sorts in the same order as the bytes it encodes, so the spec sorts
 * the hex keys.
 *
 * @module state-root
 */

import { blake3 } from '@noble/hashes/blake3.js';
import { bytesToHex, hexToBytes, type Hash } from './bytes.ts';
import type { State } from './state.ts';

/** The domain-separation prefix of the state-root encoding (R4). */
export const STATE_ROOT_DOMAIN = 'TOS-CONFORMANCE-STATE-ROOT-V1';

function u64Bytes(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value);
  return bytes;
}

/**
 * The canonical byte encoding of a state that the root hashes (R4).
 *
 * @param state - the state
 * @returns the encoding described in this module's documentation
 * @example
 * encodeStateForRoot(EMPTY_STATE).length // 29 + 8 + 8 + 32 + 8 = 85
 */
export function encodeStateForRoot(state: State): Uint8Array {
  const parts: Uint8Array[] = [new TextEncoder().encode(STATE_ROOT_DOMAIN), u64Bytes(BigInt(state.accounts.size))];
  for (const key of [...state.accounts.keys()].sort()) {
    const account = state.accounts.get(key)!;
    parts.push(hexToBytes(key), u64Bytes(account.nonce), u64Bytes(BigInt(account.balances.size)));
    for (const asset of [...account.balances.keys()].sort()) {
      parts.push(hexToBytes(asset), u64Bytes(account.balances.get(asset)!));
    }
    if (account.multisig === null) {
      parts.push(Uint8Array.of(0));
    } else {
      parts.push(Uint8Array.of(1, account.multisig.threshold, account.multisig.participants.length));
      parts.push(...account.multisig.participants.map(hexToBytes));
    }
  }
  const assets = [...state.assets].sort();
  parts.push(u64Bytes(BigInt(assets.length)), ...assets.map(hexToBytes), u64Bytes(state.burnedSupply));
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The state root (R4): BLAKE3 of {@link encodeStateForRoot}.
 *
 * @param state - the state
 * @returns the 32-byte root as hex
 * @example
 * computeStateRoot(EMPTY_STATE)
 */
export function computeStateRoot(state: State): Hash {
  return bytesToHex(blake3(encodeStateForRoot(state)));
}
