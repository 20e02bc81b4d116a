/**
 * One vector per rejection code (category `rejections`), plus `BlockOverflow`: each block
 * holds the rejected transaction and, after it, its accepted neighbour: the same
 * transaction with the one problem fixed (same source and nonce, so the rejection
 * demonstrably had no effect). Some codes come from several checks; each check gets its
 * own vector.
 *
 * @module vector-scenarios-rejections
 */

import { TOS_ASSET, type RejectionCode, type RuleId, type StateInit } from '../../spec/index.ts';
import {
  alice,
  append,
  ASSET_A,
  ASSET_UNREGISTERED,
  bob,
  buildVector,
  burn,
  carol,
  dave,
  erin,
  extra,
  ghost,
  INVALID_POINT,
  many,
  MAX,
  miner,
  multisig,
  pay,
  setByte,
  TAG_OFFSET,
  transfer,
  TWO_63,
  type CategorisedVector,
  type Scenario,
  type TxOptions,
} from './builder.ts';

const CATEGORY = 'rejections';

/**
 * alice: 10_000_000 TOS, 1_000 A; bob: 100_000 TOS; carol: A at 2^64 - 1;
 * dave: 2 of [bob, carol]; erin: 1 of [ff..ff, bob]; ff..ff: an account whose key is not a point.
 */
const STATE: StateInit = {
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, 10_000_000n], [ASSET_A, 1_000n]] },
    { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
    { publicKey: carol.publicKey, balances: [[ASSET_A, MAX]] },
    { publicKey: dave.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] } },
    { publicKey: erin.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [INVALID_POINT, bob.publicKey] } },
    { publicKey: INVALID_POINT, balances: [[TOS_ASSET, 1_000_000n]] },
  ],
  assets: [ASSET_A],
};

const send = pay(transfer(bob.publicKey, 1n));

interface Case {
  /** Id suffix after `rejection-`. */
  readonly slug: string;
  readonly code: RejectionCode;
  readonly rules: readonly RuleId[];
  readonly description: string;
  readonly rejected: TxOptions;
  readonly neighbour: TxOptions;
  readonly state?: StateInit;
  readonly tags?: readonly string[];
}

