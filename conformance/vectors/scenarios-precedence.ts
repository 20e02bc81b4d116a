/**
 * The error precedence (category `precedence`): for each adjacent pair of checks
 * (docs/semantics.md, "Check order"), one vector whose block holds
 *
 * 1. a transaction failing both checks (expects the earlier code),
 * 2. the same transaction with the earlier problem removed (expects the later code, which
 *    shows it really fails both),
 * 3. an accepted neighbour (frank pays grace), so the block is not all rejections.
 *
 * Rejected transactions have no effect, so 1 and 2 see the same state. Pairs that no
 * transaction can fail together (see the header of `test/spec/precedence.test.ts`) are
 * covered by showing each side precedes the check after the pair. Order within a check
 * (per transfer, per signature, per asset) has its own vectors at the end.
 *
 * @module vector-scenarios-precedence
 */

import { TOS_ASSET, type RejectionCode, type RuleId, type StateInit } from '../../spec/index.ts';
import {
  alice,
  ASSET_A,
  ASSET_UNREGISTERED,
  bob,
  buildVector,
  burn,
  carol,
  dave,
  erin,
  extra,
  frank,
  ghost,
  grace,
  INVALID_POINT,
  many,
  MAX,
  multisig,
  pay,
  poor,
  setByte,
  TAG_OFFSET,
  transfer,
  TWO_63,
  type CategorisedVector,
  type Outcome,
  type Scenario,
  type TxOptions,
} from './builder.ts';

const CATEGORY = 'precedence';

const BASE: StateInit = {
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
    { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
    { publicKey: carol.publicKey, balances: [[TOS_ASSET, 0n], [ASSET_A, MAX]] },
    // dave: 2 of [bob, carol]
    { publicKey: dave.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] } },
    // erin: 2 of [INVALID_POINT, bob, carol]
    { publicKey: erin.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 2, participants: [INVALID_POINT, bob.publicKey, carol.publicKey] } },
    { publicKey: INVALID_POINT, balances: [[TOS_ASSET, 1_000_000n]] },
    { publicKey: poor.publicKey, nonce: MAX, balances: [[TOS_ASSET, 20_000n]] },
    { publicKey: frank.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
  ],
  assets: [ASSET_A],
};

const BASE_REGISTERED: StateInit = { ...BASE, assets: [ASSET_A, ASSET_UNREGISTERED] };

/** The accepted neighbour. */
const NEIGHBOUR: TxOptions = { source: frank, fee: 20_000n, payload: pay(transfer(grace.publicKey, 1n)) };

const send = pay(transfer(bob.publicKey, 1n));
const overflowingSum = pay(transfer(bob.publicKey, TWO_63), transfer(bob.publicKey, TWO_63));

interface Pair {
  readonly id: string;
  readonly description: string;
  readonly rules: readonly RuleId[];
  readonly both: TxOptions;
  readonly earlier: RejectionCode;
  readonly withoutEarlier: TxOptions;
  readonly later: RejectionCode;
  /** State for `withoutEarlier` when the earlier problem is in the state: then the pair is two vectors. */
  readonly laterState?: StateInit;
}

