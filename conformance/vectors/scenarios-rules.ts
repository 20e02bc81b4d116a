/**
 * Hand-written scenarios per rule (category `rules`): each vector names the rules it
 * exercises, and the outcome of every receipt is written by hand (checked against the
 * spec by {@link buildVector}). Undecodable bytes are in `scenarios-wire.ts`; the ledger
 * models side by side in `scenarios-ledger.ts`.
 *
 * @module vector-scenarios-rules
 */

import { blake3 } from '@noble/hashes/blake3.js';
import {
  computeMultiSigMessage,
  createState,
  encodeSigningBytes,
  encodeTransaction,
  TOS_ASSET,
  toU64,
  type StateInit,
} from '../../spec/index.ts';
import { signDeterministic } from '../../spec/test-keys.ts';
import {
  alice,
  ASSET_A,
  ASSET_UNREGISTERED,
  bob,
  buildTransaction,
  buildVector,
  burn,
  carol,
  dave,
  encode,
  erin,
  extra,
  forgeIdentity,
  frank,
  grace,
  IDENTITY_KEY,
  INVALID_POINT,
  many,
  MAX,
  miner,
  multisig,
  pay,
  transfer,
  TWO_63,
  type CategorisedVector,
  type Scenario,
  type TxOptions,
} from './builder.ts';

const CATEGORY = 'rules';

/** alice: 1_000_000 TOS and 1_000 A; bob: 100_000 TOS; A registered. */
const BASE: StateInit = {
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
    { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
  ],
  assets: [ASSET_A],
};

const WHALE: StateInit = {
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, MAX], [ASSET_A, MAX]] },
    { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
  ],
  assets: [ASSET_A],
};

const RICH: StateInit = {
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000_000n]] },
    { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
  ],
};

/** alice: 2 of [bob, carol]. */
const TWO_OF_TWO: StateInit = {
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] } },
  ],
};

/** alice: 1 of [bob]. */
const ONE_OF_BOB: StateInit = {
  accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey] } }],
};

const EXACT: StateInit = {
  accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 1_000n]] }],
  assets: [ASSET_A],
};

const send = (amount = 1n, to = bob.publicKey): TxOptions['payload'] => pay(transfer(to, amount));

/** Five transfers whose extra data makes the transaction 534 + 378 + last bytes (R19 boundaries). */
const fiveTransfers = (last: number): TxOptions['payload'] =>
  pay(...[126, 126, 126, last, 0].map((n, i) => transfer([bob, carol, dave, erin, bob][i]!.publicKey, 1n, TOS_ASSET, extra(n))));

