/**
 * The error precedence (docs/semantics.md, "Check order"):
 *
 *   R17 decode, R19 fee, R20 reference, R21 account then nonce,
 *   R22 (SenderIsReceiver, TransferExtraDataSize per transfer in order, then TransactionExtraDataSize)
 *   | R23 (InvalidTransferAmount, then Overflow)
 *   | R24 (MultiSigThreshold, MultiSigParticipants, MultiSigNotConfigured),
 *   R25 chain id, R26 public key then signature,
 *   R27 (MultiSigNotFound | MultiSigNotConfigured, count, then per signature: id range, key, signature),
 *   R28 (Overflow of the sums, then per asset in first-appearance order: AssetNotFound,
 *        NoPreviousBalanceFound, InsufficientFunds),
 *   R29 Overflow.
 *
 * For each adjacent pair of checks, one transaction fails both and must report the earlier
 * code; the same transaction with the earlier problem removed must report the later code,
 * which shows it really fails both. Expected codes are worked out by hand from the rules.
 *
 * Pairs that no transaction can fail together (so no test can be built for them):
 * - R23 InvalidTransferAmount / R23 Overflow: a burn of 0 cannot overflow `0 + fee`.
 * - R24 MultiSigParticipants / R24 MultiSigNotConfigured: only a delete (threshold 0) can be
 *   MultiSigNotConfigured, and a delete has no participants.
 * - R27 MultiSigNotFound or MultiSigNotConfigured / R27 signature count: the count is only
 *   checked when there is both a configuration and a multisig field.
 * For these, each side is shown to precede the check after the pair instead.
 */
import { describe, expect, it } from 'vitest';
import {
  applyBlock,
  createState,
  TOS_ASSET,
  type BlockContext,
  type RejectionCode,
  type State,
  type Transfer,
} from '../../spec/index.ts';
import { createTestKey } from '../../spec/test-keys.ts';
import {
  alice,
  ASSET_A,
  ASSET_UNREGISTERED,
  bob,
  carol,
  context,
  dave,
  encode,
  erin,
  INVALID_POINT,
  MAX,
  transfer,
  type BuildOptions,
  pay,
  burn,
  multisig,
  extra,
} from '../support/fixtures.ts';

const TWO_63 = 1n << 63n;
/** An account that is never in any state. */
const ghost = createTestKey('ghost');
/** An account at nonce 2^64 - 1 with 20_000 TOS. */
const poor = createTestKey('poor');


function many(count: number, rawBytes: number): Transfer[] {
  return Array.from({ length: count }, () => transfer(bob.publicKey, 1n, TOS_ASSET, extra(rawBytes)));
}

/** Byte offset of the payload tag: version (1) + chain id (1) + source (32). */
const TAG_OFFSET = 34;

function withTag(tag: number): (bytes: Uint8Array) => Uint8Array {
  return (bytes) => {
    const copy = bytes.slice();
    copy[TAG_OFFSET] = tag;
    return copy;
  };
}

const BASE: State = createState({
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
    { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
    { publicKey: carol.publicKey, balances: [[TOS_ASSET, 0n], [ASSET_A, MAX]] },
    // dave: 2 of [bob, carol]
    { publicKey: dave.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] } },
    // erin: 2 of [INVALID_POINT, bob, carol]
    {
      publicKey: erin.publicKey,
      balances: [[TOS_ASSET, 1_000_000n]],
      multisig: { threshold: 2, participants: [INVALID_POINT, bob.publicKey, carol.publicKey] },
    },
    { publicKey: INVALID_POINT, balances: [[TOS_ASSET, 1_000_000n]] },
    { publicKey: poor.publicKey, nonce: MAX, balances: [[TOS_ASSET, 20_000n]] },
  ],
  assets: [ASSET_A],
});

/** BASE with ASSET_UNREGISTERED registered. */
const BASE_REGISTERED: State = { ...BASE, assets: BASE.assets.add(ASSET_UNREGISTERED) };

