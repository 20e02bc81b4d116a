/**
 * Undecodable and out-of-scope bytes (category `wire`, rules R6-R10, R17, R18): each
 * vector holds the damaged bytes and then the intact transaction they came from, which is
 * accepted (so the damaged entry demonstrably had no effect). Offsets are those of the
 * layout tables in `docs/vectors.md` and `test/spec/rules-wire.test.ts`.
 *
 * @module vector-scenarios-wire
 */

import { TOS_ASSET, type RejectionCode, type RuleId, type StateInit } from '../../spec/index.ts';
import {
  alice,
  append,
  ASSET_A,
  bob,
  buildVector,
  burn,
  carol,
  encode,
  extra,
  GROUP_ORDER_LE_HEX,
  multisig,
  overwrite,
  pay,
  setByte,
  TAG_OFFSET,
  transfer,
  truncate,
  type CategorisedVector,
  type Scenario,
  type TxOptions,
} from './builder.ts';

const CATEGORY = 'wire';

/** alice: plain and funded. In MULTI, alice is 2 of [bob, carol]. */
const PLAIN: StateInit = {
  accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] }],
  assets: [ASSET_A],
};
const MULTI: StateInit = {
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] } },
  ],
};

/** A burn: 197 bytes (tag 34, asset 35, amount 67, fee 75, fee type 83, nonce 84, reference 92/124, multisig option 132, signature 133). */
const BURN: TxOptions = { fee: 10_000n, payload: burn(1n) };
/** One transfer with 10 bytes of extra data (count 35, asset 37, destination 69, amount 101, option 109, length 110, extra 112..121). */
const TRANSFER_EXTRA: TxOptions = { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(10))) };
/** One transfer without extra data (option byte at 109). */
const TRANSFER: TxOptions = { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) };
/** A MultiSig setup 2 of [bob, carol] (threshold 35, count 36, participants 37 and 69). */
const SETUP: TxOptions = { fee: 10_000n, payload: multisig(2, [bob.publicKey, carol.publicKey]) };
/** A burn with two multisig signatures (option 132, count 133, id 134, sig 135..198, id 199, sig 200..263, owner 264..327). */
const SIGNED: TxOptions = { fee: 20_000n, payload: burn(1n), multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }] };

/** 64 bytes `L || 0`: s not canonical. */
const NONCANONICAL_S = GROUP_ORDER_LE_HEX + '00'.repeat(32);

interface Case {
  readonly slug: string;
  readonly description: string;
  readonly rules: readonly RuleId[];
  /** The intact transaction (the neighbour) and the damage applied to it. */
  readonly base: TxOptions;
  readonly damage?: (bytes: Uint8Array) => Uint8Array;
  /** Replace the damaged transaction entirely (built with different options, or raw bytes). */
  readonly damaged?: TxOptions | Uint8Array;
  readonly code: RejectionCode;
  readonly state?: StateInit;
}

const truncations: readonly [number, string][] = [
  [1, 'chain-id'],
  [20, 'source'],
  [34, 'payload-tag'],
  [50, 'burn-asset'],
  [70, 'burn-amount'],
  [79, 'fee'],
  [83, 'fee-type'],
  [88, 'nonce'],
  [100, 'reference-hash'],
  [130, 'reference-topoheight'],
  [132, 'multisig-option'],
  [133, 'signature'],
  [196, 'signature-one-byte-short'],
];

const transferTruncations: readonly [number, string][] = [
  [36, 'transfer-count'],
  [40, 'transfer-asset'],
  [80, 'transfer-destination'],
  [105, 'transfer-amount'],
  [109, 'transfer-extra-option'],
  [111, 'transfer-extra-length'],
  [116, 'transfer-extra-bytes'],
];