const PAIRS: readonly Pair[] = [
  {
    id: 'precedence-r17-before-r19-version',
    description: 'Version 2 and fee 0 is InvalidFormat (R18), not InvalidTxFee.',
    rules: ['R17', 'R18', 'R19'],
    both: { version: 2, fee: 0n, payload: send },
    earlier: 'InvalidFormat',
    withoutEarlier: { fee: 0n, payload: send },
    later: 'InvalidTxFee',
  },
  {
    id: 'precedence-r17-before-r19-fee-type',
    description: 'Fee type 1 and fee 0 is InvalidFormat (R9), not InvalidTxFee.',
    rules: ['R9', 'R17', 'R19'],
    both: { feeType: 1, fee: 0n, payload: send },
    earlier: 'InvalidFormat',
    withoutEarlier: { fee: 0n, payload: send },
    later: 'InvalidTxFee',
  },
  {
    id: 'precedence-r17-before-r19-unsupported-tag',
    description: 'Payload tag 3 and fee 0 is UnsupportedTransactionType (R9), not InvalidTxFee.',
    rules: ['R9', 'R17', 'R19'],
    both: { fee: 0n, payload: send, patch: setByte(TAG_OFFSET, 3) },
    earlier: 'UnsupportedTransactionType',
    withoutEarlier: { fee: 0n, payload: send },
    later: 'InvalidTxFee',
  },
  {
    id: 'precedence-r19-before-r20',
    description: 'Fee 0 and a reference at the block topoheight is InvalidTxFee.',
    rules: ['R19', 'R20'],
    both: { fee: 0n, referenceTopoheight: 10n, payload: send },
    earlier: 'InvalidTxFee',
    withoutEarlier: { referenceTopoheight: 10n, payload: send },
    later: 'InvalidReferenceTopoheight',
  },
  {
    id: 'precedence-r19-before-r20-one-below',
    description: 'Fee one below the required 15_000 and a reference in the future is InvalidTxFee.',
    rules: ['R19', 'R20'],
    both: { fee: 14_999n, referenceTopoheight: 10n, payload: send },
    earlier: 'InvalidTxFee',
    withoutEarlier: { fee: 15_000n, referenceTopoheight: 10n, payload: send },
    later: 'InvalidReferenceTopoheight',
  },
  {
    id: 'precedence-r20-before-r21-account',
    description: 'A reference in the future from an unknown source is InvalidReferenceTopoheight.',
    rules: ['R20', 'R21'],
    both: { source: ghost, referenceTopoheight: 10n, payload: send },
    earlier: 'InvalidReferenceTopoheight',
    withoutEarlier: { source: ghost, payload: send },
    later: 'AccountNotFound',
  },
  {
    id: 'precedence-r20-before-r21-nonce',
    description: 'A reference in the future with a wrong nonce is InvalidReferenceTopoheight.',
    rules: ['R20', 'R21'],
    both: { nonce: 1n, referenceTopoheight: 10n, payload: send },
    earlier: 'InvalidReferenceTopoheight',
    withoutEarlier: { nonce: 1n, payload: send },
    later: 'InvalidNonce',
  },
  {
    id: 'precedence-r21-account-before-nonce',
    description: 'An unknown source with nonce 3 is AccountNotFound, not InvalidNonce.',
    rules: ['R21'],
    both: { source: ghost, nonce: 3n, payload: send },
    earlier: 'AccountNotFound',
    withoutEarlier: { source: alice, nonce: 3n, payload: send },
    later: 'InvalidNonce',
  },
  {
    id: 'precedence-r21-before-r22',
    description: 'A wrong nonce and a transfer to self is InvalidNonce.',
    rules: ['R21', 'R22'],
    both: { nonce: 1n, payload: pay(transfer(alice.publicKey, 1n)) },
    earlier: 'InvalidNonce',
    withoutEarlier: { payload: pay(transfer(alice.publicKey, 1n)) },
    later: 'SenderIsReceiver',
  },
  {
    id: 'precedence-r21-before-r23',
    description: 'A wrong nonce and a burn of 0 is InvalidNonce.',
    rules: ['R21', 'R23'],
    both: { nonce: 1n, payload: burn(0n) },
    earlier: 'InvalidNonce',
    withoutEarlier: { payload: burn(0n) },
    later: 'InvalidTransferAmount',
  },
  {
    id: 'precedence-r21-before-r24',
    description: 'A wrong nonce and a threshold above the participant count is InvalidNonce.',
    rules: ['R21', 'R24'],
    both: { nonce: 1n, payload: multisig(3, [bob.publicKey, carol.publicKey]) },
    earlier: 'InvalidNonce',
    withoutEarlier: { payload: multisig(3, [bob.publicKey, carol.publicKey]) },
    later: 'MultiSigThreshold',
  },
  {
    id: 'precedence-r22-self-before-transfer-extra-data',
    description: 'A transfer to self with 127 bytes of extra data is SenderIsReceiver, not TransferExtraDataSize.',
    rules: ['R22'],
    both: { payload: pay(transfer(alice.publicKey, 1n, TOS_ASSET, extra(127))) },
    earlier: 'SenderIsReceiver',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
    later: 'TransferExtraDataSize',
  },
  {
    id: 'precedence-r22-per-transfer-extra-data-first',
    description: 'Per transfer in order: 127 bytes in transfer 0 before self in transfer 1 is TransferExtraDataSize.',
    rules: ['R22'],
    both: { payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(127)), transfer(alice.publicKey, 1n)) },
    earlier: 'TransferExtraDataSize',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(126)), transfer(alice.publicKey, 1n)) },
    later: 'SenderIsReceiver',
  },
  {
    id: 'precedence-r22-per-transfer-self-first',
    description: 'Per transfer in order: self in transfer 0 before 127 bytes in transfer 1 is SenderIsReceiver.',
    rules: ['R22'],
    both: { payload: pay(transfer(alice.publicKey, 1n), transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
    earlier: 'SenderIsReceiver',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 1n), transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
    later: 'TransferExtraDataSize',
  },
  {
    id: 'precedence-r22-transfer-before-transaction-extra-data',
    description: '33 x 128 counted plus one transfer of 129 is TransferExtraDataSize, not TransactionExtraDataSize.',
    rules: ['R22'],
    both: { payload: pay(...many(33, 126), transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
    earlier: 'TransferExtraDataSize',
    withoutEarlier: { payload: pay(...many(33, 126), transfer(bob.publicKey, 1n, TOS_ASSET, extra(126))) },
    later: 'TransactionExtraDataSize',
  },
  {
    id: 'precedence-r22-self-before-transaction-extra-data',
    description: '33 x 128 counted with the last transfer to self is SenderIsReceiver, not TransactionExtraDataSize.',
    rules: ['R22'],
    both: { payload: pay(...many(32, 126), transfer(alice.publicKey, 1n, TOS_ASSET, extra(126))) },
    earlier: 'SenderIsReceiver',
    withoutEarlier: { payload: pay(...many(33, 126)) },
    later: 'TransactionExtraDataSize',
  },
  {
    id: 'precedence-r22-before-r25',
    description: '33 x 128 counted bytes of extra data and a bad chain id is TransactionExtraDataSize.',
    rules: ['R22', 'R25'],
    both: { chainId: 1, payload: pay(...many(33, 126)) },
    earlier: 'TransactionExtraDataSize',
    withoutEarlier: { chainId: 1, payload: pay(...many(32, 126)) },
    later: 'InvalidChainId',
  },
  {
    id: 'precedence-r23-amount-before-r25',
    description: 'A burn of 0 and a bad chain id is InvalidTransferAmount.',
    rules: ['R23', 'R25'],
    both: { chainId: 1, payload: burn(0n) },
    earlier: 'InvalidTransferAmount',
    withoutEarlier: { chainId: 1, payload: burn(1n) },
    later: 'InvalidChainId',
  },
  {
    id: 'precedence-r23-overflow-before-r25',
    description: 'A burn of 2^64 - 1 (amount + fee overflows) and a bad chain id is Overflow.',
    rules: ['R1', 'R23', 'R25'],
    both: { chainId: 1, payload: burn(MAX) },
    earlier: 'Overflow',
    withoutEarlier: { chainId: 1, payload: burn(1n) },
    later: 'InvalidChainId',
  },
  {
    id: 'precedence-r24-threshold-before-participants',
    description: 'Threshold 3 of [alice, bob] (source among them) is MultiSigThreshold, not MultiSigParticipants.',
    rules: ['R24'],
    both: { payload: multisig(3, [alice.publicKey, bob.publicKey]) },
    earlier: 'MultiSigThreshold',
    withoutEarlier: { payload: multisig(2, [alice.publicKey, bob.publicKey]) },
    later: 'MultiSigParticipants',
  },
  {
    id: 'precedence-r24-participants-before-r25',
    description: 'The source among its participants and a bad chain id is MultiSigParticipants.',
    rules: ['R24', 'R25'],
    both: { chainId: 1, payload: multisig(1, [alice.publicKey]) },
    earlier: 'MultiSigParticipants',
    withoutEarlier: { chainId: 1, payload: multisig(1, [bob.publicKey]) },
    later: 'InvalidChainId',
  },
  {
    id: 'precedence-r24-not-configured-before-r25',
    description: 'A delete without configuration and a bad chain id is MultiSigNotConfigured.',
    rules: ['R24', 'R25'],
    both: { chainId: 1, payload: multisig(0, []) },
    earlier: 'MultiSigNotConfigured',
    withoutEarlier: { source: dave, chainId: 1, payload: multisig(0, []) },
    later: 'InvalidChainId',
  },
  {
    id: 'precedence-r25-before-r26-key',
    description: 'A bad chain id and a source key that is not a point is InvalidChainId.',
    rules: ['R25', 'R26'],
    both: { sourceKey: INVALID_POINT, chainId: 1, payload: send },
    earlier: 'InvalidChainId',
    withoutEarlier: { sourceKey: INVALID_POINT, payload: send },
    later: 'InvalidPublicKey',
  },
  {
    id: 'precedence-r25-before-r26-signature',
    description: 'A bad chain id and a bad owner signature is InvalidChainId.',
    rules: ['R25', 'R26'],
    both: { chainId: 1, signer: bob, payload: send },
    earlier: 'InvalidChainId',
    withoutEarlier: { signer: bob, payload: send },
    later: 'InvalidSignature',
  },
  {
    id: 'precedence-r26-key-before-signature',
    description: 'A source key that is not a point (whose signature cannot verify) is InvalidPublicKey.',
    rules: ['R26'],
    both: { sourceKey: INVALID_POINT, signer: bob, payload: send },
    earlier: 'InvalidPublicKey',
    withoutEarlier: { signer: bob, payload: send },
    later: 'InvalidSignature',
  },
  {
    id: 'precedence-r26-before-r27-not-found',
    description: 'A bad owner signature on a multisig account without the field is InvalidSignature, not MultiSigNotFound.',
    rules: ['R26', 'R27'],
    both: { source: dave, signer: bob, payload: send },
    earlier: 'InvalidSignature',
    withoutEarlier: { source: dave, payload: send },
    later: 'MultiSigNotFound',
  },
  {
    id: 'precedence-r26-before-r27-not-configured',
    description: 'A bad owner signature and a multisig field on a plain account is InvalidSignature, not MultiSigNotConfigured.',
    rules: ['R26', 'R27'],
    both: { signer: bob, multisigSigners: [{ id: 0, key: bob }], payload: send },
    earlier: 'InvalidSignature',
    withoutEarlier: { multisigSigners: [{ id: 0, key: bob }], payload: send },
    later: 'MultiSigNotConfigured',
  },
  {
    id: 'precedence-r27-not-found-before-r28',
    description: 'No multisig field on a multisig account and an overflowing sum is MultiSigNotFound.',
    rules: ['R27', 'R28'],
    both: { source: dave, payload: overflowingSum },
    earlier: 'MultiSigNotFound',
    withoutEarlier: { source: dave, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }], payload: overflowingSum },
    later: 'Overflow',
  },
  {
    id: 'precedence-r27-not-configured-before-r28',
    description: 'An empty multisig field on a plain account and an unregistered asset is MultiSigNotConfigured.',
    rules: ['R27', 'R28'],
    both: { multisigSigners: [], payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) },
    earlier: 'MultiSigNotConfigured',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) },
    later: 'AssetNotFound',
  },
  {
    id: 'precedence-r27-count-before-id-range',
    description: 'A wrong signature count and an id out of range is MultiSigParticipants (both checks give this code).',
    rules: ['R27'],
    both: { source: dave, multisigSigners: [{ id: 5, key: bob }], payload: send },
    earlier: 'MultiSigParticipants',
    withoutEarlier: { source: dave, multisigSigners: [{ id: 5, key: bob }, { id: 0, key: bob }], payload: send },
    later: 'MultiSigParticipants',
  },
  {
    id: 'precedence-r27-count-before-participant-key',
    description: 'A wrong signature count and a participant key that is not a point is MultiSigParticipants.',
    rules: ['R27'],
    both: { source: erin, multisigSigners: [{ id: 0, key: bob }], payload: send },
    earlier: 'MultiSigParticipants',
    withoutEarlier: { source: erin, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: bob }], payload: send },
    later: 'InvalidPublicKey',
  },
  {
    id: 'precedence-r27-count-before-participant-signature',
    description: 'A wrong signature count and an invalid participant signature is MultiSigParticipants.',
    rules: ['R27'],
    both: { source: dave, multisigSigners: [{ id: 0, key: carol }], payload: send },
    earlier: 'MultiSigParticipants',
    withoutEarlier: { source: dave, multisigSigners: [{ id: 0, key: carol }, { id: 1, key: carol }], payload: send },
    later: 'InvalidSignature',
  },
  {
    id: 'precedence-r27-id-range-before-participant-key',
    description: 'An id out of range in signature 0 before an invalid participant key in signature 1 is MultiSigParticipants.',
    rules: ['R27'],
    both: { source: erin, multisigSigners: [{ id: 7, key: bob }, { id: 0, key: bob }], payload: send },
    earlier: 'MultiSigParticipants',
    withoutEarlier: { source: erin, multisigSigners: [{ id: 2, key: carol }, { id: 0, key: bob }], payload: send },
    later: 'InvalidPublicKey',
  },
  {
    id: 'precedence-r27-participant-key-before-signature',
    description: 'An invalid participant key (its signature cannot verify) is InvalidPublicKey, not InvalidSignature.',
    rules: ['R27'],
    both: { source: erin, multisigSigners: [{ id: 0, key: dave }, { id: 1, key: bob }], payload: send },
    earlier: 'InvalidPublicKey',
    withoutEarlier: { source: erin, multisigSigners: [{ id: 1, key: dave }, { id: 2, key: carol }], payload: send },
    later: 'InvalidSignature',
  },
  {
    id: 'precedence-r27-before-r28',
    description: 'An invalid participant signature and an overflowing sum is InvalidSignature.',
    rules: ['R27', 'R28'],
    both: { source: dave, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: dave }], payload: overflowingSum },
    earlier: 'InvalidSignature',
    withoutEarlier: { source: dave, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }], payload: overflowingSum },
    later: 'Overflow',
  },
  {
    id: 'precedence-r28-sums-before-asset',
    description: 'An overflowing TOS sum after an unregistered asset is Overflow (all sums first), not AssetNotFound.',
    rules: ['R1', 'R28'],
    both: { payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED), transfer(bob.publicKey, TWO_63), transfer(bob.publicKey, TWO_63)) },
    earlier: 'Overflow',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED), transfer(bob.publicKey, 1n), transfer(bob.publicKey, 1n)) },
    later: 'AssetNotFound',
  },
  {
    id: 'precedence-r28-asset-before-record',
    description: 'An unregistered asset the sender has no record of is AssetNotFound; with the asset registered (the -later vector) it is NoPreviousBalanceFound.',
    rules: ['R28'],
    both: { source: bob, payload: pay(transfer(carol.publicKey, 1n, ASSET_UNREGISTERED)) },
    earlier: 'AssetNotFound',
    withoutEarlier: { source: bob, payload: pay(transfer(carol.publicKey, 1n, ASSET_UNREGISTERED)) },
    laterState: BASE_REGISTERED,
    later: 'NoPreviousBalanceFound',
  },
  {
    id: 'precedence-r28-asset-before-record-of-later-asset',
    description: 'AssetNotFound for an asset listed before an asset without a record is AssetNotFound.',
    rules: ['R28'],
    both: { source: bob, payload: pay(transfer(carol.publicKey, 1n, ASSET_UNREGISTERED), transfer(carol.publicKey, 1n, ASSET_A)) },
    earlier: 'AssetNotFound',
    withoutEarlier: { source: bob, payload: pay(transfer(carol.publicKey, 1n, ASSET_A)) },
    later: 'NoPreviousBalanceFound',
  },
  {
    id: 'precedence-r28-record-before-funds',
    description: 'NoPreviousBalanceFound for A listed before InsufficientFunds for TOS is NoPreviousBalanceFound.',
    rules: ['R28'],
    both: { source: bob, payload: pay(transfer(carol.publicKey, 5n, ASSET_A), transfer(carol.publicKey, 1_000_000n)) },
    earlier: 'NoPreviousBalanceFound',
    withoutEarlier: { source: bob, payload: pay(transfer(carol.publicKey, 1_000_000n)) },
    later: 'InsufficientFunds',
  },
  {
    id: 'precedence-r28-asset-before-funds',
    description: 'AssetNotFound for an asset listed before InsufficientFunds for TOS is AssetNotFound.',
    rules: ['R28'],
    both: { payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED), transfer(bob.publicKey, 2_000_000n)) },
    earlier: 'AssetNotFound',
    withoutEarlier: { payload: pay(transfer(bob.publicKey, 2_000_000n)) },
    later: 'InsufficientFunds',
  },
  {
    id: 'precedence-r28-before-r29-credit',
    description: 'Insufficient A to a destination holding 2^64 - 1 A is InsufficientFunds, not Overflow.',
    rules: ['R28', 'R29'],
    both: { payload: pay(transfer(carol.publicKey, 1_001n, ASSET_A)) },
    earlier: 'InsufficientFunds',
    withoutEarlier: { payload: pay(transfer(carol.publicKey, 1n, ASSET_A)) },
    later: 'Overflow',
  },
  {
    id: 'precedence-r28-before-r29-nonce',
    description: 'Insufficient TOS at nonce 2^64 - 1 is InsufficientFunds, not Overflow.',
    rules: ['R28', 'R29'],
    both: { source: poor, nonce: MAX, fee: 15_000n, payload: pay(transfer(bob.publicKey, 10_000n)) },
    earlier: 'InsufficientFunds',
    withoutEarlier: { source: poor, nonce: MAX, fee: 15_000n, payload: pay(transfer(bob.publicKey, 0n)) },
    later: 'Overflow',
  },
];