function codeOf(bytes: Uint8Array, state: State = BASE, ctx: BlockContext = context()): RejectionCode | null {
  const result = applyBlock(state, ctx, [bytes]);
  if (!result.ok) throw new Error(`block refused: ${result.error.code}`);
  const [receipt] = result.receipts;
  if (receipt === undefined) throw new Error('no receipt');
  if (receipt.error !== null) {
    expect(receipt.status).toBe('rejected');
    expect(receipt.fee).toBe(0n);
  }
  return receipt.error;
}

function code(tx: BuildOptions, state: State = BASE): RejectionCode | null {
  return codeOf(encode(tx), state);
}

interface Pair {
  /** `R<a>>R<b>: ...` */
  readonly name: string;
  /** Fails both checks. */
  readonly both: BuildOptions;
  /** Applied to the encoding of `both` (e.g. an unsupported payload tag). */
  readonly patch?: (bytes: Uint8Array) => Uint8Array;
  readonly earlier: RejectionCode;
  /** `both` with the earlier problem removed (fails the later check only). */
  readonly withoutEarlier: BuildOptions;
  /** State for `withoutEarlier` when the earlier problem is in the state (default BASE). */
  readonly laterState?: State;
  readonly later: RejectionCode;
}

const send = pay(transfer(bob.publicKey, 1n));
const overflowingSum = pay(transfer(bob.publicKey, TWO_63), transfer(bob.publicKey, TWO_63));

