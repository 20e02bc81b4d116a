/**
 * R29-R33 (and the R1 overflow cases of the effects): atomic apply, the two ledger models,
 * the end-of-block miner credit and the block result.
 *
 * Every expected state and receipt is worked out by hand from the rules brief, with the
 * arithmetic in comments; every transaction carries an explicit fee comfortably above the
 * required one (R19: 10_000 per started KiB + 5_000 per transfer + 5_000 per multisig
 * signature).
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { describe, expect, it } from 'vitest';
import {
  applyBlock,
  createState,
  stateToJson,
  TOS_ASSET,
  type AppliedBlock,
  type BlockContext,
  type LedgerModel,
  type RejectionCode,
  type State,
  type StateInit,
} from '../../spec/index.ts';
import {
  alice,
  ASSET_A,
  bob,
  carol,
  context,
  dave,
  encode,
  erin,
  MAX,
  miner,
  transfer,
  type BuildOptions,
  pay,
  burn,
  multisig,
} from '../support/fixtures.ts';

const TWO_63 = 1n << 63n;

// ---------------------------------------------------------------------------------------
// Helpers (inputs only; no expected value is computed here).

/** R11, computed independently of the spec: BLAKE3 of the full encoding, as hex. */
function hashOf(bytes: Uint8Array): string {
  return Buffer.from(blake3(bytes)).toString('hex');
}

function runBytes(state: State, txs: readonly Uint8Array[], ctx: BlockContext = context()): AppliedBlock {
  const result = applyBlock(state, ctx, txs);
  if (!result.ok) throw new Error(`block refused: ${result.error.code}`);
  return result;
}

function run(state: State, txs: readonly BuildOptions[], ctx: BlockContext = context()): AppliedBlock {
  return runBytes(state, txs.map(encode), ctx);
}

function errors(result: AppliedBlock): (RejectionCode | null)[] {
  return result.receipts.map((receipt) => receipt.error);
}

function expectState(actual: State, expected: StateInit): void {
  expect(stateToJson(actual)).toEqual(stateToJson(createState(expected)));
}

const at = (ledger: LedgerModel): BlockContext => context({ ledger });

// ---------------------------------------------------------------------------------------

