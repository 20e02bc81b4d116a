/**
 * Raw byte damage to transaction encodings (rules R6-R10, R17): truncation, bit flips,
 * trailing bytes, an unsupported payload tag (R9) and bad header bytes (version R18, fee
 * type R9, the multisig Option byte R6).
 *
 * @module conformance/arbitraries/damage
 */

import * as fc from 'fast-check';
import { decodeTransaction } from '../../spec/index.ts';

/** Offset of the payload tag in every encoding: version 1, chain id 1, source 32 (R7). */
export const PAYLOAD_TAG_OFFSET = 34;

/** The kinds of {@link Damage}. */
export type DamageKind = 'truncate' | 'flip' | 'trailing' | 'tag' | 'header';

/** One damage to an encoding. Positions are taken modulo the encoding's length. */
export type Damage =
  | {
      /** Keep only the first `at mod length` bytes. */
      readonly kind: 'truncate';
      /** Where to cut. */
      readonly at: number;
    }
  | {
      /** XOR one byte with a non-zero mask. */
      readonly kind: 'flip';
      /** Which byte. */
      readonly at: number;
      /** The mask, 1 to 255. */
      readonly mask: number;
    }
  | {
      /** Append bytes (trailing bytes are rejected, R9). */
      readonly kind: 'trailing';
      /** The appended bytes, at least one. */
      readonly bytes: readonly number[];
    }
  | {
      /** Set the payload tag to an unsupported one (R9 `UnsupportedTransactionType`). */
      readonly kind: 'tag';
      /** The tag, 3 to 7. */
      readonly value: number;
    }
  | {
      /** Set a header byte to an invalid value (R6, R9, R18 `InvalidFormat`). */
      readonly kind: 'header';
      /** Which byte: the version, the fee type, or the multisig Option byte. */
      readonly field: 'version' | 'fee-type' | 'multisig-option';
      /** The bad value (never the valid one). */
      readonly value: number;
    };

/** Options of {@link damageArbitrary}. */
export interface DamageConstraints {
  /** The kinds to generate (default all, equally likely). */
  readonly kinds?: readonly DamageKind[];
}

/**
 * Damages of the requested kinds.
 *
 * @param c - which kinds
 * @returns the arbitrary
 * @example
 * fc.sample(damageArbitrary({ kinds: ['truncate'] }), 1) // [{ kind: 'truncate', at: 17 }]
 */
export function damageArbitrary(c: DamageConstraints = {}): fc.Arbitrary<Damage> {
  const kinds = c.kinds ?? ['truncate', 'flip', 'trailing', 'tag', 'header'];
  const byKind: Record<DamageKind, fc.Arbitrary<Damage>> = {
    truncate: fc.noBias(fc.nat()).map((at): Damage => ({ kind: 'truncate', at })),
    flip: fc.record({ at: fc.noBias(fc.nat()), mask: fc.integer({ min: 1, max: 255 }) }).map(({ at, mask }): Damage => ({ kind: 'flip', at, mask })),
    trailing: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }).map((bytes): Damage => ({ kind: 'trailing', bytes })),
    tag: fc.integer({ min: 3, max: 7 }).map((value): Damage => ({ kind: 'tag', value })),
    header: fc
      .record({ field: fc.constantFrom('version' as const, 'fee-type' as const, 'multisig-option' as const), value: fc.integer({ min: 2, max: 255 }) })
      .map(({ field, value }): Damage => ({ kind: 'header', field, value: field === 'version' && value === 1 ? 0 : value })),
  };
  return fc.oneof(...kinds.map((kind) => byKind[kind]));
}

/** Offsets of the fee type and multisig Option bytes, read from a decodable encoding. */
function headerOffset(bytes: Uint8Array, field: 'version' | 'fee-type' | 'multisig-option'): number {
  if (field === 'version') return 0;
  const decoded = decodeTransaction(bytes);
  if (!decoded.ok) return 0;
  const signingLength = decoded.value.signingBytes.length;
  // The signing bytes end with fee type 1, nonce 8, reference hash 32, reference topoheight 8.
  return field === 'fee-type' ? signingLength - 49 : signingLength;
}

/**
 * Apply a damage to a copy of an encoding; the result always differs from the input
 * (for a non-empty input).
 *
 * @param bytes - the encoding (not modified)
 * @param damage - the damage
 * @returns the damaged bytes
 * @example
 * applyDamage(bytes, { kind: 'truncate', at: 10 }).length // 10 (when bytes is longer)
 */
export function applyDamage(bytes: Uint8Array, damage: Damage): Uint8Array {
  switch (damage.kind) {
    case 'truncate':
      return bytes.slice(0, bytes.length === 0 ? 0 : damage.at % bytes.length);
    case 'flip': {
      const out = bytes.slice();
      if (out.length > 0) {
        const at = damage.at % out.length;
        out[at] = out[at]! ^ damage.mask;
      }
      return out;
    }
    case 'trailing':
      return Uint8Array.from([...bytes, ...damage.bytes]);
    case 'tag': {
      const out = bytes.slice();
      if (out.length > PAYLOAD_TAG_OFFSET) out[PAYLOAD_TAG_OFFSET] = damage.value;
      return out;
    }
    case 'header': {
      const out = bytes.slice();
      const at = headerOffset(bytes, damage.field);
      if (at < out.length) out[at] = damage.value;
      return out;
    }
  }
}

/**
 * Describe a damage for an intent, with the actual byte position.
 *
 * @param damage - the damage
 * @param length - the length of the encoding it applies to
 * @returns e.g. `flip byte 40`, `truncate to 12 bytes`, `2 trailing bytes`, `payload tag 5`, `fee-type byte 9`
 * @example
 * describeDamage({ kind: 'flip', at: 40, mask: 1 }, 200) // 'flip byte 40'
 */
export function describeDamage(damage: Damage, length: number): string {
  switch (damage.kind) {
    case 'truncate':
      return `truncate to ${length === 0 ? 0 : damage.at % length} bytes`;
    case 'flip':
      return `flip byte ${length === 0 ? 0 : damage.at % length}`;
    case 'trailing':
      return `${damage.bytes.length} trailing byte${damage.bytes.length === 1 ? '' : 's'}`;
    case 'tag':
      return `payload tag ${damage.value}`;
    case 'header':
      return `${damage.field} byte ${damage.value}`;
  }
}