const CASES: readonly Case[] = [
  {
    slug: 'invalid-format',
    code: 'InvalidFormat',
    rules: ['R9', 'R17'],
    description: 'A transfer with one trailing byte is InvalidFormat (hash null); the same bytes without it are accepted.',
    rejected: { fee: 20_000n, payload: send, patch: append(0) },
    neighbour: { fee: 20_000n, payload: send },
  },
  {
    slug: 'unsupported-transaction-type',
    code: 'UnsupportedTransactionType',
    rules: ['R9', 'R17'],
    description: 'A transfer whose payload tag is patched to 3 is UnsupportedTransactionType; the unpatched transfer is accepted.',
    rejected: { fee: 20_000n, payload: send, patch: setByte(TAG_OFFSET, 3) },
    neighbour: { fee: 20_000n, payload: send },
  },
  {
    slug: 'invalid-tx-fee',
    code: 'InvalidTxFee',
    rules: ['R19'],
    description: 'One transfer (232 bytes) needs 15_000: 14_999 is InvalidTxFee, 15_000 is accepted.',
    rejected: { fee: 14_999n, payload: send },
    neighbour: { fee: 15_000n, payload: send },
  },
  {
    slug: 'invalid-reference-topoheight',
    code: 'InvalidReferenceTopoheight',
    rules: ['R20'],
    description: 'At block topoheight 10, reference 10 is InvalidReferenceTopoheight; reference 9 is accepted.',
    rejected: { referenceTopoheight: 10n, fee: 20_000n, payload: send },
    neighbour: { referenceTopoheight: 9n, fee: 20_000n, payload: send },
  },
  {
    slug: 'account-not-found',
    code: 'AccountNotFound',
    rules: ['R21'],
    description: 'A source that is not in the state is AccountNotFound; the same transfer from alice is accepted.',
    rejected: { source: ghost, fee: 20_000n, payload: send },
    neighbour: { source: alice, fee: 20_000n, payload: send },
  },
  {
    slug: 'invalid-nonce',
    code: 'InvalidNonce',
    rules: ['R21'],
    description: 'Nonce 1 on an account at nonce 0 is InvalidNonce; nonce 0 is accepted.',
    rejected: { nonce: 1n, fee: 20_000n, payload: send },
    neighbour: { nonce: 0n, fee: 20_000n, payload: send },
  },
  {
    slug: 'sender-is-receiver',
    code: 'SenderIsReceiver',
    rules: ['R22'],
    description: 'A transfer to the source itself is SenderIsReceiver; to bob it is accepted.',
    rejected: { fee: 20_000n, payload: pay(transfer(alice.publicKey, 1n)) },
    neighbour: { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) },
  },
  {
    slug: 'transfer-extra-data-size',
    code: 'TransferExtraDataSize',
    rules: ['R22'],
    description: '127 raw bytes of extra data (129 counted) is TransferExtraDataSize; 126 (128 counted) is accepted.',
    rejected: { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
    neighbour: { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(126))) },
  },
  {
    slug: 'transaction-extra-data-size',
    code: 'TransactionExtraDataSize',
    rules: ['R22'],
    description: '33 transfers with 126 raw bytes each (4224 counted) is TransactionExtraDataSize; 32 of them (4096) are accepted.',
    rejected: { fee: 1_000_000n, payload: pay(...many(33, 126)) },
    neighbour: { fee: 1_000_000n, payload: pay(...many(32, 126)) },
  },
  {
    slug: 'invalid-transfer-amount',
    code: 'InvalidTransferAmount',
    rules: ['R23'],
    description: 'A burn of 0 is InvalidTransferAmount; a burn of 1 is accepted.',
    rejected: { fee: 20_000n, payload: burn(0n) },
    neighbour: { fee: 20_000n, payload: burn(1n) },
  },
  {
    slug: 'multisig-threshold',
    code: 'MultiSigThreshold',
    rules: ['R24'],
    description: 'Threshold 3 of 2 participants is MultiSigThreshold; 2 of 2 is accepted.',
    rejected: { fee: 20_000n, payload: multisig(3, [bob.publicKey, carol.publicKey]) },
    neighbour: { fee: 20_000n, payload: multisig(2, [bob.publicKey, carol.publicKey]) },
  },
  {
    slug: 'multisig-participants',
    code: 'MultiSigParticipants',
    rules: ['R24'],
    description: 'The source among its own participants is MultiSigParticipants (R24); [bob, carol] is accepted.',
    rejected: { fee: 20_000n, payload: multisig(1, [bob.publicKey, alice.publicKey]) },
    neighbour: { fee: 20_000n, payload: multisig(1, [bob.publicKey, carol.publicKey]) },
  },
  {
    slug: 'multisig-participants-signature-count',
    code: 'MultiSigParticipants',
    rules: ['R27'],
    description: 'dave needs 2 signatures: one is MultiSigParticipants (R27 count); two are accepted.',
    rejected: { source: dave, fee: 30_000n, payload: send, multisigSigners: [{ id: 0, key: bob }] },
    neighbour: { source: dave, fee: 30_000n, payload: send, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }] },
  },
  {
    slug: 'multisig-participants-id-out-of-range',
    code: 'MultiSigParticipants',
    rules: ['R27'],
    description: 'Signature id 2 on a 2-participant configuration is MultiSigParticipants (R27 id range); id 1 is accepted.',
    rejected: { source: dave, fee: 30_000n, payload: send, multisigSigners: [{ id: 0, key: bob }, { id: 2, key: carol }] },
    neighbour: { source: dave, fee: 30_000n, payload: send, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }] },
  },
  {
    slug: 'multisig-not-configured',
    code: 'MultiSigNotConfigured',
    rules: ['R24'],
    description: 'A delete on an account without configuration is MultiSigNotConfigured (R24); a setup is accepted.',
    rejected: { fee: 20_000n, payload: multisig(0, []) },
    neighbour: { fee: 20_000n, payload: multisig(1, [bob.publicKey]) },
  },
  {
    slug: 'multisig-not-configured-field',
    code: 'MultiSigNotConfigured',
    rules: ['R27'],
    description: 'A multisig field on a plain account is MultiSigNotConfigured (R27); without it, accepted.',
    rejected: { fee: 20_000n, payload: send, multisigSigners: [{ id: 0, key: bob }] },
    neighbour: { fee: 20_000n, payload: send },
  },
  {
    slug: 'invalid-chain-id',
    code: 'InvalidChainId',
    rules: ['R25'],
    description: 'Chain id 1 in a chain-0 block is InvalidChainId; chain 0 is accepted.',
    rejected: { chainId: 1, fee: 20_000n, payload: send },
    neighbour: { chainId: 0, fee: 20_000n, payload: send },
  },
  {
    slug: 'invalid-public-key',
    code: 'InvalidPublicKey',
    rules: ['R26'],
    description: 'A source key ff..ff that is not a point (the account exists) is InvalidPublicKey; alice is accepted.',
    rejected: { sourceKey: INVALID_POINT, fee: 20_000n, payload: send },
    neighbour: { fee: 20_000n, payload: send },
  },
  {
    slug: 'invalid-public-key-participant',
    code: 'InvalidPublicKey',
    rules: ['R27'],
    description: "A signature by erin's participant 0 (ff..ff, not a point) is InvalidPublicKey; participant 1 (bob) is accepted.",
    rejected: { source: erin, fee: 20_000n, payload: send, multisigSigners: [{ id: 0, key: bob }] },
    neighbour: { source: erin, fee: 20_000n, payload: send, multisigSigners: [{ id: 1, key: bob }] },
  },
  {
    slug: 'invalid-signature',
    code: 'InvalidSignature',
    rules: ['R26'],
    description: 'An owner signature made with the wrong key is InvalidSignature; the right key is accepted.',
    rejected: { signer: bob, fee: 20_000n, payload: send },
    neighbour: { signer: alice, fee: 20_000n, payload: send },
  },
  {
    slug: 'invalid-signature-participant',
    code: 'InvalidSignature',
    rules: ['R27'],
    description: "dave's participant 1 (carol) signed by erin is InvalidSignature; signed by carol it is accepted.",
    rejected: { source: dave, fee: 30_000n, payload: send, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: erin }] },
    neighbour: { source: dave, fee: 30_000n, payload: send, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }] },
  },
  {
    slug: 'multisig-not-found',
    code: 'MultiSigNotFound',
    rules: ['R27'],
    description: 'dave (2 of [bob, carol]) without a multisig field is MultiSigNotFound; with both signatures it is accepted.',
    rejected: { source: dave, fee: 30_000n, payload: send },
    neighbour: { source: dave, fee: 30_000n, payload: send, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }] },
  },
  {
    slug: 'asset-not-found',
    code: 'AssetNotFound',
    rules: ['R28'],
    description: 'A transfer of an unregistered asset is AssetNotFound; of A it is accepted.',
    rejected: { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) },
    neighbour: { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n, ASSET_A)) },
  },
  {
    slug: 'no-previous-balance-found',
    code: 'NoPreviousBalanceFound',
    rules: ['R28'],
    description: 'bob has no A record: sending A is NoPreviousBalanceFound; sending TOS is accepted.',
    rejected: { source: bob, fee: 20_000n, payload: pay(transfer(alice.publicKey, 1n, ASSET_A)) },
    neighbour: { source: bob, fee: 20_000n, payload: pay(transfer(alice.publicKey, 1n)) },
  },
  {
    slug: 'insufficient-funds',
    code: 'InsufficientFunds',
    rules: ['R28'],
    description: 'bob holds 100_000 TOS: 80_001 + 20_000 fee is InsufficientFunds; 80_000 + 20_000 is accepted and leaves 0.',
    rejected: { source: bob, fee: 20_000n, payload: pay(transfer(alice.publicKey, 80_001n)) },
    neighbour: { source: bob, fee: 20_000n, payload: pay(transfer(alice.publicKey, 80_000n)) },
  },
  {
    slug: 'overflow-credit',
    code: 'Overflow',
    rules: ['R1', 'R29'],
    description: 'Crediting 1 A to carol (A at 2^64 - 1) is Overflow; crediting 0 is accepted.',
    rejected: { fee: 20_000n, payload: pay(transfer(carol.publicKey, 1n, ASSET_A)) },
    neighbour: { fee: 20_000n, payload: pay(transfer(carol.publicKey, 0n, ASSET_A)) },
    tags: ['u64-edge'],
  },
  {
    slug: 'overflow-sum',
    code: 'Overflow',
    rules: ['R1', 'R28'],
    description: 'Two transfers of 2^63 TOS (plus the fee) overflow the per-asset sum: Overflow; 1 + 1 is accepted.',
    rejected: { fee: 20_000n, payload: pay(transfer(bob.publicKey, TWO_63), transfer(bob.publicKey, TWO_63)) },
    neighbour: { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n), transfer(bob.publicKey, 1n)) },
    tags: ['u64-edge'],
  },
  {
    slug: 'overflow-burn',
    code: 'Overflow',
    rules: ['R1', 'R23'],
    description: 'A burn of 2^64 - 1 with fee 20_000: amount + fee overflows, Overflow; a burn of 1 is accepted.',
    rejected: { fee: 20_000n, payload: burn(MAX) },
    neighbour: { fee: 20_000n, payload: burn(1n) },
    tags: ['u64-edge'],
  },
  {
    slug: 'overflow-burned-supply',
    code: 'Overflow',
    rules: ['R1', 'R29'],
    description: 'burnedSupply at 2^64 - 1: a TOS burn of 1 overflows it, Overflow; an A burn is accepted.',
    rejected: { fee: 20_000n, payload: burn(1n) },
    neighbour: { fee: 20_000n, payload: burn(1n, ASSET_A) },
    state: { ...STATE, burnedSupply: MAX },
    tags: ['u64-edge'],
  },
  {
    slug: 'overflow-nonce',
    code: 'Overflow',
    rules: ['R1', 'R29'],
    description: 'alice at nonce 2^64 - 1 cannot be bumped: Overflow. (Its neighbour is bob, at nonce 0, with the same transfer.)',
    rejected: { nonce: MAX, fee: 20_000n, payload: pay(transfer(carol.publicKey, 1n)) },
    neighbour: { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 1n)) },
    state: {
      ...STATE,
      accounts: STATE.accounts!.map((account) => (account.publicKey === alice.publicKey ? { ...account, nonce: MAX } : account)),
    },
    tags: ['u64-edge'],
  },
];