describe('R29: effects of an accepted transaction', () => {
  const BASE = createState({
    accounts: [
      { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
      { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
    ],
    assets: [ASSET_A],
  });

  it('R29, R22: nonce + 1, debits, repeated destinations both credited, a new destination created for a zero amount', () => {
    const bytes = encode({
      fee: 30_000n,
      payload: pay(transfer(bob.publicKey, 300n), transfer(carol.publicKey, 0n, ASSET_A), transfer(bob.publicKey, 200n)),
    });
    const result = runBytes(BASE, [bytes]);
    // required: 10_000 + 3 * 5_000 = 25_000 <= 30_000
    expect(result.receipts).toEqual([{ hash: hashOf(bytes), status: 'applied', error: null, fee: 30_000n }]);
    expect(result.feeTotal).toBe(30_000n);
    expectState(result.state, {
      accounts: [
        // alice: TOS 1_000_000 - 300 - 200 - 30_000 = 969_500; ASSET_A 1_000 - 0 = 1_000; nonce 0 + 1
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 969_500n], [ASSET_A, 1_000n]] },
        // bob: 100_000 + 300 + 200 = 100_500 (nonce unchanged: receiving does not bump)
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_500n]] },
        // carol did not exist: created with nonce 0 and an ASSET_A record of 0
        { publicKey: carol.publicKey, nonce: 0n, balances: [[ASSET_A, 0n]] },
        // miner: created with the fee total
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 30_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R29: a new destination is created with nonce 0 even for a zero TOS amount', () => {
    const result = run(BASE, [{ fee: 20_000n, payload: pay(transfer(dave.publicKey, 0n)) }]);
    expect(errors(result)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 0 - 20_000 = 980_000
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
        { publicKey: dave.publicKey, nonce: 0n, balances: [[TOS_ASSET, 0n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R29, R3: a debit to 0 keeps the record', () => {
    const state = createState({
      accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 20_000n], [ASSET_A, 1_000n]] }],
      assets: [ASSET_A],
    });
    const result = run(state, [{ fee: 20_000n, payload: pay(transfer(bob.publicKey, 1_000n, ASSET_A)) }]);
    expect(errors(result)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: TOS 20_000 - 20_000 fee = 0; ASSET_A 1_000 - 1_000 = 0; both records kept
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 0n], [ASSET_A, 0n]] },
        { publicKey: bob.publicKey, balances: [[ASSET_A, 1_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R29: a TOS burn adds to burnedSupply; a non-TOS burn only debits', () => {
    const state = createState({
      accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] }],
      assets: [ASSET_A],
      burnedSupply: 1_000n,
    });
    const result = run(state, [
      { nonce: 0n, fee: 20_000n, payload: burn(700n) },
      { nonce: 1n, fee: 20_000n, payload: burn(300n, ASSET_A) },
    ]);
    expect(errors(result)).toEqual([null, null]);
    expectState(result.state, {
      accounts: [
        // alice: TOS 1_000_000 - 700 - 20_000 - 20_000 = 959_300; ASSET_A 1_000 - 300 = 700
        { publicKey: alice.publicKey, nonce: 2n, balances: [[TOS_ASSET, 959_300n], [ASSET_A, 700n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 40_000n]] },
      ],
      assets: [ASSET_A],
      // 1_000 + 700 (TOS); the ASSET_A burn does not count
      burnedSupply: 1_700n,
    });
  });

  it('R29: a MultiSig payload sets, then deletes, the configuration', () => {
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] });
    const setOnly = run(state, [{ nonce: 0n, fee: 20_000n, payload: multisig(2, [bob.publicKey, carol.publicKey]) }]);
    expectState(setOnly.state, {
      accounts: [
        {
          publicKey: alice.publicKey,
          nonce: 1n,
          // 1_000_000 - 20_000
          balances: [[TOS_ASSET, 980_000n]],
          multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] },
        },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
    });
    const both = run(state, [
      { nonce: 0n, fee: 20_000n, payload: multisig(2, [bob.publicKey, carol.publicKey]) },
      // required: 10_000 + 2 * 5_000 = 20_000 <= 30_000
      { nonce: 1n, fee: 30_000n, payload: multisig(0, []), multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }] },
    ]);
    expect(errors(both)).toEqual([null, null]);
    expectState(both.state, {
      accounts: [
        // 1_000_000 - 20_000 - 30_000 = 950_000; configuration deleted
        { publicKey: alice.publicKey, nonce: 2n, balances: [[TOS_ASSET, 950_000n]], multisig: null },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 50_000n]] },
      ],
    });
  });
});