interface Order {
  readonly id: string;
  readonly description: string;
  readonly rules: readonly RuleId[];
  readonly transactions: readonly TxOptions[];
  readonly expect: readonly Outcome[];
}

/** Order within a check, and the whole chain of checks. */
const ORDERS: readonly Order[] = [
  {
    id: 'precedence-r27-per-signature-key-before-later-id',
    description: 'Per signature in wire order: an invalid key in signature 0 before an id out of range in signature 1 is InvalidPublicKey; swapped, MultiSigParticipants.',
    rules: ['R27'],
    transactions: [
      { source: erin, multisigSigners: [{ id: 0, key: bob }, { id: 7, key: bob }], payload: send },
      { source: erin, multisigSigners: [{ id: 7, key: bob }, { id: 0, key: bob }], payload: send },
    ],
    expect: ['InvalidPublicKey', 'MultiSigParticipants'],
  },
  {
    id: 'precedence-r27-per-signature-signature-before-later-key',
    description: "Per signature in wire order: an invalid signature in signature 0 before an invalid key in signature 1 is InvalidSignature; swapped, InvalidPublicKey (erin's participant 1 is bob, signed by dave).",
    rules: ['R27'],
    transactions: [
      { source: erin, multisigSigners: [{ id: 1, key: dave }, { id: 0, key: bob }], payload: send },
      { source: erin, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: dave }], payload: send },
    ],
    expect: ['InvalidSignature', 'InvalidPublicKey'],
  },
  {
    id: 'precedence-r27-per-signature-signature-before-later-id',
    description: "Per signature in wire order: an invalid signature in signature 0 before an id out of range in signature 1 is InvalidSignature; swapped, MultiSigParticipants (dave's participant 1 is carol, signed by bob).",
    rules: ['R27'],
    transactions: [
      { source: dave, multisigSigners: [{ id: 1, key: bob }, { id: 5, key: bob }], payload: send },
      { source: dave, multisigSigners: [{ id: 5, key: bob }, { id: 1, key: bob }], payload: send },
    ],
    expect: ['InvalidSignature', 'MultiSigParticipants'],
  },
  {
    id: 'precedence-r28-per-asset-first-appearance',
    description: 'Per asset in first-appearance order: TOS listed first is InsufficientFunds before a later A without record, and before a later unregistered asset.',
    rules: ['R28'],
    transactions: [
      { source: bob, payload: pay(transfer(carol.publicKey, 1_000_000n), transfer(carol.publicKey, 5n, ASSET_A)) },
      { payload: pay(transfer(bob.publicKey, 2_000_000n), transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) },
    ],
    expect: ['InsufficientFunds', 'InsufficientFunds'],
  },
  {
    id: 'precedence-r28-fee-appended-last',
    description: 'The fee is appended to TOS last when TOS is not otherwise spent: poor (20_000 TOS, fee 30_000) gets NoPreviousBalanceFound / AssetNotFound for the asset listed first; with TOS transferred first, InsufficientFunds.',
    rules: ['R28'],
    transactions: [
      { source: poor, nonce: MAX, fee: 30_000n, payload: pay(transfer(bob.publicKey, 1n, ASSET_A)) },
      { source: poor, nonce: MAX, fee: 30_000n, payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) },
      { source: poor, nonce: MAX, fee: 30_000n, payload: burn(1n, ASSET_A) },
      { source: poor, nonce: MAX, fee: 30_000n, payload: pay(transfer(bob.publicKey, 1n), transfer(bob.publicKey, 1n, ASSET_A)) },
    ],
    expect: ['NoPreviousBalanceFound', 'AssetNotFound', 'NoPreviousBalanceFound', 'InsufficientFunds'],
  },
  {
    id: 'precedence-r28-later-sum-overflow-first',
    description: 'The sums overflow in a later asset before any per-asset check of an earlier one: carol (TOS record 0) sending 1 TOS and 2^63 + 2^63 A is Overflow; with one 2^63 A it is InsufficientFunds (TOS first).',
    rules: ['R1', 'R28'],
    transactions: [
      { source: carol, payload: pay(transfer(bob.publicKey, 1n), transfer(bob.publicKey, TWO_63, ASSET_A), transfer(bob.publicKey, TWO_63, ASSET_A)) },
      { source: carol, payload: pay(transfer(bob.publicKey, 1n), transfer(bob.publicKey, TWO_63, ASSET_A)) },
    ],
    expect: ['Overflow', 'InsufficientFunds'],
  },
  {
    id: 'precedence-chain-fix-one-at-a-time',
    description: 'One transfer failing decode, fee, reference, nonce, chain id and signature at once; fixing one failure at a time reveals the next code, down to an accepted transaction.',
    rules: ['R17', 'R18', 'R19', 'R20', 'R21', 'R25', 'R26'],
    transactions: [
      { version: 2, fee: 0n, referenceTopoheight: 10n, nonce: 1n, chainId: 1, signer: bob, payload: send },
      { fee: 0n, referenceTopoheight: 10n, nonce: 1n, chainId: 1, signer: bob, payload: send },
      { referenceTopoheight: 10n, nonce: 1n, chainId: 1, signer: bob, payload: send },
      { referenceTopoheight: 9n, nonce: 1n, chainId: 1, signer: bob, payload: send },
      { nonce: 0n, chainId: 1, signer: bob, payload: send },
      { chainId: 0, signer: bob, payload: send },
      { signer: alice, payload: send },
    ],
    expect: ['InvalidFormat', 'InvalidTxFee', 'InvalidReferenceTopoheight', 'InvalidNonce', 'InvalidChainId', 'InvalidSignature', null],
  },
];