const CASES: readonly Case[] = [
  {
    slug: 'empty-bytes',
    description: 'Zero bytes: InvalidFormat.',
    rules: ['R9', 'R17'],
    base: BURN,
    damaged: new Uint8Array(0),
    code: 'InvalidFormat',
  },
  ...truncations.map(
    ([length, field]): Case => ({
      slug: `truncated-${field}`,
      description: `A burn cut to its first ${length} bytes (inside or right before the ${field.replace(/-/g, ' ')}): InvalidFormat.`,
      rules: ['R7', 'R9', 'R17'],
      base: BURN,
      damage: truncate(length),
      code: 'InvalidFormat',
    }),
  ),
  ...transferTruncations.map(
    ([length, field]): Case => ({
      slug: `truncated-${field}`,
      description: `A transfer with 10 bytes of extra data cut to its first ${length} bytes (${field.replace(/-/g, ' ')}): InvalidFormat.`,
      rules: ['R8', 'R9', 'R17'],
      base: TRANSFER_EXTRA,
      damage: truncate(length),
      code: 'InvalidFormat',
    }),
  ),
  {
    slug: 'truncated-multisig-threshold',
    description: 'A MultiSig setup cut after its tag: InvalidFormat.',
    rules: ['R8', 'R9', 'R17'],
    base: SETUP,
    damage: truncate(35),
    code: 'InvalidFormat',
  },
  {
    slug: 'truncated-multisig-participant',
    description: 'A MultiSig setup cut inside its second participant: InvalidFormat.',
    rules: ['R8', 'R9', 'R17'],
    base: SETUP,
    damage: truncate(90),
    code: 'InvalidFormat',
  },
  {
    slug: 'truncated-multisig-field-signature',
    description: 'A burn with two multisig signatures cut inside the first participant signature: InvalidFormat.',
    rules: ['R7', 'R9', 'R17'],
    base: SIGNED,
    damage: truncate(150),
    code: 'InvalidFormat',
    state: MULTI,
  },
  {
    slug: 'multisig-count-beyond-signatures',
    description: 'A multisig field promising 3 signatures when 2 follow: the owner signature is read as signature 2 and the transaction is short: InvalidFormat.',
    rules: ['R7', 'R9', 'R17'],
    base: SIGNED,
    damage: setByte(133, 3),
    code: 'InvalidFormat',
    state: MULTI,
  },
  {
    slug: 'trailing-byte',
    description: 'A burn followed by one zero byte: InvalidFormat (TOS ignores trailing bytes; this spec rejects them).',
    rules: ['R9', 'R17'],
    base: BURN,
    damage: append(0),
    code: 'InvalidFormat',
  },
  {
    slug: 'trailing-bytes-after-multisig-delete',
    description: 'A MultiSig delete followed by five zero bytes: InvalidFormat.',
    rules: ['R9', 'R17'],
    base: { fee: 20_000n, payload: multisig(0, []), multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }] },
    damage: append(0, 0, 0, 0, 0),
    code: 'InvalidFormat',
    state: MULTI,
  },
  ...[0, 2, 255].map(
    (version): Case => ({
      slug: `version-${version}`,
      description: `Version byte ${version}: only 1 exists, InvalidFormat (R18).`,
      rules: ['R17', 'R18'],
      base: BURN,
      damaged: { ...BURN, version },
      code: 'InvalidFormat',
    }),
  ),
  ...[3, 4, 5, 6, 7].map(
    (tag): Case => ({
      slug: `unsupported-tag-${tag}`,
      description: `Payload tag ${tag} (contracts, UNO, shield, unshield) is outside this spec: UnsupportedTransactionType, hash null.`,
      rules: ['R8', 'R9', 'R17'],
      base: BURN,
      damage: setByte(TAG_OFFSET, tag),
      code: 'UnsupportedTransactionType',
    }),
  ),
  ...[8, 255].map(
    (tag): Case => ({
      slug: `tag-${tag}`,
      description: `Payload tag ${tag} does not exist: InvalidFormat.`,
      rules: ['R8', 'R9', 'R17'],
      base: BURN,
      damage: setByte(TAG_OFFSET, tag),
      code: 'InvalidFormat',
    }),
  ),
  ...[1, 2].map(
    (feeType): Case => ({
      slug: `fee-type-${feeType}`,
      description: `Fee type ${feeType}: only 0 (TOS) is valid for these payloads, InvalidFormat.`,
      rules: ['R9', 'R17'],
      base: BURN,
      damaged: { ...BURN, feeType },
      code: 'InvalidFormat',
    }),
  ),
  {
    slug: 'multisig-option-byte-2',
    description: 'The multisig field option byte is 2 (only 0 or 1 exist): InvalidFormat.',
    rules: ['R6', 'R17'],
    base: BURN,
    damage: setByte(132, 2),
    code: 'InvalidFormat',
  },
  {
    slug: 'extra-data-option-byte-2',
    description: 'The extra-data option byte of a transfer is 2: InvalidFormat.',
    rules: ['R6', 'R8', 'R17'],
    base: TRANSFER,
    damage: setByte(109, 2),
    code: 'InvalidFormat',
  },
  {
    slug: 'transfer-count-0',
    description: 'A transfer count of 0 (1..500 allowed): InvalidFormat.',
    rules: ['R8', 'R9', 'R17'],
    base: TRANSFER,
    damage: overwrite(35, '0000'),
    code: 'InvalidFormat',
  },
  {
    slug: 'transfer-count-501',
    description: 'A transfer count of 501 (0x01f5) is out of range; it is reported before the missing transfers: InvalidFormat.',
    rules: ['R8', 'R9', 'R17'],
    base: TRANSFER,
    damage: overwrite(35, '01f5'),
    code: 'InvalidFormat',
  },
  {
    slug: 'extra-data-1025-bytes',
    description: 'Extra data of 1025 raw bytes fails decoding (at most 1024 decode): InvalidFormat.',
    rules: ['R8', 'R9', 'R17'],
    base: TRANSFER,
    damaged: { fee: 40_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(1025))) },
    code: 'InvalidFormat',
  },
  {
    slug: 'multisig-participant-count-0',
    description: 'A MultiSig setup with threshold 1 and participant count 0: InvalidFormat.',
    rules: ['R8', 'R9', 'R17'],
    base: { fee: 10_000n, payload: multisig(1, [bob.publicKey]) },
    damage: setByte(36, 0),
    code: 'InvalidFormat',
  },
  {
    slug: 'duplicate-participants',
    description: 'A MultiSig setup naming bob twice: InvalidFormat.',
    rules: ['R8', 'R9', 'R17'],
    base: SETUP,
    damaged: { fee: 10_000n, payload: multisig(2, [bob.publicKey, carol.publicKey, bob.publicKey]) },
    code: 'InvalidFormat',
  },
  {
    slug: 'duplicate-signature-ids',
    description: 'A multisig field with two signatures of id 0: InvalidFormat.',
    rules: ['R7', 'R9', 'R17'],
    base: SIGNED,
    damaged: { ...SIGNED, multisigSigners: [{ id: 0, key: bob }, { id: 0, key: bob }] },
    code: 'InvalidFormat',
    state: MULTI,
  },
  {
    slug: 'noncanonical-owner-s',
    description: 'The owner signature s is the group order L (not below it): InvalidFormat.',
    rules: ['R10', 'R17'],
    base: BURN,
    damage: overwrite(-64, NONCANONICAL_S),
    code: 'InvalidFormat',
  },
  {
    slug: 'noncanonical-owner-e',
    description: 'The owner signature e is the group order L: InvalidFormat.',
    rules: ['R10', 'R17'],
    base: BURN,
    damage: overwrite(-32, GROUP_ORDER_LE_HEX),
    code: 'InvalidFormat',
  },
  {
    slug: 'noncanonical-owner-s-all-ones',
    description: 'The owner signature s is 2^256 - 1: InvalidFormat.',
    rules: ['R10', 'R17'],
    base: BURN,
    damage: overwrite(-64, 'ff'.repeat(32)),
    code: 'InvalidFormat',
  },
  {
    slug: 'noncanonical-participant-signature',
    description: 'The first participant signature has s = L: InvalidFormat.',
    rules: ['R10', 'R17'],
    base: SIGNED,
    damage: overwrite(135, NONCANONICAL_S),
    code: 'InvalidFormat',
    state: MULTI,
  },
  // First problem wins (R8, R17).
  {
    slug: 'first-problem-version-before-trailing',
    description: 'Version 2 and trailing bytes: the version is reported (InvalidFormat).',
    rules: ['R8', 'R17', 'R18'],
    base: BURN,
    damaged: encode({ ...BURN, version: 2, patch: append(9, 9, 9) }),
    code: 'InvalidFormat',
  },
  {
    slug: 'first-problem-tag-3-hides-truncation',
    description: 'Only version, chain id, source and tag 3 (35 bytes): UnsupportedTransactionType, the tag hides the missing rest.',
    rules: ['R8', 'R9', 'R17'],
    base: BURN,
    damaged: encode({ ...BURN, patch: (bytes) => setByte(TAG_OFFSET, 3)(bytes.slice(0, 35)) }),
    code: 'UnsupportedTransactionType',
  },
  {
    slug: 'first-problem-tag-7-hides-fee-type-and-trailing',
    description: 'Tag 7 with fee type 9 and ten trailing bytes: UnsupportedTransactionType.',
    rules: ['R8', 'R9', 'R17'],
    base: BURN,
    damaged: encode({ ...BURN, feeType: 9, patch: (bytes) => append(...new Array<number>(10).fill(0xee))(setByte(TAG_OFFSET, 7)(bytes)) }),
    code: 'UnsupportedTransactionType',
  },
  {
    slug: 'first-problem-version-hides-tag',
    description: 'Version 0 and tag 3: the version comes first, InvalidFormat (not UnsupportedTransactionType).',
    rules: ['R8', 'R17', 'R18'],
    base: BURN,
    damaged: encode({ ...BURN, version: 0, patch: setByte(TAG_OFFSET, 3) }),
    code: 'InvalidFormat',
  },
  {
    slug: 'first-problem-trailing-after-tag-3',
    description: 'Tag 3 and a trailing byte: UnsupportedTransactionType (the tag is read first).',
    rules: ['R8', 'R9', 'R17'],
    base: BURN,
    damaged: encode({ ...BURN, patch: (bytes) => append(0)(setByte(TAG_OFFSET, 3)(bytes)) }),
    code: 'UnsupportedTransactionType',
  },
  {
    slug: 'first-problem-fee-type-before-signature',
    description: 'Fee type 1 and a non-canonical owner signature: the fee type is read first (InvalidFormat).',
    rules: ['R8', 'R9', 'R10', 'R17'],
    base: BURN,
    damaged: encode({ ...BURN, feeType: 1, patch: overwrite(-64, 'ff'.repeat(64)) }),
    code: 'InvalidFormat',
  },
];

function scenarios(): Scenario[] {
  return CASES.map((c) => {
    const intact = encode(c.base);
    const damaged = c.damaged instanceof Uint8Array ? c.damaged : c.damaged !== undefined ? encode(c.damaged) : c.damage!(intact);
    return {
      id: `wire-${c.slug}`,
      description: `${c.description} The second transaction is the intact one, accepted.`,
      rules: c.rules,
      tags: ['neighbour'],
      state: c.state ?? PLAIN,
      transactions: [damaged, intact],
      expect: [c.code, null],
    };
  });
}

/** The `wire` category. */
export function wireVectors(): CategorisedVector[] {
  return scenarios().map((scenario) => buildVector(CATEGORY, scenario));
}