describe('R29, R1: overflow in the effects rejects the whole transaction', () => {
  for (const ledger of ['immediate', 'deferred-credits'] as const) {
    it(`R29, R1 (${ledger}): a credit to a destination holding 2^64 - 1 is Overflow; all effects are undone`, () => {
      const state = createState({
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
          { publicKey: bob.publicKey, balances: [[ASSET_A, MAX]] },
        ],
        assets: [ASSET_A],
      });
      // The earlier credit (100 TOS to carol, a new account) must be undone too.
      const overflowing = encode({ nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 100n), transfer(bob.publicKey, 1n, ASSET_A)) });
      const result = runBytes(state, [overflowing], at(ledger));
      expect(result.receipts).toEqual([{ hash: hashOf(overflowing), status: 'rejected', error: 'Overflow', fee: 0n }]);
      expect(result.feeTotal).toBe(0n);
      expectState(result.state, {
        accounts: [
          // alice: nonce 0, balances unchanged, no fee; carol not created; bob unchanged
          { publicKey: alice.publicKey, nonce: 0n, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
          { publicKey: bob.publicKey, balances: [[ASSET_A, MAX]] },
          // the miner is credited the fee total 0 (R32)
          { publicKey: miner.publicKey, balances: [[TOS_ASSET, 0n]] },
        ],
        assets: [ASSET_A],
      });
    });

    it(`R29, R1 (${ledger}): after the rejected overflow, the same nonce and funds are still there`, () => {
      const state = createState({
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
          { publicKey: bob.publicKey, balances: [[ASSET_A, MAX]] },
        ],
        assets: [ASSET_A],
      });
      const result = run(
        state,
        [
          { nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 100n), transfer(bob.publicKey, 1n, ASSET_A)) },
          // spends the whole ASSET_A balance: only possible if the rejected tx debited nothing
          { nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 100n), transfer(carol.publicKey, 1_000n, ASSET_A)) },
        ],
        at(ledger),
      );
      expect(errors(result)).toEqual(['Overflow', null]);
      expectState(result.state, {
        accounts: [
          // alice: TOS 1_000_000 - 100 - 20_000 = 979_900; ASSET_A 1_000 - 1_000 = 0
          { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 979_900n], [ASSET_A, 0n]] },
          { publicKey: bob.publicKey, balances: [[ASSET_A, MAX]] },
          { publicKey: carol.publicKey, balances: [[TOS_ASSET, 100n], [ASSET_A, 1_000n]] },
          { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
        ],
        assets: [ASSET_A],
      });
    });
  }

  it('R29, R1: a TOS credit to a destination holding 2^64 - 1 TOS is Overflow; a zero credit is not', () => {
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, MAX]] },
      ],
    });
    const result = run(state, [
      { nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) },
      { nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 0n)) },
    ]);
    expect(errors(result)).toEqual(['Overflow', null]);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 0 - 20_000 = 980_000
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, MAX]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
    });
  });

  it('R29, R1: a nonce at 2^64 - 1 cannot be bumped: Overflow, nothing changes', () => {
    const state = createState({
      accounts: [{ publicKey: alice.publicKey, nonce: MAX, balances: [[TOS_ASSET, 1_000_000n]] }],
    });
    const result = run(state, [{ nonce: MAX, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) }]);
    expect(errors(result)).toEqual(['Overflow']);
    expect(result.receipts[0]?.fee).toBe(0n);
    expectState(result.state, {
      accounts: [
        { publicKey: alice.publicKey, nonce: MAX, balances: [[TOS_ASSET, 1_000_000n]] },
        // bob not created
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 0n]] },
      ],
    });
  });

  it('R29, R1: a nonce at 2^64 - 2 is bumped to 2^64 - 1', () => {
    const state = createState({
      accounts: [{ publicKey: alice.publicKey, nonce: MAX - 1n, balances: [[TOS_ASSET, 1_000_000n]] }],
    });
    const result = run(state, [{ nonce: MAX - 1n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) }]);
    expect(errors(result)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 1 - 20_000 = 979_999
        { publicKey: alice.publicKey, nonce: MAX, balances: [[TOS_ASSET, 979_999n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 1n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
    });
  });

  it('R29, R1: a TOS burn overflowing burnedSupply is Overflow; reaching exactly 2^64 - 1 is accepted', () => {
    const state = createState({
      accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }],
      burnedSupply: MAX - 5n,
    });
    const result = run(state, [
      // (MAX - 5) + 6 > MAX
      { nonce: 0n, fee: 20_000n, payload: burn(6n) },
      // (MAX - 5) + 5 = MAX
      { nonce: 0n, fee: 20_000n, payload: burn(5n) },
    ]);
    expect(errors(result)).toEqual(['Overflow', null]);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 5 - 20_000 = 979_995 (the rejected burn took nothing)
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 979_995n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      burnedSupply: MAX,
    });
  });

  it('R29: a non-TOS burn does not touch burnedSupply, so it cannot overflow it', () => {
    const state = createState({
      accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] }],
      assets: [ASSET_A],
      burnedSupply: MAX,
    });
    const result = run(state, [{ fee: 20_000n, payload: burn(1_000n, ASSET_A) }]);
    expect(errors(result)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: TOS 1_000_000 - 20_000; ASSET_A 1_000 - 1_000 = 0
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 0n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
      burnedSupply: MAX,
    });
  });
});