function scenarios(): Scenario[] {
  const cases: Scenario[] = CASES.map((c) => ({
    id: `rejection-${c.slug}`,
    description: c.description,
    rules: c.rules,
    tags: [...(c.tags ?? []), 'neighbour'],
    state: c.state ?? STATE,
    transactions: [c.rejected, c.neighbour],
    expect: [c.code, null],
  }));
  return [
    ...cases,
    {
      id: 'rejection-block-overflow',
      description: 'The miner holds 2^64 - 20_000 TOS; two accepted fees of 10_000 and 10_001 make the credit overflow: BlockOverflow (no receipts, pre-state unchanged). See rejection-block-overflow-neighbour.',
      rules: ['R1', 'R32'],
      tags: ['u64-edge'],
      state: { ...STATE, accounts: [...STATE.accounts!, { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX - 20_000n]] }] },
      transactions: [
        { nonce: 0n, fee: 10_000n, payload: burn(1n) },
        { nonce: 1n, fee: 10_001n, payload: burn(1n) },
      ],
      expect: 'BlockOverflow',
    },
    {
      id: 'rejection-block-overflow-neighbour',
      description: 'The block of rejection-block-overflow with fees 10_000 + 10_000: the miner reaches exactly 2^64 - 1, the block applies.',
      rules: ['R1', 'R32'],
      tags: ['u64-edge', 'neighbour'],
      state: { ...STATE, accounts: [...STATE.accounts!, { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX - 20_000n]] }] },
      transactions: [
        { nonce: 0n, fee: 10_000n, payload: burn(1n) },
        { nonce: 1n, fee: 10_000n, payload: burn(1n) },
      ],
      expect: [null, null],
    },
  ];
}

/** The `rejections` category. */
export function rejectionVectors(): CategorisedVector[] {
  return scenarios().map((scenario) => buildVector(CATEGORY, scenario));
}