function scenarios(): Scenario[] {
  const twoSigners = [
    { id: 0, key: bob },
    { id: 1, key: carol },
  ];
  // R15: owner signing the hash / a participant signing the signing bytes.
  const r15Base = buildTransaction({ fee: 20_000n, payload: burn(5n), multisigSigners: twoSigners });
  const r15Signing = encodeSigningBytes(r15Base);
  const ownerSignsHash = encodeTransaction({ ...r15Base, signature: signDeterministic(alice.secret, computeMultiSigMessage(r15Signing)) });
  const participantSignsBytes = encodeTransaction({
    ...r15Base,
    multisig: [r15Base.multisig![0]!, { id: 1, signature: signDeterministic(carol.secret, r15Signing) }],
  });
  if (blake3(r15Signing).length !== 32) throw new Error('unexpected hash length');

  return [
    // ---------------------------------------------------------------- R1
    {
      id: 'r1-burn-of-u64-max-overflows',
      description: 'A burn of 2^64 - 1 decodes exactly; amount + fee leaves the u64 range: Overflow, never a wrap. The same burn of 2^64 - 1 - fee is accepted.',
      rules: ['R1', 'R23'],
      tags: ['u64-edge'],
      state: WHALE,
      transactions: [
        { fee: 20_000n, payload: burn(MAX) },
        { fee: 20_000n, payload: burn(MAX - 20_000n) },
      ],
      expect: ['Overflow', null],
    },
    {
      id: 'r1-credit-reaches-u64-max',
      description: 'A credit bringing a balance to exactly 2^64 - 1 is accepted; one more unit is Overflow.',
      rules: ['R1', 'R29'],
      tags: ['u64-edge'],
      state: {
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: bob.publicKey, balances: [[TOS_ASSET, MAX - 5n]] },
        ],
      },
      transactions: [
        { nonce: 0n, fee: 20_000n, payload: send(5n) },
        { nonce: 1n, fee: 20_000n, payload: send(1n) },
      ],
      expect: [null, 'Overflow'],
    },
    {
      id: 'r1-per-asset-sum-overflow',
      description: 'Two transfers of 2^63 in one asset sum to 2^64: Overflow; 2^63 of TOS and 2^63 of A are separate sums and accepted.',
      rules: ['R1', 'R28'],
      tags: ['u64-edge'],
      state: WHALE,
      transactions: [
        { fee: 20_000n, payload: pay(transfer(bob.publicKey, TWO_63, ASSET_A), transfer(carol.publicKey, TWO_63, ASSET_A)) },
        { fee: 20_000n, payload: pay(transfer(bob.publicKey, TWO_63), transfer(bob.publicKey, TWO_63, ASSET_A)) },
      ],
      expect: ['Overflow', null],
    },
    {
      id: 'r1-nonce-and-topoheight-at-u64-max',
      description: 'A block at topoheight 2^64 - 1 accepts a reference of 2^64 - 2; an account at nonce 2^64 - 2 is bumped to 2^64 - 1.',
      rules: ['R1', 'R5', 'R20', 'R21', 'R29'],
      tags: ['u64-edge'],
      context: { topoheight: toU64(MAX) },
      state: { accounts: [{ publicKey: alice.publicKey, nonce: MAX - 1n, balances: [[TOS_ASSET, 1_000_000n]] }] },
      transactions: [{ nonce: MAX - 1n, referenceTopoheight: MAX - 1n, fee: 20_000n, payload: send() }],
      expect: [null],
    },
    // ---------------------------------------------------------------- R2
    {
      id: 'r2-tos-is-the-zero-asset',
      description: 'TOS is the asset of 32 zero bytes: a TOS transfer and an A burn, both accepted.',
      rules: ['R2', 'R3'],
      state: BASE,
      transactions: [
        { nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 10n, TOS_ASSET)) },
        { nonce: 1n, fee: 20_000n, payload: burn(10n, ASSET_A) },
      ],
      expect: [null, null],
    },
    {
      id: 'r2-keys-not-validated-at-decode',
      description: 'Any 32 bytes are a key at decode: a transfer to ff..ff (not a point) creates that account, and a multisig setup naming it is accepted.',
      rules: ['R2', 'R8', 'R29'],
      state: BASE,
      transactions: [
        { nonce: 0n, fee: 20_000n, payload: send(7n, INVALID_POINT) },
        { nonce: 1n, fee: 20_000n, payload: multisig(1, [INVALID_POINT]) },
      ],
      expect: [null, null],
    },
    {
      id: 'r2-identity-key-anyone-can-sign',
      description: 'The identity key (32 zero bytes) decodes as a point; a burn from it signed without any secret (R = s*H) is applied.',
      rules: ['R2', 'R14', 'R26'],
      state: { accounts: [{ publicKey: IDENTITY_KEY, balances: [[TOS_ASSET, 100_000n]] }] },
      transactions: [forgeIdentity(burn(5n), 10_000n)],
      expect: [null],
    },
    // ---------------------------------------------------------------- R3
    {
      id: 'r3-credit-creates-zero-record',
      description: 'A credit of 0 creates the destination account and a record holding 0, in TOS and in A.',
      rules: ['R3', 'R29'],
      state: BASE,
      transactions: [{ fee: 20_000n, payload: pay(transfer(dave.publicKey, 0n), transfer(dave.publicKey, 0n, ASSET_A)) }],
      expect: [null],
    },
    {
      id: 'r3-debit-to-zero-keeps-record',
      description: 'Debits to 0 in TOS (by the fee) and in A keep both records at 0.',
      rules: ['R3', 'R29'],
      state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 20_000n], [ASSET_A, 1_000n]] }], assets: [ASSET_A] },
      transactions: [{ fee: 20_000n, payload: pay(transfer(bob.publicKey, 1_000n, ASSET_A)) }],
      expect: [null],
    },
    {
      id: 'r3-zero-record-is-not-absent',
      description: 'bob holds an A record of 0 and may send 0 A; carol has no A record: NoPreviousBalanceFound for the same transfer.',
      rules: ['R3', 'R28'],
      state: {
        accounts: [
          { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 0n]] },
          { publicKey: carol.publicKey, balances: [[TOS_ASSET, 100_000n]] },
        ],
        assets: [ASSET_A],
      },
      transactions: [
        { source: bob, fee: 20_000n, payload: pay(transfer(dave.publicKey, 0n, ASSET_A)) },
        { source: carol, fee: 20_000n, payload: pay(transfer(dave.publicKey, 0n, ASSET_A)) },
      ],
      expect: [null, 'NoPreviousBalanceFound'],
    },
    {
      id: 'r3-account-without-records-exists',
      description: 'An account with no balance record exists (passes R21) and fails at R28 with NoPreviousBalanceFound; it stays in the post-state.',
      rules: ['R3', 'R21', 'R28'],
      state: { accounts: [{ publicKey: erin.publicKey }, { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] },
      transactions: [
        { source: erin, fee: 20_000n, payload: send(0n) },
        { source: alice, fee: 20_000n, payload: send(1n, erin.publicKey) },
      ],
      expect: ['NoPreviousBalanceFound', null],
    },
    // ---------------------------------------------------------------- R4
    {
      id: 'r4-state-root-empty-state-empty-block',
      description: 'The empty state and an empty block: the miner is created with a TOS record of 0 (credit of the fee total 0); the root covers it.',
      rules: ['R4', 'R32', 'R33'],
      state: {},
      transactions: [],
      expect: [],
    },
    {
      id: 'r4-state-root-ordering',
      description: 'Accounts given out of key order, records out of asset order, multisig participants in a non-sorted stored order, several registered assets and a burned supply: the post-state and root list them canonically.',
      rules: ['R3', 'R4'],
      state: {
        accounts: [
          { publicKey: erin.publicKey, nonce: 4n, balances: [[ASSET_A, 3n], [TOS_ASSET, 500_000n]], multisig: { threshold: 2, participants: [dave.publicKey, bob.publicKey, carol.publicKey] } },
          { publicKey: dave.publicKey },
          { publicKey: alice.publicKey, balances: [['cc'.repeat(32), 9n], [TOS_ASSET, 1_000_000n], [ASSET_A, 0n]] },
        ],
        assets: ['f0'.repeat(32), 'cc'.repeat(32), ASSET_A],
        burnedSupply: 123_456n,
      },
      transactions: [{ fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n, 'cc'.repeat(32))) }],
      expect: [null],
    },
    // ---------------------------------------------------------------- R5
    {
      id: 'r5-chain-id-from-context',
      description: 'A block on chain 3: a transaction for chain 3 is accepted, one for chain 0 is InvalidChainId.',
      rules: ['R5', 'R25'],
      context: { chainId: 3 },
      state: BASE,
      transactions: [
        { chainId: 3, nonce: 0n, fee: 20_000n, payload: send() },
        { chainId: 0, nonce: 1n, fee: 20_000n, payload: send() },
      ],
      expect: [null, 'InvalidChainId'],
    },
    {
      id: 'r5-topoheight-1',
      description: 'At block topoheight 1 (the state is at 0), reference 0 is accepted and reference 1 is InvalidReferenceTopoheight.',
      rules: ['R5', 'R20'],
      context: { topoheight: toU64(1n) },
      state: BASE,
      transactions: [
        { nonce: 0n, referenceTopoheight: 0n, fee: 20_000n, payload: burn(1n) },
        { nonce: 1n, referenceTopoheight: 1n, fee: 20_000n, payload: burn(1n) },
      ],
      expect: [null, 'InvalidReferenceTopoheight'],
    },
    {
      id: 'r5-miner-from-context',
      description: 'The miner named in the context (here carol, an existing account with nonce 3 and an A record) is credited with the fees; its nonce and other records stay.',
      rules: ['R5', 'R32'],
      context: { miner: carol.publicKey },
      state: {
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: carol.publicKey, nonce: 3n, balances: [[TOS_ASSET, 7n], [ASSET_A, 9n]] },
        ],
        assets: [ASSET_A],
      },
      transactions: [{ fee: 20_000n, payload: send() }],
      expect: [null],
    },
    // ---------------------------------------------------------------- R6, R7, R8
    {
      id: 'r6-big-endian-integers',
      description: 'u64 fields are big-endian: nonce 258 (0x0102) and fee 65_536 (0x010000) decode and match the account.',
      rules: ['R6', 'R7', 'R21'],
      state: { accounts: [{ publicKey: alice.publicKey, nonce: 258n, balances: [[TOS_ASSET, 1_000_000n]] }] },
      transactions: [{ nonce: 258n, fee: 65_536n, payload: send() }],
      expect: [null],
    },
    {
      id: 'r7-layout-every-payload',
      description: 'One block with a burn, transfers with extra data absent, empty and present, a MultiSig setup and a MultiSig delete: all decode and apply.',
      rules: ['R7', 'R8', 'R11', 'R29'],
      state: BASE,
      transactions: [
        { nonce: 0n, fee: 20_000n, payload: burn(3n) },
        { nonce: 1n, fee: 30_000n, payload: pay(transfer(bob.publicKey, 1n), transfer(carol.publicKey, 2n, TOS_ASSET, ''), transfer(dave.publicKey, 3n, ASSET_A, 'deadbeef')) },
        { nonce: 2n, fee: 20_000n, payload: multisig(1, [bob.publicKey]) },
        { nonce: 3n, fee: 20_000n, payload: multisig(0, []), multisigSigners: [{ id: 0, key: bob }] },
      ],
      expect: [null, null, null, null],
    },
    {
      id: 'r7-empty-multisig-field',
      description: 'A present multisig field may hold zero signatures (it decodes): on a plain account it is MultiSigNotConfigured, on a 1-of-1 account MultiSigParticipants (count 0 != threshold 1).',
      rules: ['R7', 'R27'],
      state: {
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: dave.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey] } },
        ],
      },
      transactions: [
        { source: alice, fee: 20_000n, payload: send(), multisigSigners: [] },
        { source: dave, fee: 20_000n, payload: send(), multisigSigners: [] },
        { source: alice, fee: 20_000n, payload: send() },
      ],
      expect: ['MultiSigNotConfigured', 'MultiSigParticipants', null],
    },
    {
      id: 'r8-transfer-count-500',
      description: 'The largest Transfers payload, 500 transfers, decodes and applies (36_659 bytes: 36 KiB -> 360_000 + 500 * 5_000 required).',
      rules: ['R8', 'R19', 'R22'],
      state: RICH,
      transactions: [{ payload: pay(...Array.from({ length: 500 }, (_, i) => transfer(i % 2 === 0 ? bob.publicKey : carol.publicKey, BigInt(i)))) }],
      expect: [null],
    },
    {
      id: 'r8-extra-data-127-to-1024-decode',
      description: 'Extra data of 127, 128 and 1024 raw bytes decodes (R8) and fails later in R22 with TransferExtraDataSize; 126 bytes are accepted.',
      rules: ['R8', 'R22'],
      state: BASE,
      transactions: [
        { fee: 100_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
        { fee: 100_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(128))) },
        { fee: 100_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(1024))) },
        { fee: 100_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(126))) },
      ],
      expect: ['TransferExtraDataSize', 'TransferExtraDataSize', 'TransferExtraDataSize', null],
    },
    {
      id: 'r8-threshold-above-count-decodes',
      description: 'A MultiSig threshold above its participant count decodes and is rejected by R24 (MultiSigThreshold).',
      rules: ['R8', 'R24'],
      state: BASE,
      transactions: [
        { nonce: 0n, fee: 20_000n, payload: multisig(2, [bob.publicKey]) },
        { nonce: 0n, fee: 20_000n, payload: multisig(1, [bob.publicKey]) },
      ],
      expect: ['MultiSigThreshold', null],
    },
    // ---------------------------------------------------------------- R11
    {
      id: 'r11-multisig-signatures-ascending',
      description: 'A 2-of-2 transfer with participant signatures in ascending id order. Same effect as r11-multisig-signatures-descending, different hash (the multisig field is not in the signing bytes, but is in the hash).',
      rules: ['R11', 'R15', 'R27'],
      state: TWO_OF_TWO,
      transactions: [{ fee: 30_000n, payload: send(100n, dave.publicKey), multisigSigners: twoSigners }],
      expect: [null],
    },
    {
      id: 'r11-multisig-signatures-descending',
      description: 'The transfer of r11-multisig-signatures-ascending with the signatures in descending id order: accepted, same post-state, different transaction hash.',
      rules: ['R11', 'R15', 'R27'],
      state: TWO_OF_TWO,
      transactions: [{ fee: 30_000n, payload: send(100n, dave.publicKey), multisigSigners: [...twoSigners].reverse() }],
      expect: [null],
    },
    // ---------------------------------------------------------------- R12-R16
    {
      id: 'r12-owner-signature-verifies',
      description: 'Deterministically signed transactions (R16) from three test keys verify with H (R12), keys x^-1 * H (R13) and the Schnorr check (R14) over the signing bytes (R15).',
      rules: ['R12', 'R13', 'R14', 'R15', 'R16', 'R26'],
      state: {
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: bob.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: carol.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        ],
      },
      transactions: [
        { source: alice, fee: 20_000n, payload: send(1n, dave.publicKey) },
        { source: bob, fee: 20_000n, payload: burn(2n) },
        { source: carol, fee: 20_000n, payload: multisig(1, [dave.publicKey]) },
      ],
      expect: [null, null, null],
    },
    {
      id: 'r14-signature-by-another-key',
      description: "An owner signature made with bob's key on alice's transaction is InvalidSignature; alice's own signature is accepted.",
      rules: ['R14', 'R26'],
      state: BASE,
      transactions: [
        { signer: bob, fee: 20_000n, payload: send() },
        { signer: alice, fee: 20_000n, payload: send() },
      ],
      expect: ['InvalidSignature', null],
    },
    {
      id: 'r15-who-signs-what',
      description: 'Owner signs the signing bytes, participants sign BLAKE3(signing bytes): the owner signing the hash, or a participant signing the bytes, is InvalidSignature; the correct one is accepted.',
      rules: ['R15', 'R26', 'R27'],
      state: TWO_OF_TWO,
      transactions: [ownerSignsHash, participantSignsBytes, encodeTransaction(r15Base)],
      expect: ['InvalidSignature', 'InvalidSignature', null],
    },
    // ---------------------------------------------------------------- R17, R33
    {
      id: 'r17-undecodable-receipts',
      description: 'One receipt per input in order: undecodable entries (one byte, a truncated and a version-2 transaction) get hash null, InvalidFormat, fee 0, and no effect; the others apply or are rejected normally.',
      rules: ['R17', 'R18', 'R33'],
      state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] },
      transactions: [
        { nonce: 0n, fee: 20_000n, payload: send(1n) },
        Uint8Array.of(0x01),
        { nonce: 7n, fee: 30_000n, payload: send(1n) },
        { nonce: 1n, fee: 25_000n, payload: send(2n) },
        encode({ nonce: 2n, fee: 25_000n, payload: send(2n) }).slice(0, -1),
        { version: 2, nonce: 2n, fee: 20_000n, payload: send(1n) },
      ],
      expect: [null, 'InvalidFormat', 'InvalidNonce', null, 'InvalidFormat', 'InvalidFormat'],
    },
    // ---------------------------------------------------------------- R19
    {
      id: 'r19-burn-fee-boundary',
      description: 'A burn is 197 bytes: 1 KiB, required 10_000. 9_999 is InvalidTxFee, 10_000 is accepted.',
      rules: ['R19'],
      state: BASE,
      transactions: [
        { fee: 9_999n, payload: burn(1n) },
        { fee: 10_000n, payload: burn(1n) },
      ],
      expect: ['InvalidTxFee', null],
    },
    {
      id: 'r19-transfer-fee-boundary',
      description: 'One transfer is 232 bytes: 10_000 + 5_000. 10_000 and 14_999 are InvalidTxFee, 15_000 is accepted.',
      rules: ['R19'],
      state: BASE,
      transactions: [
        { fee: 10_000n, payload: send(10n) },
        { fee: 14_999n, payload: send(10n) },
        { fee: 15_000n, payload: send(10n) },
      ],
      expect: ['InvalidTxFee', 'InvalidTxFee', null],
    },
    {
      id: 'r19-exactly-1024-bytes',
      description: 'Five transfers in exactly 1024 bytes: 1 KiB, required 10_000 + 25_000 = 35_000. 34_999 is InvalidTxFee, 35_000 is accepted.',
      rules: ['R19'],
      state: RICH,
      transactions: [
        { fee: 34_999n, payload: fiveTransfers(112) },
        { fee: 35_000n, payload: fiveTransfers(112) },
      ],
      expect: ['InvalidTxFee', null],
    },
    {
      id: 'r19-1025-bytes',
      description: 'Five transfers in 1025 bytes: 2 KiB, required 20_000 + 25_000 = 45_000. 35_000 and 44_999 are InvalidTxFee, 45_000 is accepted.',
      rules: ['R19'],
      state: RICH,
      transactions: [
        { fee: 35_000n, payload: fiveTransfers(113) },
        { fee: 44_999n, payload: fiveTransfers(113) },
        { fee: 45_000n, payload: fiveTransfers(113) },
      ],
      expect: ['InvalidTxFee', 'InvalidTxFee', null],
    },
    {
      id: 'r19-multisig-signature-fee',
      description: 'A burn with two multisig signatures is 328 bytes: 10_000 + 2 * 5_000 = 20_000. 15_000 and 19_999 are InvalidTxFee, 20_000 is accepted.',
      rules: ['R19', 'R27'],
      state: TWO_OF_TWO,
      transactions: [
        { fee: 15_000n, payload: burn(1n), multisigSigners: twoSigners },
        { fee: 19_999n, payload: burn(1n), multisigSigners: twoSigners },
        { fee: 20_000n, payload: burn(1n), multisigSigners: twoSigners },
      ],
      expect: ['InvalidTxFee', 'InvalidTxFee', null],
    },
    {
      id: 'r19-multisig-setup-fee',
      description: 'A MultiSig setup with two participants is 223 bytes and has no transfers: required 10_000. 9_999 is InvalidTxFee, 10_000 is accepted.',
      rules: ['R19', 'R24'],
      state: BASE,
      transactions: [
        { fee: 9_999n, payload: multisig(2, [bob.publicKey, carol.publicKey]) },
        { fee: 10_000n, payload: multisig(2, [bob.publicKey, carol.publicKey]) },
      ],
      expect: ['InvalidTxFee', null],
    },
    {
      id: 'r19-fee-above-required-charged-in-full',
      description: 'A fee of 12_345 above the required 10_000 is charged in full and joins the fee total.',
      rules: ['R19', 'R29', 'R32'],
      state: BASE,
      transactions: [{ fee: 12_345n, payload: burn(1n) }],
      expect: [null],
    },
    // ---------------------------------------------------------------- R20
    {
      id: 'r20-reference-bound',
      description: 'At block topoheight 10: reference 10 and 11 are InvalidReferenceTopoheight, 9 is accepted.',
      rules: ['R20'],
      state: BASE,
      transactions: [
        { referenceTopoheight: 10n, fee: 10_000n, payload: burn(1n) },
        { referenceTopoheight: 11n, fee: 10_000n, payload: burn(1n) },
        { referenceTopoheight: 9n, fee: 10_000n, payload: burn(1n) },
      ],
      expect: ['InvalidReferenceTopoheight', 'InvalidReferenceTopoheight', null],
    },
    // ---------------------------------------------------------------- R21
    {
      id: 'r21-account-not-found',
      description: 'carol is not in the state: AccountNotFound; the same transfer from alice is accepted.',
      rules: ['R21'],
      state: BASE,
      transactions: [
        { source: carol, fee: 20_000n, payload: send() },
        { source: alice, fee: 20_000n, payload: send() },
      ],
      expect: ['AccountNotFound', null],
    },
    {
      id: 'r21-nonce-exact',
      description: 'alice at nonce 5: nonces 4, 0, 6 and 7 are InvalidNonce (no window); 5 is accepted and bumped to 6.',
      rules: ['R21', 'R29'],
      state: { accounts: [{ publicKey: alice.publicKey, nonce: 5n, balances: [[TOS_ASSET, 1_000_000n]] }] },
      transactions: [4n, 0n, 6n, 7n, 5n].map((nonce) => ({ nonce, fee: 20_000n, payload: send() })),
      expect: ['InvalidNonce', 'InvalidNonce', 'InvalidNonce', 'InvalidNonce', null],
    },
    // ---------------------------------------------------------------- R22
    {
      id: 'r22-sender-is-receiver',
      description: 'A transfer to its own source, first or later in the payload, is SenderIsReceiver; to other accounts it is accepted.',
      rules: ['R22'],
      state: BASE,
      transactions: [
        { fee: 20_000n, payload: pay(transfer(alice.publicKey, 1n)) },
        { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n), transfer(alice.publicKey, 1n)) },
        { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n), transfer(carol.publicKey, 1n)) },
      ],
      expect: ['SenderIsReceiver', 'SenderIsReceiver', null],
    },
    {
      id: 'r22-transfer-extra-data-boundary',
      description: '127 raw bytes of extra data count 129 > 128: TransferExtraDataSize (also in a later transfer); 126 bytes (128 counted) and empty extra data (2 counted) are accepted.',
      rules: ['R22'],
      state: BASE,
      transactions: [
        { nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
        { nonce: 0n, fee: 30_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(126)), transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) },
        { nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 7n, TOS_ASSET, extra(126))) },
        { nonce: 1n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, '')) },
      ],
      expect: ['TransferExtraDataSize', 'TransferExtraDataSize', null, null],
    },
    {
      id: 'r22-transaction-extra-data-boundary',
      description: '33 transfers of 126 raw bytes count 33 * 128 = 4224 > 4096: TransactionExtraDataSize; 32 of them count exactly 4096 and are accepted (repeated destination).',
      rules: ['R22'],
      state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 10_000_000n]] }, { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] }] },
      transactions: [
        { fee: 1_000_000n, payload: pay(...many(33, 126)) },
        { fee: 1_000_000n, payload: pay(...many(32, 126)) },
      ],
      expect: ['TransactionExtraDataSize', null],
    },
    {
      id: 'r22-zero-amount-and-repeated-destination',
      description: 'Zero amounts and repeated destinations are allowed: 300 + 0 + 200 to bob and 0 A to carol (created), one transaction.',
      rules: ['R22', 'R29'],
      state: BASE,
      transactions: [{ fee: 30_000n, payload: pay(transfer(bob.publicKey, 300n), transfer(carol.publicKey, 0n, ASSET_A), transfer(bob.publicKey, 200n), transfer(bob.publicKey, 0n)) }],
      expect: [null],
    },
    // ---------------------------------------------------------------- R23
    {
      id: 'r23-burn-zero',
      description: 'A burn of 0 is InvalidTransferAmount, in TOS and in A; a burn of 1 is accepted.',
      rules: ['R23'],
      state: BASE,
      transactions: [
        { fee: 20_000n, payload: burn(0n) },
        { fee: 20_000n, payload: burn(0n, ASSET_A) },
        { fee: 20_000n, payload: burn(1n) },
      ],
      expect: ['InvalidTransferAmount', 'InvalidTransferAmount', null],
    },
    {
      id: 'r23-burn-amount-plus-fee-overflow',
      description: 'amount + fee above 2^64 - 1 is Overflow whatever the asset (MAX, MAX - 19_999 in TOS, MAX in A with fee 20_000); MAX - 20_000 in TOS is exactly MAX and accepted.',
      rules: ['R1', 'R23'],
      tags: ['u64-edge'],
      state: WHALE,
      transactions: [
        { fee: 20_000n, payload: burn(MAX) },
        { fee: 20_000n, payload: burn(MAX - 19_999n) },
        { fee: 20_000n, payload: burn(MAX, ASSET_A) },
        { fee: 20_000n, payload: burn(MAX - 20_000n) },
      ],
      expect: ['Overflow', 'Overflow', 'Overflow', null],
    },
    // ---------------------------------------------------------------- R24
    {
      id: 'r24-multisig-threshold',
      description: 'Threshold 3 of 2 and 2 of 1 are MultiSigThreshold; 2 of 2 is accepted and sets the configuration.',
      rules: ['R24', 'R29'],
      state: BASE,
      transactions: [
        { fee: 20_000n, payload: multisig(3, [bob.publicKey, carol.publicKey]) },
        { fee: 20_000n, payload: multisig(2, [bob.publicKey]) },
        { fee: 20_000n, payload: multisig(2, [bob.publicKey, carol.publicKey]) },
      ],
      expect: ['MultiSigThreshold', 'MultiSigThreshold', null],
    },
    {
      id: 'r24-source-among-participants',
      description: 'The source among its own participants (alone or second) is MultiSigParticipants.',
      rules: ['R24'],
      state: BASE,
      transactions: [
        { fee: 20_000n, payload: multisig(1, [bob.publicKey, alice.publicKey]) },
        { fee: 20_000n, payload: multisig(1, [alice.publicKey]) },
        { fee: 20_000n, payload: multisig(1, [bob.publicKey, carol.publicKey]) },
      ],
      expect: ['MultiSigParticipants', 'MultiSigParticipants', null],
    },
    {
      id: 'r24-delete',
      description: 'A delete on an account without configuration is MultiSigNotConfigured; a delete of an existing configuration, authorised by it, is accepted.',
      rules: ['R24', 'R27', 'R29'],
      state: {
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: dave.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey] } },
        ],
      },
      transactions: [
        { source: alice, fee: 20_000n, payload: multisig(0, []) },
        { source: dave, fee: 20_000n, payload: multisig(0, []), multisigSigners: [{ id: 0, key: bob }] },
      ],
      expect: ['MultiSigNotConfigured', null],
    },
    {
      id: 'r24-replace-configuration',
      description: 'Replacing an existing configuration (1 of [bob] -> 2 of [carol, dave]) is allowed, authorised by the old one.',
      rules: ['R24', 'R27', 'R29'],
      state: ONE_OF_BOB,
      transactions: [{ fee: 20_000n, payload: multisig(2, [carol.publicKey, dave.publicKey]), multisigSigners: [{ id: 0, key: bob }] }],
      expect: [null],
    },
    // ---------------------------------------------------------------- R25, R26
    {
      id: 'r25-chain-id',
      description: 'A transaction for chain 1 in a chain-0 block is InvalidChainId; chain 0 is accepted.',
      rules: ['R25'],
      state: BASE,
      transactions: [
        { chainId: 1, fee: 20_000n, payload: send() },
        { chainId: 0, fee: 20_000n, payload: send() },
      ],
      expect: ['InvalidChainId', null],
    },
    {
      id: 'r26-source-key-not-a-point',
      description: 'An existing account whose key ff..ff is not a Ristretto point: InvalidPublicKey (its signature cannot be checked).',
      rules: ['R26'],
      state: { accounts: [{ publicKey: INVALID_POINT, balances: [[TOS_ASSET, 1_000_000n]] }, { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] },
      transactions: [
        { sourceKey: INVALID_POINT, fee: 20_000n, payload: send() },
        { fee: 20_000n, payload: send() },
      ],
      expect: ['InvalidPublicKey', null],
    },
    // ---------------------------------------------------------------- R27
    {
      id: 'r27-multisig-not-found',
      description: 'A configured account (2 of [bob, carol]) without a multisig field: MultiSigNotFound; with both signatures: accepted.',
      rules: ['R27'],
      state: TWO_OF_TWO,
      transactions: [
        { fee: 30_000n, payload: send(100n, dave.publicKey) },
        { fee: 30_000n, payload: send(100n, dave.publicKey), multisigSigners: twoSigners },
      ],
      expect: ['MultiSigNotFound', null],
    },
    {
      id: 'r27-multisig-not-configured',
      description: 'A multisig field on an account without configuration is MultiSigNotConfigured; without the field, accepted.',
      rules: ['R27'],
      state: BASE,
      transactions: [
        { fee: 20_000n, payload: send(), multisigSigners: [{ id: 0, key: bob }] },
        { fee: 20_000n, payload: send() },
      ],
      expect: ['MultiSigNotConfigured', null],
    },
    {
      id: 'r27-signature-count',
      description: 'Threshold 2: one signature, zero signatures and (with 3 participants) three signatures are MultiSigParticipants; exactly two are accepted.',
      rules: ['R27'],
      state: {
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey, dave.publicKey] } },
        ],
      },
      transactions: [
        { fee: 40_000n, payload: send(1n, erin.publicKey), multisigSigners: [{ id: 0, key: bob }] },
        { fee: 40_000n, payload: send(1n, erin.publicKey), multisigSigners: [] },
        { fee: 40_000n, payload: send(1n, erin.publicKey), multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }, { id: 2, key: dave }] },
        { fee: 40_000n, payload: send(1n, erin.publicKey), multisigSigners: [{ id: 2, key: dave }, { id: 0, key: bob }] },
      ],
      expect: ['MultiSigParticipants', 'MultiSigParticipants', 'MultiSigParticipants', null],
    },
    {
      id: 'r27-signature-id-and-validity',
      description: 'id 2 out of range (2 participants) is MultiSigParticipants; participant 1 (carol) signed by dave is InvalidSignature.',
      rules: ['R27'],
      state: TWO_OF_TWO,
      transactions: [
        { fee: 30_000n, payload: send(100n, dave.publicKey), multisigSigners: [{ id: 0, key: bob }, { id: 2, key: carol }] },
        { fee: 30_000n, payload: send(100n, dave.publicKey), multisigSigners: [{ id: 0, key: bob }, { id: 1, key: dave }] },
        { fee: 30_000n, payload: send(100n, dave.publicKey), multisigSigners: [{ id: 1, key: carol }, { id: 0, key: bob }] },
      ],
      expect: ['MultiSigParticipants', 'InvalidSignature', null],
    },
    {
      id: 'r27-participant-key-not-a-point',
      description: 'Configuration 1 of [ff..ff, bob]: a signature with id 0 (not a point) is InvalidPublicKey; id 1 signed by bob is accepted.',
      rules: ['R27'],
      state: {
        accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [INVALID_POINT, bob.publicKey] } }],
      },
      transactions: [
        { fee: 20_000n, payload: send(100n, dave.publicKey), multisigSigners: [{ id: 0, key: dave }] },
        { fee: 20_000n, payload: send(100n, dave.publicKey), multisigSigners: [{ id: 1, key: bob }] },
      ],
      expect: ['InvalidPublicKey', null],
    },
    {
      id: 'r27-old-configuration-authorises-change',
      description: 'Changing 1 of [bob] to 1 of [carol]: without the field MultiSigNotFound, signed by carol (the new participant) InvalidSignature, signed by bob (the old one) accepted.',
      rules: ['R24', 'R27'],
      state: ONE_OF_BOB,
      transactions: [
        { fee: 20_000n, payload: multisig(1, [carol.publicKey]) },
        { fee: 20_000n, payload: multisig(1, [carol.publicKey]), multisigSigners: [{ id: 0, key: carol }] },
        { fee: 20_000n, payload: multisig(1, [carol.publicKey]), multisigSigners: [{ id: 0, key: bob }] },
      ],
      expect: ['MultiSigNotFound', 'InvalidSignature', null],
    },
    {
      id: 'r27-first-configuration-needs-no-field',
      description: 'A first configuration on a plain account carrying a multisig field is MultiSigNotConfigured; without one it is accepted.',
      rules: ['R24', 'R27'],
      state: BASE,
      transactions: [
        { fee: 20_000n, payload: multisig(1, [bob.publicKey]), multisigSigners: [{ id: 0, key: bob }] },
        { fee: 20_000n, payload: multisig(1, [bob.publicKey]) },
      ],
      expect: ['MultiSigNotConfigured', null],
    },
    // ---------------------------------------------------------------- R28
    {
      id: 'r28-asset-not-found',
      description: 'An unregistered asset is AssetNotFound even when the sender holds a record of it (transfer and burn); TOS is accepted.',
      rules: ['R28'],
      state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_UNREGISTERED, 1_000n]] }] },
      transactions: [
        { fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) },
        { fee: 20_000n, payload: burn(1n, ASSET_UNREGISTERED) },
        { fee: 20_000n, payload: burn(1n) },
      ],
      expect: ['AssetNotFound', 'AssetNotFound', null],
    },
    {
      id: 'r28-no-previous-balance',
      description: 'bob has no A record: a transfer of 0 A and a burn of 1 A are NoPreviousBalanceFound; erin holds only A and cannot pay the TOS fee (NoPreviousBalanceFound, also for a MultiSig payload).',
      rules: ['R28'],
      state: {
        accounts: [
          { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
          { publicKey: erin.publicKey, balances: [[ASSET_A, 1_000n]] },
        ],
        assets: [ASSET_A],
      },
      transactions: [
        { source: bob, fee: 20_000n, payload: pay(transfer(carol.publicKey, 0n, ASSET_A)) },
        { source: bob, fee: 20_000n, payload: burn(1n, ASSET_A) },
        { source: erin, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n, ASSET_A)) },
        { source: erin, fee: 20_000n, payload: multisig(1, [bob.publicKey]) },
        { source: bob, fee: 20_000n, payload: send(1n, carol.publicKey) },
      ],
      expect: ['NoPreviousBalanceFound', 'NoPreviousBalanceFound', 'NoPreviousBalanceFound', 'NoPreviousBalanceFound', null],
    },
    {
      id: 'r28-insufficient-funds',
      description: 'amount + fee above the TOS balance, A summed over transfers (600 + 600 > 1_000), a burn above the balance and a fee above the balance are InsufficientFunds; exact amounts are accepted.',
      rules: ['R28'],
      state: EXACT,
      transactions: [
        { fee: 20_000n, payload: send(80_001n) },
        { fee: 20_000n, payload: pay(transfer(bob.publicKey, 600n, ASSET_A), transfer(carol.publicKey, 600n, ASSET_A)) },
        { fee: 20_000n, payload: burn(1_001n, ASSET_A) },
        { fee: 100_001n, payload: multisig(1, [bob.publicKey]) },
        { fee: 20_000n, payload: pay(transfer(bob.publicKey, 600n, ASSET_A), transfer(carol.publicKey, 400n, ASSET_A)) },
      ],
      expect: ['InsufficientFunds', 'InsufficientFunds', 'InsufficientFunds', 'InsufficientFunds', null],
    },
    {
      id: 'r28-exact-balance',
      description: 'amount + fee exactly the TOS balance is accepted; the record stays at 0.',
      rules: ['R28', 'R3'],
      state: EXACT,
      transactions: [{ fee: 20_000n, payload: send(80_000n) }],
      expect: [null],
    },
    // ---------------------------------------------------------------- R29
    {
      id: 'r29-effects',
      description: 'nonce + 1, debits, repeated destinations credited, a new destination created, TOS burn adds to burnedSupply, an A burn only debits, MultiSig set then delete.',
      rules: ['R29', 'R3'],
      state: { ...BASE, burnedSupply: 1_000n },
      transactions: [
        { nonce: 0n, fee: 30_000n, payload: pay(transfer(bob.publicKey, 300n), transfer(carol.publicKey, 0n, ASSET_A), transfer(bob.publicKey, 200n)) },
        { nonce: 1n, fee: 20_000n, payload: burn(700n) },
        { nonce: 2n, fee: 20_000n, payload: burn(300n, ASSET_A) },
        { nonce: 3n, fee: 20_000n, payload: multisig(2, [bob.publicKey, carol.publicKey]) },
        { nonce: 4n, fee: 30_000n, payload: multisig(0, []), multisigSigners: twoSigners },
      ],
      expect: [null, null, null, null, null],
    },
    {
      id: 'r29-credit-overflow-undoes-everything',
      description: 'The second transfer overflows bob (A at 2^64 - 1): the whole transaction is Overflow, the earlier credit to carol is undone (carol not created), no fee; then the same nonce spends all A.',
      rules: ['R1', 'R29'],
      tags: ['u64-edge'],
      state: {
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
          { publicKey: bob.publicKey, balances: [[ASSET_A, MAX]] },
        ],
        assets: [ASSET_A],
      },
      transactions: [
        { nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 100n), transfer(bob.publicKey, 1n, ASSET_A)) },
        { nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 100n), transfer(carol.publicKey, 1_000n, ASSET_A)) },
      ],
      expect: ['Overflow', null],
    },
    {
      id: 'r29-zero-credit-to-max-balance',
      description: 'A TOS credit of 1 to a balance of 2^64 - 1 is Overflow; a credit of 0 is not.',
      rules: ['R1', 'R29'],
      tags: ['u64-edge'],
      state: {
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: bob.publicKey, balances: [[TOS_ASSET, MAX]] },
        ],
      },
      transactions: [
        { nonce: 0n, fee: 20_000n, payload: send(1n) },
        { nonce: 0n, fee: 20_000n, payload: send(0n) },
      ],
      expect: ['Overflow', null],
    },
    {
      id: 'r29-nonce-at-u64-max',
      description: 'An account at nonce 2^64 - 1 cannot be bumped: Overflow, nothing changes (TOS wraps to 0).',
      rules: ['R1', 'R29'],
      tags: ['u64-edge'],
      state: { accounts: [{ publicKey: alice.publicKey, nonce: MAX, balances: [[TOS_ASSET, 1_000_000n]] }] },
      transactions: [{ nonce: MAX, fee: 20_000n, payload: send() }],
      expect: ['Overflow'],
    },
    {
      id: 'r29-burned-supply-overflow',
      description: 'burnedSupply at 2^64 - 6: a TOS burn of 6 is Overflow; 5 reaches exactly 2^64 - 1; an A burn does not touch burnedSupply.',
      rules: ['R1', 'R29'],
      tags: ['u64-edge'],
      state: { ...BASE, burnedSupply: MAX - 5n },
      transactions: [
        { nonce: 0n, fee: 20_000n, payload: burn(6n) },
        { nonce: 0n, fee: 20_000n, payload: burn(5n) },
        { nonce: 1n, fee: 20_000n, payload: burn(1_000n, ASSET_A) },
      ],
      expect: ['Overflow', null, null],
    },
    // ---------------------------------------------------------------- R32
    {
      id: 'r32-fee-total-to-miner',
      description: 'Accepted fees (20_000 + 25_000) join the fee total and create the miner; the rejected transaction pays nothing.',
      rules: ['R32', 'R33'],
      state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }, { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] }] },
      transactions: [
        { source: alice, nonce: 0n, fee: 20_000n, payload: send(100n) },
        { source: bob, nonce: 0n, fee: 25_000n, payload: send(10n, carol.publicKey) },
        { source: alice, nonce: 5n, fee: 40_000n, payload: send(100n) },
      ],
      expect: [null, null, 'InvalidNonce'],
    },
    {
      id: 'r32-empty-block-existing-miner-gets-tos-record',
      description: 'An empty block credits an existing miner without a TOS record with 0: it gets a TOS record of 0.',
      rules: ['R3', 'R32'],
      state: { accounts: [{ publicKey: miner.publicKey, nonce: 2n, balances: [[ASSET_A, 4n]] }], assets: [ASSET_A] },
      transactions: [],
      expect: [],
    },
    {
      id: 'r32-all-rejected-credits-zero',
      description: 'A block whose transactions are all rejected credits the miner 0 (created with a TOS record of 0).',
      rules: ['R32'],
      state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] },
      transactions: [{ nonce: 1n, fee: 20_000n, payload: send() }],
      expect: ['InvalidNonce'],
    },
    {
      id: 'r32-block-overflow-miner-balance',
      description: 'A miner holding 2^64 - 1 TOS and an accepted fee: the credit overflows, the block is BlockOverflow (no receipts, pre-state unchanged).',
      rules: ['R1', 'R32'],
      tags: ['u64-edge'],
      state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }, { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX]] }] },
      transactions: [{ fee: 20_000n, payload: send() }],
      expect: 'BlockOverflow',
    },
    {
      id: 'r32-block-overflow-fee-total',
      description: 'Two accepted fees of 2^63 sum to 2^64: the fee total overflows, BlockOverflow.',
      rules: ['R1', 'R32'],
      tags: ['u64-edge'],
      state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, MAX]] }, { publicKey: bob.publicKey, balances: [[TOS_ASSET, MAX]] }] },
      transactions: [
        { source: alice, fee: TWO_63, payload: send(0n, carol.publicKey) },
        { source: bob, fee: TWO_63, payload: send(0n, carol.publicKey) },
      ],
      expect: 'BlockOverflow',
    },
    {
      id: 'r32-miner-at-max-without-fees',
      description: 'A miner holding 2^64 - 1 TOS and no accepted fee: the credit of 0 fits, the block applies.',
      rules: ['R32'],
      tags: ['u64-edge'],
      state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }, { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX]] }] },
      transactions: [{ nonce: 9n, fee: 20_000n, payload: send() }],
      expect: ['InvalidNonce'],
    },
    // ---------------------------------------------------------------- R33
    {
      id: 'r33-receipts-in-input-order',
      description: 'Receipts follow input order across senders, with rejected entries interleaved (fee 0, status rejected) and duplicates of an applied transaction rejected by their nonce.',
      rules: ['R21', 'R33'],
      state: {
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: frank.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        ],
      },
      transactions: [
        { source: frank, nonce: 0n, fee: 20_000n, payload: send(1n, grace.publicKey) },
        { source: alice, nonce: 0n, fee: 20_000n, payload: send(1n) },
        { source: frank, nonce: 0n, fee: 20_000n, payload: send(1n, grace.publicKey) },
        { source: alice, nonce: 1n, fee: 21_000n, payload: send(2n) },
        { source: frank, nonce: 1n, fee: 22_000n, payload: send(3n, grace.publicKey) },
      ],
      expect: [null, null, 'InvalidNonce', null, null],
    },
  ];
}

/** The `rules` category. */
export function ruleVectors(): CategorisedVector[] {
  // Guard: the fixtures above must be valid states.
  createState(BASE);
  return scenarios().map((scenario) => buildVector(CATEGORY, scenario));
}