describe('R30, R31: the ledger models side by side', () => {
  it('R30: bob receives 500 ASSET_A then spends 550 with a pre-block record of 100: immediate accepts, deferred InsufficientFunds', () => {
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 100n]] },
      ],
      assets: [ASSET_A],
    });
    const block: BuildOptions[] = [
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 500n, ASSET_A)) },
      { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 550n, ASSET_A)) },
    ];

    const immediate = run(state, block, at('immediate'));
    // bob's current ASSET_A: 100 + 500 = 600 >= 550
    expect(errors(immediate)).toEqual([null, null]);
    expectState(immediate.state, {
      accounts: [
        // alice: TOS 1_000_000 - 20_000 = 980_000; ASSET_A 1_000 - 500 = 500
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 500n]] },
        // bob: TOS 100_000 - 20_000 = 80_000; ASSET_A 100 + 500 - 550 = 50
        { publicKey: bob.publicKey, nonce: 1n, balances: [[TOS_ASSET, 80_000n], [ASSET_A, 50n]] },
        { publicKey: carol.publicKey, balances: [[ASSET_A, 550n]] },
        // 20_000 + 20_000
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 40_000n]] },
      ],
      assets: [ASSET_A],
    });

    const deferred = run(state, block, at('deferred-credits'));
    // bob's spendable ASSET_A: pre 100 - spent 0 = 100 < 550
    expect(errors(deferred)).toEqual([null, 'InsufficientFunds']);
    expectState(deferred.state, {
      accounts: [
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 500n]] },
        // bob: pre + received - spent: ASSET_A 100 + 500 - 0 = 600; TOS untouched; nonce unchanged
        { publicKey: bob.publicKey, nonce: 0n, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 600n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R30: an asset first received in the block: immediate accepts, deferred NoPreviousBalanceFound', () => {
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
      ],
      assets: [ASSET_A],
    });
    const block: BuildOptions[] = [
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 500n, ASSET_A)) },
      { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 300n, ASSET_A)) },
    ];

    const immediate = run(state, block, at('immediate'));
    expect(errors(immediate)).toEqual([null, null]);
    expectState(immediate.state, {
      accounts: [
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 500n]] },
        // bob: TOS 100_000 - 20_000 = 80_000; ASSET_A 0 + 500 - 300 = 200
        { publicKey: bob.publicKey, nonce: 1n, balances: [[TOS_ASSET, 80_000n], [ASSET_A, 200n]] },
        { publicKey: carol.publicKey, balances: [[ASSET_A, 300n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 40_000n]] },
      ],
      assets: [ASSET_A],
    });

    const deferred = run(state, block, at('deferred-credits'));
    // no pre-block ASSET_A record for bob
    expect(errors(deferred)).toEqual([null, 'NoPreviousBalanceFound']);
    expectState(deferred.state, {
      accounts: [
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 500n]] },
        { publicKey: bob.publicKey, nonce: 0n, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 500n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R31, R21: an account created in the block then sending: immediate accepts, deferred AccountNotFound', () => {
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] });
    const block: BuildOptions[] = [
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(dave.publicKey, 100_000n)) },
      { source: dave, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 1_000n)) },
    ];

    const immediate = run(state, block, at('immediate'));
    expect(errors(immediate)).toEqual([null, null]);
    expectState(immediate.state, {
      accounts: [
        // alice: 1_000_000 - 100_000 - 20_000 = 880_000
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 880_000n]] },
        { publicKey: carol.publicKey, balances: [[TOS_ASSET, 1_000n]] },
        // dave: 100_000 - 1_000 - 20_000 = 79_000
        { publicKey: dave.publicKey, nonce: 1n, balances: [[TOS_ASSET, 79_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 40_000n]] },
      ],
    });

    const deferred = run(state, block, at('deferred-credits'));
    expect(errors(deferred)).toEqual([null, 'AccountNotFound']);
    expectState(deferred.state, {
      accounts: [
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 880_000n]] },
        { publicKey: dave.publicKey, nonce: 0n, balances: [[TOS_ASSET, 100_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
    });
  });

  it('R30, R29, R1: deferred credit overflow is pre + received + amount > 2^64 - 1, even after the account spent in the block', () => {
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, MAX - 10n]] },
        { publicKey: dave.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
      ],
      assets: [ASSET_A],
    });
    const block: BuildOptions[] = [
      // bob spends 100 ASSET_A: current MAX - 110
      { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 100n, ASSET_A)) },
      // immediate: (MAX - 110) + 50 fits; deferred: (MAX - 10) + 0 + 50 > MAX
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 50n, ASSET_A)) },
      // immediate: (MAX - 60) + 10 fits; deferred: (MAX - 10) + 0 + 10 = MAX fits
      { source: dave, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 10n, ASSET_A)) },
    ];

    const immediate = run(state, block, at('immediate'));
    expect(errors(immediate)).toEqual([null, null, null]);
    expectState(immediate.state, {
      accounts: [
        // alice: TOS 1_000_000 - 20_000; ASSET_A 1_000 - 50 = 950
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 950n]] },
        // bob: TOS 100_000 - 20_000; ASSET_A (MAX - 10) - 100 + 50 + 10 = MAX - 50
        { publicKey: bob.publicKey, nonce: 1n, balances: [[TOS_ASSET, 80_000n], [ASSET_A, MAX - 50n]] },
        { publicKey: carol.publicKey, balances: [[ASSET_A, 100n]] },
        // dave: ASSET_A 1_000 - 10 = 990
        { publicKey: dave.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 990n]] },
        // 3 * 20_000
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 60_000n]] },
      ],
      assets: [ASSET_A],
    });

    const deferred = run(state, block, at('deferred-credits'));
    expect(errors(deferred)).toEqual([null, 'Overflow', null]);
    expectState(deferred.state, {
      accounts: [
        // alice untouched
        { publicKey: alice.publicKey, nonce: 0n, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        // bob: pre + received - spent = (MAX - 10) + 10 - 100 = MAX - 100
        { publicKey: bob.publicKey, nonce: 1n, balances: [[TOS_ASSET, 80_000n], [ASSET_A, MAX - 100n]] },
        { publicKey: carol.publicKey, balances: [[ASSET_A, 100n]] },
        { publicKey: dave.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 990n]] },
        // 2 * 20_000
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 40_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R30: deferred spendable is pre - spent; the final balance is pre + received - spent', () => {
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 1_000n]] },
      ],
      assets: [ASSET_A],
    });
    const block: BuildOptions[] = [
      { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 300n, ASSET_A)) },
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 500n, ASSET_A)) },
      // deferred spendable: 1_000 - 300 = 700 >= 400
      { source: bob, nonce: 1n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 400n, ASSET_A)) },
      // deferred spendable: 1_000 - 700 = 300 < 301 (though the current balance is 800)
      { source: bob, nonce: 2n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 301n, ASSET_A)) },
    ];

    const immediate = run(state, block, at('immediate'));
    expect(errors(immediate)).toEqual([null, null, null, null]);
    expectState(immediate.state, {
      accounts: [
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 500n]] },
        // bob: TOS 100_000 - 3 * 20_000 = 40_000; ASSET_A 1_000 - 300 + 500 - 400 - 301 = 499
        { publicKey: bob.publicKey, nonce: 3n, balances: [[TOS_ASSET, 40_000n], [ASSET_A, 499n]] },
        // carol: 300 + 400 + 301 = 1_001
        { publicKey: carol.publicKey, balances: [[ASSET_A, 1_001n]] },
        // 4 * 20_000
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 80_000n]] },
      ],
      assets: [ASSET_A],
    });

    const deferred = run(state, block, at('deferred-credits'));
    expect(errors(deferred)).toEqual([null, null, null, 'InsufficientFunds']);
    expectState(deferred.state, {
      accounts: [
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 500n]] },
        // bob: TOS 100_000 - 2 * 20_000 = 60_000; ASSET_A pre 1_000 + received 500 - spent 700 = 800
        { publicKey: bob.publicKey, nonce: 2n, balances: [[TOS_ASSET, 60_000n], [ASSET_A, 800n]] },
        // carol: 300 + 400 = 700
        { publicKey: carol.publicKey, balances: [[ASSET_A, 700n]] },
        // 3 * 20_000
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 60_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  for (const ledger of ['immediate', 'deferred-credits'] as const) {
    it(`R30, R29 (${ledger}): spent counts accepted transactions only: rejected ones do not reduce spendable`, () => {
      const state = createState({
        accounts: [
          { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 1_000n]] },
          { publicKey: erin.publicKey, balances: [[ASSET_A, MAX]] },
        ],
        assets: [ASSET_A],
      });
      const block: BuildOptions[] = [
        // rejected at R26 (signed by alice)
        { source: bob, signer: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 1_000n, ASSET_A)) },
        // rejected at R29: erin's credit overflows (MAX + 1), after the 900 debit was computed
        { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 900n, ASSET_A), transfer(erin.publicKey, 1n, ASSET_A)) },
        // the whole pre-block balance is still spendable: 1_000 - 0 >= 1_000
        { source: bob, nonce: 0n, fee: 20_000n, payload: pay(transfer(carol.publicKey, 1_000n, ASSET_A)) },
      ];
      const result = run(state, block, at(ledger));
      expect(errors(result)).toEqual(['InvalidSignature', 'Overflow', null]);
      expectState(result.state, {
        accounts: [
          // bob: TOS 100_000 - 20_000 = 80_000; ASSET_A 1_000 - 1_000 = 0
          { publicKey: bob.publicKey, nonce: 1n, balances: [[TOS_ASSET, 80_000n], [ASSET_A, 0n]] },
          { publicKey: carol.publicKey, balances: [[ASSET_A, 1_000n]] },
          { publicKey: erin.publicKey, balances: [[ASSET_A, MAX]] },
          { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
        ],
        assets: [ASSET_A],
      });
    });
  }
});