const PAIRS: readonly Pair[] = [
  // R17 decode > R19 fee
  {
    name: 'R17>R19: version 2 and fee 0 is InvalidFormat (R18), not InvalidTxFee',
    both: { version: 2, fee: 0n, payload: send },
    earlier: 'InvalidFormat',
    withoutEarlier: { fee: 0n, payload: send },
    later: 'InvalidTxFee',
  },
  {
    name: 'R17>R19: fee type 1 and fee 0 is InvalidFormat (R9), not InvalidTxFee',
    both: { feeType: 1, fee: 0n, payload: send },
    earlier: 'InvalidFormat',
    withoutEarlier: { fee: 0n, payload: send },
    later: 'InvalidTxFee',
  },
  {
    name: 'R17>R19: payload tag 3 and fee 0 is UnsupportedTransactionType (R9), not InvalidTxFee',
    both: { fee: 0n, payload: send },
    patch: withTag(3),
    earlier: 'UnsupportedTransactionType',
    withoutEarlier: { fee: 0n, payload: send },
    later: 'InvalidTxFee',
  },
  // R19 fee > R20 reference
  {
    name: 'R19>R20: fee too low and reference in the future is InvalidTxFee',
    both: { fee: 0n, referenceTopoheight: 10n, payload: send },
    earlier: 'InvalidTxFee',
    withoutEarlier: { referenceTopoheight: 10n, payload: send },
    later: 'InvalidReferenceTopoheight',
  },
  {
    name: 'R19>R20: fee one below the required 15_000 and reference in the future is InvalidTxFee',
    // one transfer, under 1 KiB: required = 10_000 + 5_000
    both: { fee: 14_999n, referenceTopoheight: 10n, payload: send },
    earlier: 'InvalidTxFee',
    withoutEarlier: { fee: 15_000n, referenceTopoheight: 10n, payload: send },
    later: 'InvalidReferenceTopoheight',
  },
  // R20 reference > R21 account
  {
    name: 'R20>R21: reference in the future and unknown source is InvalidReferenceTopoheight',
    both: { source: ghost, referenceTopoheight: 10n, payload: send },
    earlier: 'InvalidReferenceTopoheight',
    withoutEarlier: { source: ghost, payload: send },
    later: 'AccountNotFound',
  },
  {
    name: 'R20>R21: reference in the future and wrong nonce is InvalidReferenceTopoheight',
    both: { nonce: 1n, referenceTopoheight: 10n, payload: send },
    earlier: 'InvalidReferenceTopoheight',
    withoutEarlier: { nonce: 1n, payload: send },
    later: 'InvalidNonce',
  },
  // R21 account > R21 nonce
  {
    name: 'R21>R21: unknown source with nonce 3 is AccountNotFound, not InvalidNonce',
    both: { source: ghost, nonce: 3n, payload: send },
    earlier: 'AccountNotFound',
    withoutEarlier: { source: alice, nonce: 3n, payload: send },
    later: 'InvalidNonce',
  },
  // R21 nonce > the first check of each payload kind (R22 | R23 | R24)
  {
    name: 'R21>R22: wrong nonce and transfer to self is InvalidNonce',
    both: { nonce: 1n, payload: pay(transfer(alice.publicKey, 1n)) },
    earlier: 'InvalidNonce',
    withoutEarlier: { payload: pay(transfer(alice.publicKey, 1n)) },
    later: 'SenderIsReceiver',
  },
  {
    name: 'R21>R23: wrong nonce and burn of 0 is InvalidNonce',
    both: { nonce: 1n, payload: burn(0n) },
    earlier: 'InvalidNonce',
    withoutEarlier: { payload: burn(0n) },
    later: 'InvalidTransferAmount',
  },
  {
    name: 'R21>R24: wrong nonce and threshold above the participant count is InvalidNonce',
    both: { nonce: 1n, payload: multisig(3, [bob.publicKey, carol.publicKey]) },
    earlier: 'InvalidNonce',
    withoutEarlier: { payload: multisig(3, [bob.publicKey, carol.publicKey]) },
    later: 'MultiSigThreshold',
  },
  // R22 internal order
  {
    name: 'R22>R22: transfer to self with 127 bytes of extra data is SenderIsReceiver, not TransferExtraDataSize',
    both: { payload: pay(transfer(alice.publicKey, 1n, TOS_ASSET, extra(127))) },
    earlier: 'SenderIsReceiver',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
    later: 'TransferExtraDataSize',
  },
  {
    name: 'R22>R22 (per transfer in order): 127 bytes in transfer 0 before self in transfer 1 is TransferExtraDataSize',
    both: { payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(127)), transfer(alice.publicKey, 1n)) },
    earlier: 'TransferExtraDataSize',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(126)), transfer(alice.publicKey, 1n)) },
    later: 'SenderIsReceiver',
  },
  {
    name: 'R22>R22 (per transfer in order): self in transfer 0 before 127 bytes in transfer 1 is SenderIsReceiver',
    both: { payload: pay(transfer(alice.publicKey, 1n), transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
    earlier: 'SenderIsReceiver',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 1n), transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
    later: 'TransferExtraDataSize',
  },
  {
    name: 'R22>R22: 33 x 128 counted plus one transfer of 129 is TransferExtraDataSize, not TransactionExtraDataSize',
    both: { payload: pay(...many(33, 126), transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
    earlier: 'TransferExtraDataSize',
    // 34 * 128 = 4352 > 4096
    withoutEarlier: { payload: pay(...many(33, 126), transfer(bob.publicKey, 1n, TOS_ASSET, extra(126))) },
    later: 'TransactionExtraDataSize',
  },
  {
    name: 'R22>R22: 33 x 128 counted with the last transfer to self is SenderIsReceiver, not TransactionExtraDataSize',
    both: { payload: pay(...many(32, 126), transfer(alice.publicKey, 1n, TOS_ASSET, extra(126))) },
    earlier: 'SenderIsReceiver',
    // 33 * 128 = 4224 > 4096
    withoutEarlier: { payload: pay(...many(33, 126)) },
    later: 'TransactionExtraDataSize',
  },
  // last of R22 / R23 / R24 > R25
  {
    name: 'R22>R25: 33 x 128 counted bytes of extra data and a bad chain id is TransactionExtraDataSize',
    both: { chainId: 1, payload: pay(...many(33, 126)) },
    earlier: 'TransactionExtraDataSize',
    withoutEarlier: { chainId: 1, payload: pay(...many(32, 126)) },
    later: 'InvalidChainId',
  },
  {
    name: 'R23>R25: burn of 0 and a bad chain id is InvalidTransferAmount',
    both: { chainId: 1, payload: burn(0n) },
    earlier: 'InvalidTransferAmount',
    withoutEarlier: { chainId: 1, payload: burn(1n) },
    later: 'InvalidChainId',
  },
  {
    name: 'R23>R25: burn of 2^64 - 1 (amount + fee overflows) and a bad chain id is Overflow',
    both: { chainId: 1, payload: burn(MAX) },
    earlier: 'Overflow',
    withoutEarlier: { chainId: 1, payload: burn(1n) },
    later: 'InvalidChainId',
  },
  {
    name: 'R24>R24: threshold 3 of [alice, bob] (source among them) is MultiSigThreshold, not MultiSigParticipants',
    both: { payload: multisig(3, [alice.publicKey, bob.publicKey]) },
    earlier: 'MultiSigThreshold',
    withoutEarlier: { payload: multisig(2, [alice.publicKey, bob.publicKey]) },
    later: 'MultiSigParticipants',
  },
  {
    name: 'R24>R25: source among its participants and a bad chain id is MultiSigParticipants',
    both: { chainId: 1, payload: multisig(1, [alice.publicKey]) },
    earlier: 'MultiSigParticipants',
    withoutEarlier: { chainId: 1, payload: multisig(1, [bob.publicKey]) },
    later: 'InvalidChainId',
  },
  {
    name: 'R24>R25: delete without a configuration and a bad chain id is MultiSigNotConfigured',
    both: { chainId: 1, payload: multisig(0, []) },
    earlier: 'MultiSigNotConfigured',
    withoutEarlier: { source: dave, chainId: 1, payload: multisig(0, []) },
    later: 'InvalidChainId',
  },
  // R25 > R26
  {
    name: 'R25>R26: bad chain id and a source key that is not a point is InvalidChainId',
    both: { sourceKey: INVALID_POINT, chainId: 1, payload: send },
    earlier: 'InvalidChainId',
    withoutEarlier: { sourceKey: INVALID_POINT, payload: send },
    later: 'InvalidPublicKey',
  },
  {
    name: 'R25>R26: bad chain id and a bad owner signature is InvalidChainId',
    both: { chainId: 1, signer: bob, payload: send },
    earlier: 'InvalidChainId',
    withoutEarlier: { signer: bob, payload: send },
    later: 'InvalidSignature',
  },
  // R26 key > R26 signature
  {
    name: 'R26>R26: a source key that is not a point (whose signature cannot verify) is InvalidPublicKey',
    both: { sourceKey: INVALID_POINT, signer: bob, payload: send },
    earlier: 'InvalidPublicKey',
    withoutEarlier: { signer: bob, payload: send },
    later: 'InvalidSignature',
  },
  // R26 signature > R27
  {
    name: 'R26>R27: bad owner signature on a multisig account without the field is InvalidSignature, not MultiSigNotFound',
    both: { source: dave, signer: bob, payload: send },
    earlier: 'InvalidSignature',
    withoutEarlier: { source: dave, payload: send },
    later: 'MultiSigNotFound',
  },
  {
    name: 'R26>R27: bad owner signature and a multisig field on a plain account is InvalidSignature, not MultiSigNotConfigured',
    both: { signer: bob, multisigSigners: [{ id: 0, key: bob }], payload: send },
    earlier: 'InvalidSignature',
    withoutEarlier: { multisigSigners: [{ id: 0, key: bob }], payload: send },
    later: 'MultiSigNotConfigured',
  },
  // R27 first check > R28 (the R27 count cannot fail together with it, see the header)
  {
    name: 'R27>R28: no multisig field on a multisig account and an overflowing sum is MultiSigNotFound',
    both: { source: dave, payload: overflowingSum },
    earlier: 'MultiSigNotFound',
    withoutEarlier: { source: dave, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }], payload: overflowingSum },
    later: 'Overflow',
  },
  {
    name: 'R27>R28: an empty multisig field on a plain account and an unregistered asset is MultiSigNotConfigured',
    both: { multisigSigners: [], payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) },
    earlier: 'MultiSigNotConfigured',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) },
    later: 'AssetNotFound',
  },
  // R27 count > per-signature checks
  {
    name: 'R27>R27: wrong signature count and an id out of range is MultiSigParticipants (both checks give this code)',
    both: { source: dave, multisigSigners: [{ id: 5, key: bob }], payload: send },
    earlier: 'MultiSigParticipants',
    withoutEarlier: { source: dave, multisigSigners: [{ id: 5, key: bob }, { id: 0, key: bob }], payload: send },
    later: 'MultiSigParticipants',
  },
  {
    name: 'R27>R27: wrong signature count and a participant key that is not a point is MultiSigParticipants',
    both: { source: erin, multisigSigners: [{ id: 0, key: bob }], payload: send },
    earlier: 'MultiSigParticipants',
    withoutEarlier: { source: erin, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: bob }], payload: send },
    later: 'InvalidPublicKey',
  },
  {
    name: 'R27>R27: wrong signature count and an invalid participant signature is MultiSigParticipants',
    both: { source: dave, multisigSigners: [{ id: 0, key: carol }], payload: send },
    earlier: 'MultiSigParticipants',
    withoutEarlier: { source: dave, multisigSigners: [{ id: 0, key: carol }, { id: 1, key: carol }], payload: send },
    later: 'InvalidSignature',
  },
  // R27 per signature: id range > key > signature
  {
    name: 'R27>R27: id out of range in signature 0 before an invalid participant key in signature 1 is MultiSigParticipants',
    both: { source: erin, multisigSigners: [{ id: 7, key: bob }, { id: 0, key: bob }], payload: send },
    earlier: 'MultiSigParticipants',
    withoutEarlier: { source: erin, multisigSigners: [{ id: 2, key: carol }, { id: 0, key: bob }], payload: send },
    later: 'InvalidPublicKey',
  },
  {
    name: 'R27>R27: an invalid participant key (its signature cannot verify) is InvalidPublicKey, not InvalidSignature',
    both: { source: erin, multisigSigners: [{ id: 0, key: dave }, { id: 1, key: bob }], payload: send },
    earlier: 'InvalidPublicKey',
    withoutEarlier: { source: erin, multisigSigners: [{ id: 1, key: dave }, { id: 2, key: carol }], payload: send },
    later: 'InvalidSignature',
  },
  // R27 > R28
  {
    name: 'R27>R28: an invalid participant signature and an overflowing sum is InvalidSignature',
    both: { source: dave, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: dave }], payload: overflowingSum },
    earlier: 'InvalidSignature',
    withoutEarlier: { source: dave, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }], payload: overflowingSum },
    later: 'Overflow',
  },
  // R28 internal order
  {
    name: 'R28>R28: an overflowing TOS sum after an unregistered asset is Overflow (all sums first), not AssetNotFound',
    both: { payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED), transfer(bob.publicKey, TWO_63), transfer(bob.publicKey, TWO_63)) },
    earlier: 'Overflow',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED), transfer(bob.publicKey, 1n), transfer(bob.publicKey, 1n)) },
    later: 'AssetNotFound',
  },
  {
    name: 'R28>R28: an unregistered asset the sender has no record of is AssetNotFound, not NoPreviousBalanceFound',
    // bob has no ASSET_UNREGISTERED record
    both: { source: bob, payload: pay(transfer(carol.publicKey, 1n, ASSET_UNREGISTERED)) },
    earlier: 'AssetNotFound',
    withoutEarlier: { source: bob, payload: pay(transfer(carol.publicKey, 1n, ASSET_UNREGISTERED)) },
    laterState: BASE_REGISTERED,
    later: 'NoPreviousBalanceFound',
  },
  {
    name: 'R28>R28: AssetNotFound for an asset listed before an asset without a record is AssetNotFound',
    both: { source: bob, payload: pay(transfer(carol.publicKey, 1n, ASSET_UNREGISTERED), transfer(carol.publicKey, 1n, ASSET_A)) },
    earlier: 'AssetNotFound',
    withoutEarlier: { source: bob, payload: pay(transfer(carol.publicKey, 1n, ASSET_A)) },
    later: 'NoPreviousBalanceFound',
  },
  {
    name: 'R28>R28: NoPreviousBalanceFound for ASSET_A listed before InsufficientFunds for TOS is NoPreviousBalanceFound',
    // bob: no ASSET_A record; 100_000 TOS < 1_000_000 + fee
    both: { source: bob, payload: pay(transfer(carol.publicKey, 5n, ASSET_A), transfer(carol.publicKey, 1_000_000n)) },
    earlier: 'NoPreviousBalanceFound',
    withoutEarlier: { source: bob, payload: pay(transfer(carol.publicKey, 1_000_000n)) },
    later: 'InsufficientFunds',
  },
  {
    name: 'R28>R28: AssetNotFound for an asset listed before InsufficientFunds for TOS is AssetNotFound',
    // alice: 1_000_000 TOS < 2_000_000 + fee
    both: { payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED), transfer(bob.publicKey, 2_000_000n)) },
    earlier: 'AssetNotFound',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 2_000_000n)) },
    later: 'InsufficientFunds',
  },
  // R28 > R29
  {
    name: 'R28>R29: insufficient ASSET_A to a destination holding 2^64 - 1 is InsufficientFunds, not Overflow',
    // alice holds 1_000 ASSET_A; carol holds MAX
    both: { payload: pay(transfer(carol.publicKey, 1_001n, ASSET_A)) },
    earlier: 'InsufficientFunds',
    withoutEarlier: { payload: pay(transfer(carol.publicKey, 1n, ASSET_A)) },
    later: 'Overflow',
  },
  {
    name: 'R28>R29: insufficient TOS at nonce 2^64 - 1 is InsufficientFunds, not Overflow',
    // poor: 20_000 TOS < 10_000 + 15_000 fee; with 0 + 15_000 it affords and the nonce bump overflows
    both: { source: poor, nonce: MAX, fee: 15_000n, payload: pay(transfer(bob.publicKey, 10_000n)) },
    earlier: 'InsufficientFunds',
    withoutEarlier: { source: poor, nonce: MAX, fee: 15_000n, payload: pay(transfer(bob.publicKey, 0n)) },
    later: 'Overflow',
  },
];