function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const pair of PAIRS) {
    const tags = ['precedence'];
    if (pair.laterState === undefined) {
      out.push({
        id: pair.id,
        description: `${pair.description} Transaction 1 fails both checks (${pair.earlier}); transaction 2 is it without the earlier problem (${pair.later}); transaction 3 is an accepted neighbour.`,
        rules: pair.rules,
        tags,
        state: BASE,
        transactions: [pair.both, pair.withoutEarlier, NEIGHBOUR],
        expect: [pair.earlier, pair.later, null],
      });
    } else {
      out.push(
        {
          id: pair.id,
          description: `${pair.description} Transaction 1 fails both checks (${pair.earlier}); transaction 2 is an accepted neighbour.`,
          rules: pair.rules,
          tags,
          state: BASE,
          transactions: [pair.both, NEIGHBOUR],
          expect: [pair.earlier, null],
        },
        {
          id: `${pair.id}-later`,
          description: `${pair.description} Here the earlier problem is removed from the state: ${pair.later}; then an accepted neighbour.`,
          rules: pair.rules,
          tags,
          state: pair.laterState,
          transactions: [pair.withoutEarlier, NEIGHBOUR],
          expect: [pair.later, null],
        },
      );
    }
  }
  for (const order of ORDERS) {
    out.push({
      id: order.id,
      description: `${order.description} The last transaction is an accepted neighbour.`,
      rules: order.rules,
      tags: ['precedence'],
      state: BASE,
      transactions: [...order.transactions, NEIGHBOUR],
      expect: [...order.expect, null],
    });
  }
  return out;
}

/** The `precedence` category. */
export function precedenceVectors(): CategorisedVector[] {
  return scenarios().map((scenario) => buildVector(CATEGORY, scenario));
}
