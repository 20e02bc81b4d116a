/**
 * The two ledger models side by side (category `ledger`, rules R30, R31 and what depends
 * on them): every scenario is one block run under `immediate` (id suffix `-immediate`) and
 * under `deferred-credits` (id suffix `-deferred`), with the same pre-state and bytes.
 *
 * @module vector-scenarios-ledger
 */

import { TOS_ASSET, type RuleId, type StateInit } from '../../spec/index.ts';
import {
  alice,
  ASSET_A,
  bob,
  buildVector,
  carol,
  dave,
  erin,
  LEDGERS,
  MAX,
  miner,
  multisig,
  pay,
  transfer,
  type CategorisedVector,
  type Outcome,
  type Scenario,
  type TxOptions,
} from './builder.ts';

const CATEGORY = 'ledger';

interface Pair {
  /** Id without the ledger suffix. */
  readonly id: string;
  readonly description: string;
  readonly rules: readonly RuleId[];
  readonly tags?: readonly string[];
  readonly state: StateInit;
  readonly transactions: readonly TxOptions[];
  readonly immediate: readonly Outcome[] | 'BlockOverflow';
  readonly deferred: readonly Outcome[] | 'BlockOverflow';
}

const ONE_OF_BOB: StateInit = {
  accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey] } }],
};

const send1 = pay(transfer(dave.publicKey, 1n));