describe('R32: end of block', () => {
  it('R32: accepted fees join the fee total; the miner is created with it; rejected fees do not count', () => {
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
      ],
    });
    const result = run(state, [
      { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 100n)) },
      { source: bob, nonce: 0n, fee: 25_000n, payload: pay(transfer(carol.publicKey, 10n)) },
      { source: alice, nonce: 5n, fee: 40_000n, payload: pay(transfer(bob.publicKey, 100n)) },
    ]);
    expect(result.receipts.map((r) => [r.error, r.fee])).toEqual([
      [null, 20_000n],
      [null, 25_000n],
      ['InvalidNonce', 0n],
    ]);
    // 20_000 + 25_000
    expect(result.feeTotal).toBe(45_000n);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 100 - 20_000 = 979_900
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 979_900n]] },
        // bob: 100_000 + 100 - 10 - 25_000 = 75_090
        { publicKey: bob.publicKey, nonce: 1n, balances: [[TOS_ASSET, 75_090n]] },
        { publicKey: carol.publicKey, balances: [[TOS_ASSET, 10n]] },
        { publicKey: miner.publicKey, nonce: 0n, balances: [[TOS_ASSET, 45_000n]] },
      ],
    });
  });

  it('R32: an existing miner is credited on top of its balance, its nonce and other records untouched', () => {
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: miner.publicKey, nonce: 3n, balances: [[TOS_ASSET, 7n], [ASSET_A, 9n]] },
      ],
      assets: [ASSET_A],
    });
    const result = run(state, [{ fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) }]);
    expectState(result.state, {
      accounts: [
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 979_999n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 1n]] },
        // 7 + 20_000
        { publicKey: miner.publicKey, nonce: 3n, balances: [[TOS_ASSET, 20_007n], [ASSET_A, 9n]] },
      ],
      assets: [ASSET_A],
    });
  });

  for (const ledger of ['immediate', 'deferred-credits'] as const) {
    it(`R32 (${ledger}): the miner is credited after the last transaction, so it cannot spend this block's fees`, () => {
      const state = createState({
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: miner.publicKey, balances: [[TOS_ASSET, 10_000n]] },
        ],
      });
      const result = run(
        state,
        [
          { source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) },
          // miner: 10_000 < 1 + 20_000
          { source: miner, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) },
        ],
        at(ledger),
      );
      expect(errors(result)).toEqual([null, 'InsufficientFunds']);
      expectState(result.state, {
        accounts: [
          { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 979_999n]] },
          { publicKey: bob.publicKey, balances: [[TOS_ASSET, 1n]] },
          // 10_000 + 20_000
          { publicKey: miner.publicKey, balances: [[TOS_ASSET, 30_000n]] },
        ],
      });
    });
  }

  it('R32, R3: an empty block still credits the miner 0: created with a TOS record of 0 (spec/block.ts decision)', () => {
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 5n]] }] });
    const result = runBytes(state, []);
    expect(result.receipts).toEqual([]);
    expect(result.feeTotal).toBe(0n);
    expectState(result.state, {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 5n]] },
        { publicKey: miner.publicKey, nonce: 0n, balances: [[TOS_ASSET, 0n]] },
      ],
    });
  });

  it('R32, R3: an empty block gives an existing miner without a TOS record a TOS record of 0', () => {
    const state = createState({ accounts: [{ publicKey: miner.publicKey, nonce: 2n, balances: [[ASSET_A, 4n]] }], assets: [ASSET_A] });
    const result = runBytes(state, []);
    expectState(result.state, {
      accounts: [{ publicKey: miner.publicKey, nonce: 2n, balances: [[TOS_ASSET, 0n], [ASSET_A, 4n]] }],
      assets: [ASSET_A],
    });
  });

  it('R32: a block whose transactions are all rejected credits the miner 0', () => {
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] });
    const result = run(state, [{ nonce: 1n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) }]);
    expect(errors(result)).toEqual(['InvalidNonce']);
    expect(result.feeTotal).toBe(0n);
    expectState(result.state, {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 0n]] },
      ],
    });
  });

  for (const ledger of ['immediate', 'deferred-credits'] as const) {
    it(`R32, R1 (${ledger}): a miner holding 2^64 - 1 TOS and an accepted fee: BlockOverflow, input state unchanged`, () => {
      const state = createState({
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX]] },
        ],
      });
      const before = stateToJson(state);
      const accounts = state.accounts;
      const result = applyBlock(state, at(ledger), [encode({ fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) })]);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('BlockOverflow');
      expect(result).not.toHaveProperty('receipts');
      expect(result).not.toHaveProperty('state');
      expect(stateToJson(state)).toEqual(before);
      expect(state.accounts).toBe(accounts);
    });

    it(`R32 (${ledger}): a miner holding 2^64 - 1 TOS and no accepted fee: the block is fine (credit of 0)`, () => {
      const state = createState({
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX]] },
        ],
      });
      const result = run(state, [{ nonce: 9n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) }], at(ledger));
      expect(errors(result)).toEqual(['InvalidNonce']);
      expectState(result.state, {
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
          { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX]] },
        ],
      });
    });

    it(`R32, R1 (${ledger}): a fee total above 2^64 - 1 is BlockOverflow`, () => {
      const state = createState({
        accounts: [
          { publicKey: alice.publicKey, balances: [[TOS_ASSET, MAX]] },
          { publicKey: bob.publicKey, balances: [[TOS_ASSET, MAX]] },
        ],
      });
      const before = stateToJson(state);
      // 2^63 + 2^63 = 2^64 > MAX; each transaction alone is affordable
      const result = applyBlock(state, at(ledger), [
        encode({ source: alice, fee: TWO_63, payload: pay(transfer(carol.publicKey, 0n)) }),
        encode({ source: bob, fee: TWO_63, payload: pay(transfer(carol.publicKey, 0n)) }),
      ]);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('BlockOverflow');
      expect(stateToJson(state)).toEqual(before);
    });
  }

  it('R32, R30: under deferred-credits the miner credit check is pre + received + fees, even after the miner spent', () => {
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX - 30_000n]] },
      ],
    });
    const block = [
      // miner spends 10_000 + 20_000: current MAX - 60_000
      encode({ source: miner, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 10_000n)) }),
      encode({ source: alice, nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) }),
    ];
    // fee total 40_000
    // immediate: (MAX - 60_000) + 40_000 = MAX - 20_000 fits
    const immediate = runBytes(state, block, at('immediate'));
    expect(errors(immediate)).toEqual([null, null]);
    expectState(immediate.state, {
      accounts: [
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 979_999n]] },
        // 10_000 + 1
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 10_001n]] },
        { publicKey: miner.publicKey, nonce: 1n, balances: [[TOS_ASSET, MAX - 20_000n]] },
      ],
    });
    // deferred: pre (MAX - 30_000) + received 0 + 40_000 > MAX
    const before = stateToJson(state);
    const deferred = applyBlock(state, at('deferred-credits'), block);
    expect(deferred.ok).toBe(false);
    if (!deferred.ok) expect(deferred.error.code).toBe('BlockOverflow');
    expect(stateToJson(state)).toEqual(before);
  });
});

