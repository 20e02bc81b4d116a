/**
 * The state root (R4), computed by the executor's own code: the same canonical encoding as
 * documented in `docs/state-root.md`, written into one preallocated buffer.
 *
 * @module state-root
 */

import { bytesToHex, type Account, type Hash, type State } from '../spec/index.ts';
import { blake3 } from './hashes.ts';

/** The state root's domain prefix (R4, docs/state-root.md): the 29 ASCII bytes `TOS-CONFORMANCE-STATE-ROOT-V1`. */
export const ROOT_DOMAIN_BYTES: Uint8Array = new TextEncoder().encode('TOS-CONFORMANCE-STATE-ROOT-V1');

/** The value of each lowercase hex digit by character code; -1 for every other character. */
const HEX_VALUE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let digit = 0; digit < 16; digit++) table['0123456789abcdef'.charCodeAt(digit)] = digit;
  return table;
})();

/** Write 32 bytes given as 64 lowercase hex characters at `at` (no intermediate array). */
function writeHex32(out: Uint8Array, at: number, hex: string): void {
  if (hex.length !== 64) throw new TypeError(`expected 64 hex characters, got ${hex.length}`);
  for (let index = 0; index < 32; index++) {
    const high = HEX_VALUE[hex.charCodeAt(2 * index)] ?? -1;
    const low = HEX_VALUE[hex.charCodeAt(2 * index + 1)] ?? -1;
    if (high < 0 || low < 0) throw new TypeError(`not lowercase hex: ${hex}`);
    out[at + index] = (high << 4) | low;
  }
}

/** The entries of a map (`forEach` is the fast way through an immutable map), sorted by key. */
function sortedEntries<V>(map: { forEach(visit: (value: V, key: string) => unknown): unknown; readonly size: number }): [string, V][] {
  const entries: [string, V][] = [];
  map.forEach((value, key) => {
    entries.push([key, value]);
  });
  // Keys are distinct lowercase hex strings of one length.
  return map.size < 2 ? entries : entries.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/**
 * Hash a state into its root (R4).
 *
 * @param state - the committed state
 * @returns the 32-byte root as hex
 * @example
 * computeStateRootFast(storage.readState())
 */
export function computeStateRootFast(state: State): Hash {
  // The immutable maps are read once each with forEach (their iterators and lookups cost
  // several times more), and each key's bytes are written straight into the buffer.
  const byKey = new Map<string, Account>();
  state.accounts.forEach((account, key) => {
    byKey.set(key, account);
  });
  const keys = [...byKey.keys()].sort();
  let size = ROOT_DOMAIN_BYTES.length + 8;
  for (const key of keys) {
    const account = byKey.get(key)!;
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
    const account = byKey.get(key)!;
    writeHex32(out, at, key);
    view.setBigUint64(at + 32, account.nonce);
    view.setBigUint64(at + 40, BigInt(account.balances.size));
    at += 48;
    for (const [asset, amount] of sortedEntries(account.balances)) {
      writeHex32(out, at, asset);
      view.setBigUint64(at + 32, amount);
      at += 40;
    }
    if (account.multisig === null) {
      out[at++] = 0;
    } else {
      out[at++] = 1;
      out[at++] = account.multisig.threshold;
      out[at++] = account.multisig.participants.length;
      for (const participant of account.multisig.participants) {
        writeHex32(out, at, participant);
        at += 32;
      }
    }
  }
  view.setBigUint64(at, BigInt(assets.length));
  at += 8;
  for (const asset of assets) {
    writeHex32(out, at, asset);
    at += 32;
  }
  view.setBigUint64(at, state.burnedSupply);
  return bytesToHex(blake3(out));
}