const PAIRS: readonly Pair[] = [
  {
    id: 'ledger-asset-first-received-then-spent',
    description:
      'bob has no A record before the block; alice sends him 500 A, then bob spends 300 A. immediate: accepted (current balance 500). deferred-credits: NoPreviousBalanceFound (no pre-block record).',
    rules: ['R28', 'R30'],
    state: {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
      ],
      assets: [ASSET_A],
    },
    transactions: [
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 500n, ASSET_A)) },
      { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 300n, ASSET_A)) },
    ],
    immediate: [null, null],
    deferred: [null, 'NoPreviousBalanceFound'],
  },
  {
    id: 'ledger-received-funds-not-spendable',
    description:
      'bob holds 100 A before the block, receives 500 A, then spends 550 A. immediate: accepted (600). deferred-credits: InsufficientFunds (pre 100 - spent 0); the final balance still includes the credit.',
    rules: ['R28', 'R30'],
    state: {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 100n]] },
      ],
      assets: [ASSET_A],
    },
    transactions: [
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 500n, ASSET_A)) },
      { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 550n, ASSET_A)) },
    ],
    immediate: [null, null],
    deferred: [null, 'InsufficientFunds'],
  },
  {
    id: 'ledger-fee-from-received-tos',
    description: 'bob holds a TOS record of 0, receives 50_000 TOS, then pays a fee of 20_000. immediate: accepted. deferred-credits: InsufficientFunds.',
    rules: ['R28', 'R30'],
    state: {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 0n]] },
      ],
    },
    transactions: [
      { source: alice, fee: 20_000n, payload: pay(transfer(bob.publicKey, 50_000n)) },
      { source: bob, fee: 20_000n, payload: pay(transfer(carol.publicKey, 0n)) },
    ],
    immediate: [null, null],
    deferred: [null, 'InsufficientFunds'],
  },
  {
    id: 'ledger-account-created-then-sends',
    description: 'dave is created by a credit in the block, then sends. immediate: accepted. deferred-credits: AccountNotFound (R31).',
    rules: ['R21', 'R31'],
    state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] },
    transactions: [
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(dave.publicKey, 100_000n)) },
      { source: dave, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 1_000n)) },
    ],
    immediate: [null, null],
    deferred: [null, 'AccountNotFound'],
  },
  {
    id: 'ledger-credit-overflow-pre-plus-received',
    description:
      'bob (A at 2^64 - 11) spends 100 A, then receives 50 and 10. immediate: both credits fit the current balance. deferred-credits: pre + received + 50 overflows (Overflow) even though bob spent; pre + 0 + 10 = 2^64 - 1 fits.',
    rules: ['R1', 'R29', 'R30'],
    tags: ['u64-edge'],
    state: {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, MAX - 10n]] },
        { publicKey: dave.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
      ],
      assets: [ASSET_A],
    },
    transactions: [
      { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 100n, ASSET_A)) },
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 50n, ASSET_A)) },
      { source: dave, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 10n, ASSET_A)) },
    ],
    immediate: [null, null, null],
    deferred: [null, 'Overflow', null],
  },
  {
    id: 'ledger-spendable-is-pre-minus-spent',
    description:
      'bob (1_000 A) spends 300, receives 500, spends 400, then 301. immediate: all accepted. deferred-credits: the last is InsufficientFunds (1_000 - 700 = 300 < 301); final A = pre + received - spent = 800.',
    rules: ['R28', 'R30'],
    state: {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 1_000n]] },
      ],
      assets: [ASSET_A],
    },
    transactions: [
      { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 300n, ASSET_A)) },
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 500n, ASSET_A)) },
      { source: bob, nonce: 1n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 400n, ASSET_A)) },
      { source: bob, nonce: 2n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 301n, ASSET_A)) },
    ],
    immediate: [null, null, null, null],
    deferred: [null, null, null, 'InsufficientFunds'],
  },
  {
    id: 'ledger-rejected-not-counted-as-spent',
    description:
      'Rejected transactions (a bad signature; an Overflow after the debit was computed) do not count as spent: the whole pre-block A balance is still spendable afterwards, in both models.',
    rules: ['R26', 'R29', 'R30'],
    tags: ['u64-edge'],
    state: {
      accounts: [
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 1_000n]] },
        { publicKey: erin.publicKey, balances: [[ASSET_A, MAX]] },
      ],
      assets: [ASSET_A],
    },
    transactions: [
      { source: bob, signer: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 1_000n, ASSET_A)) },
      { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 900n, ASSET_A), transfer(erin.publicKey, 1n, ASSET_A)) },
      { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 1_000n, ASSET_A)) },
    ],
    immediate: ['InvalidSignature', 'Overflow', null],
    deferred: ['InvalidSignature', 'Overflow', null],
  },
  {
    id: 'ledger-nonce-sequence',
    description: 'Nonces are read as they are now in both models: 0 applies, 2 is a gap, 1 applies, 1 again is a replay, 0 is too low.',
    rules: ['R21', 'R30'],
    state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] },
    transactions: [0n, 2n, 1n, 1n, 0n].map((nonce) => ({ nonce, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) })),
    immediate: [null, 'InvalidNonce', null, 'InvalidNonce', 'InvalidNonce'],
    deferred: [null, 'InvalidNonce', null, 'InvalidNonce', 'InvalidNonce'],
  },
  {
    id: 'ledger-multisig-change-mid-block',
    description: 'Change 1 of [bob] to 1 of [carol] mid-block (signed by bob): afterwards bob signing is InvalidSignature and carol signing is accepted, in both models.',
    rules: ['R21', 'R24', 'R27', 'R30'],
    tags: ['multisig-change'],
    state: ONE_OF_BOB,
    transactions: [
      { nonce: 0n, fee: 20_000n, payload: multisig(1, [carol.publicKey]), multisigSigners: [{ id: 0, key: bob }] },
      { nonce: 1n, fee: 20_000n, payload: send1, multisigSigners: [{ id: 0, key: bob }] },
      { nonce: 1n, fee: 20_000n, payload: send1, multisigSigners: [{ id: 0, key: carol }] },
    ],
    immediate: [null, 'InvalidSignature', null],
    deferred: [null, 'InvalidSignature', null],
  },
  {
    id: 'ledger-multisig-set-mid-block',
    description: 'Set 1 of [bob] on a plain account mid-block: afterwards no field is MultiSigNotFound and bob signing is accepted, in both models.',
    rules: ['R24', 'R27', 'R30'],
    tags: ['multisig-change'],
    state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] },
    transactions: [
      { nonce: 0n, fee: 20_000n, payload: multisig(1, [bob.publicKey]) },
      { nonce: 1n, fee: 20_000n, payload: send1 },
      { nonce: 1n, fee: 20_000n, payload: send1, multisigSigners: [{ id: 0, key: bob }] },
    ],
    immediate: [null, 'MultiSigNotFound', null],
    deferred: [null, 'MultiSigNotFound', null],
  },
  {
    id: 'ledger-multisig-delete-mid-block',
    description: 'Delete the configuration mid-block: afterwards a multisig field is MultiSigNotConfigured and none is accepted, in both models.',
    rules: ['R24', 'R27', 'R30'],
    tags: ['multisig-change'],
    state: ONE_OF_BOB,
    transactions: [
      { nonce: 0n, fee: 20_000n, payload: multisig(0, []), multisigSigners: [{ id: 0, key: bob }] },
      { nonce: 1n, fee: 20_000n, payload: send1, multisigSigners: [{ id: 0, key: bob }] },
      { nonce: 1n, fee: 20_000n, payload: send1 },
    ],
    immediate: [null, 'MultiSigNotConfigured', null],
    deferred: [null, 'MultiSigNotConfigured', null],
  },
  {
    id: 'ledger-miner-cannot-spend-block-fees',
    description: 'The miner is credited after the last transaction: it cannot spend this block\'s fees (10_000 < 1 + 20_000), in both models.',
    rules: ['R28', 'R30', 'R32'],
    state: {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 10_000n]] },
      ],
    },
    transactions: [
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) },
      { source: miner, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) },
    ],
    immediate: [null, 'InsufficientFunds'],
    deferred: [null, 'InsufficientFunds'],
  },
  {
    id: 'ledger-miner-credit-check',
    description:
      'The miner (2^64 - 1 - 30_000 TOS) spends 10_000 + 20_000 fee in the block; fees total 40_000. immediate: the current balance MAX - 60_000 + 40_000 fits. deferred-credits: pre + received + fees = MAX - 30_000 + 40_000 overflows: BlockOverflow.',
    rules: ['R1', 'R30', 'R32'],
    tags: ['u64-edge'],
    state: {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX - 30_000n]] },
      ],
    },
    transactions: [
      { source: miner, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 10_000n)) },
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) },
    ],
    immediate: [null, null],
    deferred: 'BlockOverflow',
  },
  {
    id: 'ledger-block-overflow-miner-at-max',
    description: 'A miner holding 2^64 - 1 TOS and an accepted fee: BlockOverflow in both models.',
    rules: ['R1', 'R32'],
    tags: ['u64-edge'],
    state: {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX]] },
      ],
    },
    transactions: [{ fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) }],
    immediate: 'BlockOverflow',
    deferred: 'BlockOverflow',
  },
  {
    id: 'ledger-empty-block',
    description: 'An empty block: no receipts, fee total 0, the miner created with a TOS record of 0, in both models.',
    rules: ['R30', 'R32', 'R33'],
    state: { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 5n]] }] },
    transactions: [],
    immediate: [],
    deferred: [],
  },
  {
    id: 'ledger-chain-of-payments',
    description: 'alice pays bob, bob pays carol, carol pays dave, each forwarding what it just received. immediate: all accepted. deferred-credits: carol (created in the block) is AccountNotFound; bob spends from his pre-block balance.',
    rules: ['R21', 'R28', 'R30', 'R31'],
    state: {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 30_000n]] },
      ],
    },
    transactions: [
      { source: alice, fee: 20_000n, payload: pay(transfer(bob.publicKey, 500_000n)) },
      { source: bob, fee: 20_000n, payload: pay(transfer(carol.publicKey, 10_000n)) },
      { source: bob, nonce: 1n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 400_000n)) },
      { source: carol, fee: 20_000n, payload: pay(transfer(dave.publicKey, 100_000n)) },
    ],
    immediate: [null, null, null, null],
    deferred: [null, null, 'InsufficientFunds', 'AccountNotFound'],
  },
];

function scenarios(): Scenario[] {
  return PAIRS.flatMap((pair) =>
    LEDGERS.map(({ ledger, suffix }) => ({
      id: `${pair.id}-${suffix}`,
      description: `[${ledger}] ${pair.description}`,
      rules: pair.rules,
      tags: [...(pair.tags ?? []), 'ledger-pair'],
      context: { ledger },
      state: pair.state,
      transactions: pair.transactions,
      expect: ledger === 'immediate' ? pair.immediate : pair.deferred,
    })),
  );
}

/** The `ledger` category. */
export function ledgerVectors(): CategorisedVector[] {
  return scenarios().map((scenario) => buildVector(CATEGORY, scenario));
}