describe('precedence: for each adjacent pair of checks, a transaction failing both reports the earlier', () => {
  for (const pair of PAIRS) {
    it(pair.name, () => {
      const bytes = encode(pair.both);
      expect(codeOf(pair.patch ? pair.patch(bytes) : bytes)).toBe(pair.earlier);
      expect(code(pair.withoutEarlier, pair.laterState ?? BASE)).toBe(pair.later);
    });
  }
});

describe('precedence: order within a check', () => {
  it('R27: per signature in wire order: an id out of range in signature 1 comes after an invalid key in signature 0', () => {
    expect(code({ source: erin, multisigSigners: [{ id: 0, key: bob }, { id: 7, key: bob }], payload: send })).toBe('InvalidPublicKey');
    expect(code({ source: erin, multisigSigners: [{ id: 7, key: bob }, { id: 0, key: bob }], payload: send })).toBe('MultiSigParticipants');
  });

  it('R27: per signature in wire order: an invalid signature in signature 0 comes before an invalid key in signature 1', () => {
    // erin's participant 1 is bob, signed by dave
    expect(code({ source: erin, multisigSigners: [{ id: 1, key: dave }, { id: 0, key: bob }], payload: send })).toBe('InvalidSignature');
    expect(code({ source: erin, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: dave }], payload: send })).toBe('InvalidPublicKey');
  });

  it('R27: per signature in wire order: an invalid signature in signature 0 comes before an id out of range in signature 1', () => {
    // dave's participant 1 is carol, signed by bob
    expect(code({ source: dave, multisigSigners: [{ id: 1, key: bob }, { id: 5, key: bob }], payload: send })).toBe('InvalidSignature');
    expect(code({ source: dave, multisigSigners: [{ id: 5, key: bob }, { id: 1, key: bob }], payload: send })).toBe('MultiSigParticipants');
  });

  it('R28: per asset in first-appearance order: TOS listed first is InsufficientFunds before a later asset problem', () => {
    // bob: 100_000 TOS < 1_000_000 + fee, listed before ASSET_A (no record)
    expect(code({ source: bob, payload: pay(transfer(carol.publicKey, 1_000_000n), transfer(carol.publicKey, 5n, ASSET_A)) })).toBe(
      'InsufficientFunds',
    );
    // alice: TOS listed before the unregistered asset
    expect(code({ payload: pay(transfer(bob.publicKey, 2_000_000n), transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) })).toBe(
      'InsufficientFunds',
    );
  });

  it('R28: the fee is appended to TOS last when TOS is not otherwise spent', () => {
    // poor: 20_000 TOS < 30_000 fee, but ASSET_A (no record) / the unregistered asset come first
    expect(code({ source: poor, nonce: MAX, fee: 30_000n, payload: pay(transfer(bob.publicKey, 1n, ASSET_A)) })).toBe('NoPreviousBalanceFound');
    expect(code({ source: poor, nonce: MAX, fee: 30_000n, payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) })).toBe(
      'AssetNotFound',
    );
    expect(code({ source: poor, nonce: MAX, fee: 30_000n, payload: burn(1n, ASSET_A) })).toBe('NoPreviousBalanceFound');
    // TOS transferred first: its entry (transfer + fee) is first
    expect(code({ source: poor, nonce: MAX, fee: 30_000n, payload: pay(transfer(bob.publicKey, 1n), transfer(bob.publicKey, 1n, ASSET_A)) })).toBe(
      'InsufficientFunds',
    );
  });

  it('R28: the sums overflow in a later asset before any per-asset check of an earlier one', () => {
    // carol: TOS record 0 (insufficient for the fee), ASSET_A MAX; ASSET_A sum 2^63 + 2^63 overflows
    expect(
      code({
        source: carol,
        payload: pay(transfer(bob.publicKey, 1n), transfer(bob.publicKey, TWO_63, ASSET_A), transfer(bob.publicKey, TWO_63, ASSET_A)),
      }),
    ).toBe('Overflow');
    expect(code({ source: carol, payload: pay(transfer(bob.publicKey, 1n), transfer(bob.publicKey, TWO_63, ASSET_A)) })).toBe('InsufficientFunds');
  });

  it('R17>R19>R20>R21>R25>R26: fixing one failure at a time reveals the next code', () => {
    // One transfer failing decode, fee, reference, nonce, chain id and signature at once.
    const steps: { tx: BuildOptions; expected: RejectionCode | null }[] = [
      { tx: { version: 2, fee: 0n, referenceTopoheight: 10n, nonce: 1n, chainId: 1, signer: bob, payload: send }, expected: 'InvalidFormat' },
      { tx: { fee: 0n, referenceTopoheight: 10n, nonce: 1n, chainId: 1, signer: bob, payload: send }, expected: 'InvalidTxFee' },
      { tx: { referenceTopoheight: 10n, nonce: 1n, chainId: 1, signer: bob, payload: send }, expected: 'InvalidReferenceTopoheight' },
      { tx: { referenceTopoheight: 9n, nonce: 1n, chainId: 1, signer: bob, payload: send }, expected: 'InvalidNonce' },
      { tx: { nonce: 0n, chainId: 1, signer: bob, payload: send }, expected: 'InvalidChainId' },
      { tx: { chainId: 0, signer: bob, payload: send }, expected: 'InvalidSignature' },
      { tx: { signer: alice, payload: send }, expected: null },
    ];
    expect(steps.map(({ tx }) => code(tx))).toEqual(steps.map(({ expected }) => expected));
  });
});