describe('R33: block results', () => {
  it('R33: one receipt per input in input order; hash null when undecodable; fee 0 when rejected', () => {
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] }] });
    const first = encode({ nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) });
    const garbage = new Uint8Array([0x01]);
    const badNonce = encode({ nonce: 7n, fee: 30_000n, payload: pay(transfer(bob.publicKey, 1n)) });
    const second = encode({ nonce: 1n, fee: 25_000n, payload: pay(transfer(bob.publicKey, 2n)) });
    const truncated = second.slice(0, second.length - 1);
    const wrongVersion = encode({ version: 2, nonce: 2n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) });
    const result = runBytes(state, [first, garbage, badNonce, second, truncated, wrongVersion]);
    expect(result.receipts).toEqual([
      { hash: hashOf(first), status: 'applied', error: null, fee: 20_000n },
      { hash: null, status: 'rejected', error: 'InvalidFormat', fee: 0n },
      { hash: hashOf(badNonce), status: 'rejected', error: 'InvalidNonce', fee: 0n },
      { hash: hashOf(second), status: 'applied', error: null, fee: 25_000n },
      { hash: null, status: 'rejected', error: 'InvalidFormat', fee: 0n },
      { hash: null, status: 'rejected', error: 'InvalidFormat', fee: 0n },
    ]);
    // 20_000 + 25_000
    expect(result.feeTotal).toBe(45_000n);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 1 - 20_000 - 2 - 25_000 = 954_997
        { publicKey: alice.publicKey, nonce: 2n, balances: [[TOS_ASSET, 954_997n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 3n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 45_000n]] },
      ],
    });
  });

  it('R33: applyBlock does not mutate its input state or transaction bytes', () => {
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
      ],
      assets: [ASSET_A],
      burnedSupply: 3n,
    });
    const before = stateToJson(state);
    const { accounts, assets } = state;
    const txs = [
      encode({ nonce: 0n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n), transfer(carol.publicKey, 5n, ASSET_A)) }),
      encode({ nonce: 1n, fee: 20_000n, payload: burn(10n) }),
      encode({ nonce: 2n, fee: 20_000n, payload: multisig(1, [dave.publicKey]) }),
    ];
    const copies = txs.map((tx) => tx.slice());
    for (const ledger of ['immediate', 'deferred-credits'] as const) {
      const result = run(state, [], at(ledger));
      expect(result.ok).toBe(true);
      const applied = runBytes(state, txs, at(ledger));
      expect(errors(applied)).toEqual([null, null, null]);
      expect(stateToJson(state)).toEqual(before);
      expect(state.accounts).toBe(accounts);
      expect(state.assets).toBe(assets);
      expect(state.burnedSupply).toBe(3n);
      expect(txs).toEqual(copies);
    }
  });

  it('R33: applying the same block twice gives the same state, receipts, fee total and root', () => {
    const state = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
      ],
    });
    const txs = [
      encode({ source: alice, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) }),
      encode({ source: bob, fee: 20_000n, payload: pay(transfer(alice.publicKey, 1n)) }),
      new Uint8Array([1, 2, 3]),
    ];
    const a = runBytes(state, txs);
    const b = runBytes(state, txs);
    expect(stateToJson(b.state)).toEqual(stateToJson(a.state));
    expect(b.receipts).toEqual(a.receipts);
    expect(b.feeTotal).toBe(a.feeTotal);
    expect(b.stateRoot).toBe(a.stateRoot);
  });
});
