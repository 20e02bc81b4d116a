/**
 * The state root (R4), computed by the executor's own code: the same canonical encoding as
 * documented in `docs/state-root.md`, written into one preallocated buffer.
 *
 * @module state-root
 */

import { blake3 } from '@noble/hashes/blake3.js';
import { bytesToHex, hexToBytes, type Hash, type State } from '../spec/index.ts';

/** The state root's domain prefix (R4, docs/state-root.md): the 29 ASCII bytes `TOS-CONFORMANCE-STATE-ROOT-V1`. */
export const ROOT_DOMAIN_BYTES: Uint8Array = new TextEncoder().encode('TOS-CONFORMANCE-STATE-ROOT-V1');

/**
 * Hash a state into its root (R4).
 *
 * @param state - the committed state
 * @returns the 32-byte root as hex
 * @example
 * computeStateRootFast(storage.readState())
 */
export function computeStateRootFast(state: State): Hash {
  const keys = [...state.accounts.keys()].sort();
  let size = ROOT_DOMAIN_BYTES.length + 8;
  for (const key of keys) {
    const account = state.accounts.get(key)!;
    size += 32 + 8 + 8 + account.balances.size * 40 + 1;
    if (account.multisig !== null) size += 2 + 32 * account.multisig.participants.length;
  }
  const assets = [...state.assets].sort();
  size += 8 + 32 * assets.length + 8;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  out.set(ROOT_DOMAIN_BYTES, at);
  at += ROOT_DOMAIN_BYTES.length;
  view.setBigUint64(at, BigInt(keys.length));
  at += 8;
  for (const key of keys) {
    const account = state.accounts.get(key)!;
    out.set(hexToBytes(key), at);
    view.setBigUint64(at + 32, account.nonce);
    view.setBigUint64(at + 40, BigInt(account.balances.size));
    at += 48;
    for (const asset of [...account.balances.keys()].sort()) {
      out.set(hexToBytes(asset), at);
      view.setBigUint64(at + 32, account.balances.get(asset)!);
      at += 40;
    }
    if (account.multisig === null) {
      out[at++] = 0;
    } else {
      out[at++] = 1;
      out[at++] = account.multisig.threshold;
      out[at++] = account.multisig.participants.length;
      for (const participant of account.multisig.participants) {
        out.set(hexToBytes(participant), at);
        at += 32;
      }
    }
  }
  view.setBigUint64(at, BigInt(assets.length));
  at += 8;
  for (const asset of assets) {
    out.set(hexToBytes(asset), at);
    at += 32;
  }
  view.setBigUint64(at, state.burnedSupply);
  return bytesToHex(blake3(out));
}
