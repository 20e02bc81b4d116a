/**
 * R21-R28: every rejection code of the checks, each next to the accepted case it borders.
 *
 * Expected results are worked out by hand from the rules (docs/semantics.md). Balances
 * are checked against full expected states written out by hand, with the arithmetic in
 * comments; every transaction whose effects are checked carries an explicit fee well
 * above the required fee (R19: 10_000 per started KiB + 5_000 per transfer + 5_000 per
 * multisig signature).
 */
import { describe, expect, it } from 'vitest';
import {
  applyBlock,
  createState,
  decodePublicKey,
  LEDGER_MODELS,
  stateToJson,
  TOS_ASSET,
  type AppliedBlock,
  type BlockContext,
  type RejectionCode,
  type State,
  type StateInit,
} from '../../spec/index.ts';
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
  miner,
  transfer,
  type BuildOptions,
  pay,
  burn,
  multisig,
  extra,
} from '../support/fixtures.ts';

const TWO_63 = 1n << 63n;

// ---------------------------------------------------------------------------------------
// Helpers (inputs only; no expected value is computed here).

function run(state: State, txs: readonly BuildOptions[], ctx: BlockContext = context()): AppliedBlock {
  const result = applyBlock(state, ctx, txs.map(encode));
  if (!result.ok) throw new Error(`block refused: ${result.error.code}`);
  return result;
}

/** The error code of each receipt (null when applied). */
function codes(state: State, txs: readonly BuildOptions[], ctx: BlockContext = context()): (RejectionCode | null)[] {
  return run(state, txs, ctx).receipts.map((receipt) => receipt.error);
}

/** The error code of a single transaction (null when applied). */
function code(state: State, tx: BuildOptions, ctx: BlockContext = context()): RejectionCode | null {
  const [first] = codes(state, [tx], ctx);
  if (first === undefined) throw new Error('no receipt');
  return first;
}

function expectState(actual: State, expected: StateInit): void {
  expect(stateToJson(actual)).toEqual(stateToJson(createState(expected)));
}

/** A state with alice funded in TOS and ASSET_A, bob funded in TOS, ASSET_A registered. */
const BASE: State = createState({
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
    { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
  ],
  assets: [ASSET_A],
});

// ---------------------------------------------------------------------------------------

describe('R21: the source exists, and the nonce is exactly the account nonce', () => {
  it('R21: a source that is not in the state is AccountNotFound', () => {
    // carol is not in BASE.
    expect(code(BASE, { source: carol, payload: pay(transfer(bob.publicKey, 1n)) })).toBe('AccountNotFound');
  });

  it('R21: the same transfer from an existing source is accepted', () => {
    expect(code(BASE, { source: alice, payload: pay(transfer(bob.publicKey, 1n)) })).toBeNull();
  });

  it('R21: an existing account without any balance record passes R21 (it fails later, in R28)', () => {
    const state = createState({ accounts: [{ publicKey: erin.publicKey }], assets: [ASSET_A] });
    // erin exists (nonce 0) but has no TOS record for the fee: NoPreviousBalanceFound, not AccountNotFound.
    expect(code(state, { source: erin, payload: pay(transfer(bob.publicKey, 0n)) })).toBe('NoPreviousBalanceFound');
  });

  const nonce5 = createState({ accounts: [{ publicKey: alice.publicKey, nonce: 5n, balances: [[TOS_ASSET, 1_000_000n]] }] });

  it('R21: a nonce below the account nonce is InvalidNonce', () => {
    expect(code(nonce5, { nonce: 4n, payload: pay(transfer(bob.publicKey, 1n)) })).toBe('InvalidNonce');
    expect(code(nonce5, { nonce: 0n, payload: pay(transfer(bob.publicKey, 1n)) })).toBe('InvalidNonce');
  });

  it('R21: a nonce above the account nonce is InvalidNonce (no window)', () => {
    expect(code(nonce5, { nonce: 6n, payload: pay(transfer(bob.publicKey, 1n)) })).toBe('InvalidNonce');
    expect(code(nonce5, { nonce: 7n, payload: pay(transfer(bob.publicKey, 1n)) })).toBe('InvalidNonce');
  });

  it('R21, R29: the exact nonce is accepted and bumped by one', () => {
    const result = run(nonce5, [{ nonce: 5n, fee: 20_000n, payload: pay(transfer(bob.publicKey, 1n)) }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 1 - 20_000 fee = 979_999; nonce 5 + 1 = 6
        { publicKey: alice.publicKey, nonce: 6n, balances: [[TOS_ASSET, 979_999n]] },
        // bob is created by the credit with nonce 0
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 1n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
    });
  });

  for (const ledger of LEDGER_MODELS) {
    it(`R21 (${ledger}): nonces are read as they are now in the block: no gaps, no replays`, () => {
      const tx = (nonce: bigint): BuildOptions => ({ nonce, payload: pay(transfer(bob.publicKey, 1n)) });
      // 0 applies (nonce -> 1); 2 is a gap; 1 applies (nonce -> 2); 1 again is a replay; 0 is too low.
      expect(codes(BASE, [tx(0n), tx(2n), tx(1n), tx(1n), tx(0n)], context({ ledger }))).toEqual([
        null,
        'InvalidNonce',
        null,
        'InvalidNonce',
        'InvalidNonce',
      ]);
    });
  }
});

describe('R22: transfers', () => {
  it('R22: a transfer to its own source is SenderIsReceiver', () => {
    expect(code(BASE, { payload: pay(transfer(alice.publicKey, 1n)) })).toBe('SenderIsReceiver');
  });

  it('R22: a later transfer to its own source is SenderIsReceiver too', () => {
    expect(code(BASE, { payload: pay(transfer(bob.publicKey, 1n), transfer(alice.publicKey, 1n)) })).toBe('SenderIsReceiver');
  });

  it('R22: the same transfer to another account is accepted', () => {
    expect(code(BASE, { payload: pay(transfer(bob.publicKey, 1n), transfer(carol.publicKey, 1n)) })).toBeNull();
  });

  it('R22: 127 raw bytes of extra data count 129 > 128: TransferExtraDataSize', () => {
    expect(code(BASE, { payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) })).toBe('TransferExtraDataSize');
  });

  it('R22: 127 raw bytes in a later transfer: TransferExtraDataSize', () => {
    expect(
      code(BASE, { payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(126)), transfer(bob.publicKey, 1n, TOS_ASSET, extra(127))) }),
    ).toBe('TransferExtraDataSize');
  });

  it('R22: 1024 raw bytes decode (R8) and fail here with TransferExtraDataSize', () => {
    expect(code(BASE, { payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, extra(1024))) })).toBe('TransferExtraDataSize');
  });

  it('R22: 126 raw bytes of extra data count 128 and are accepted', () => {
    const result = run(BASE, [{ fee: 20_000n, payload: pay(transfer(bob.publicKey, 7n, TOS_ASSET, extra(126))) }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 7 - 20_000 fee = 979_993
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 979_993n], [ASSET_A, 1_000n]] },
        // bob: 100_000 + 7
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_007n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R22: present but empty extra data (2 counted bytes) is accepted', () => {
    expect(code(BASE, { payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, '')) })).toBeNull();
  });

  const RICH = createState({
    accounts: [
      { publicKey: alice.publicKey, balances: [[TOS_ASSET, 10_000_000n]] },
      { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
    ],
  });

  it('R22: 33 transfers of 126 raw bytes each count 33 * 128 = 4224 > 4096: TransactionExtraDataSize', () => {
    const transfers = Array.from({ length: 33 }, () => transfer(bob.publicKey, 1n, TOS_ASSET, extra(126)));
    // fee: the required fee (default), ~7 KiB -> 70_000 + 33 * 5_000; alice can afford it.
    expect(code(RICH, { payload: pay(...transfers) })).toBe('TransactionExtraDataSize');
    // and with a large explicit fee too
    expect(code(RICH, { fee: 1_000_000n, payload: pay(...transfers) })).toBe('TransactionExtraDataSize');
  });

  it('R22: 32 transfers of 126 raw bytes each count exactly 4096 and are accepted', () => {
    const transfers = Array.from({ length: 32 }, () => transfer(bob.publicKey, 1n, TOS_ASSET, extra(126)));
    // size = 37 + 32 * 201 + 122 = 6591 bytes -> 7 KiB: required 70_000 + 32 * 5_000 = 230_000 <= 1_000_000
    const result = run(RICH, [{ fee: 1_000_000n, payload: pay(...transfers) }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: 10_000_000 - 32 * 1 - 1_000_000 fee = 8_999_968
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 8_999_968n]] },
        // bob: 100_000 + 32 * 1 (the same destination 32 times)
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_032n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
      ],
    });
  });

  it('R22: a transfer of amount 0 is accepted (only burns reject 0)', () => {
    const result = run(BASE, [{ fee: 20_000n, payload: pay(transfer(bob.publicKey, 0n)) }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 0 - 20_000 = 980_000
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
    });
  });
});

describe('R23: burns', () => {
  it('R23: a burn of 0 is InvalidTransferAmount', () => {
    expect(code(BASE, { payload: burn(0n) })).toBe('InvalidTransferAmount');
    expect(code(BASE, { payload: burn(0n, ASSET_A) })).toBe('InvalidTransferAmount');
  });

  it('R23: a burn of 1 is accepted', () => {
    const result = run(BASE, [{ fee: 20_000n, payload: burn(1n) }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 1 burned - 20_000 fee = 979_999
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 979_999n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
      burnedSupply: 1n,
    });
  });

  const WHALE = createState({
    accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, MAX], [ASSET_A, MAX]] }],
    assets: [ASSET_A],
  });

  it('R23, R1: a burn whose amount + fee exceeds 2^64 - 1 is Overflow', () => {
    // MAX + 20_000 > MAX
    expect(code(WHALE, { fee: 20_000n, payload: burn(MAX) })).toBe('Overflow');
    // (MAX - 19_999) + 20_000 = MAX + 1
    expect(code(WHALE, { fee: 20_000n, payload: burn(MAX - 19_999n) })).toBe('Overflow');
  });

  it('R23, R1: amount + fee is checked whatever the burned asset: Overflow for ASSET_A too', () => {
    // R23 does not restrict the check to TOS: MAX + 20_000 > MAX.
    expect(code(WHALE, { fee: 20_000n, payload: burn(MAX, ASSET_A) })).toBe('Overflow');
  });

  it('R23: a burn whose amount + fee is exactly 2^64 - 1 is accepted', () => {
    const result = run(WHALE, [{ fee: 20_000n, payload: burn(MAX - 20_000n) }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: MAX - (MAX - 20_000) burned - 20_000 fee = 0, record kept (R3)
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 0n], [ASSET_A, MAX]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
      burnedSupply: MAX - 20_000n,
    });
  });
});

describe('R24: MultiSig setup', () => {
  it('R24: a threshold above the participant count is MultiSigThreshold', () => {
    expect(code(BASE, { payload: multisig(3, [bob.publicKey, carol.publicKey]) })).toBe('MultiSigThreshold');
    expect(code(BASE, { payload: multisig(2, [bob.publicKey]) })).toBe('MultiSigThreshold');
  });

  it('R24: a threshold equal to the participant count is accepted and sets the configuration', () => {
    const result = run(BASE, [{ fee: 20_000n, payload: multisig(2, [bob.publicKey, carol.publicKey]) }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 20_000 fee
        {
          publicKey: alice.publicKey,
          nonce: 1n,
          balances: [[TOS_ASSET, 980_000n], [ASSET_A, 1_000n]],
          multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] },
        },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R24: the source among its own participants is MultiSigParticipants', () => {
    expect(code(BASE, { payload: multisig(1, [bob.publicKey, alice.publicKey]) })).toBe('MultiSigParticipants');
    expect(code(BASE, { payload: multisig(1, [alice.publicKey]) })).toBe('MultiSigParticipants');
  });

  it('R24: a delete when the account has no configuration is MultiSigNotConfigured', () => {
    expect(code(BASE, { payload: multisig(0, []) })).toBe('MultiSigNotConfigured');
  });

  it('R24, R27: a delete of an existing configuration (authorised by it) is accepted', () => {
    const state = createState({
      accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey] } }],
    });
    // required: 10_000 + 1 signature * 5_000 = 15_000 <= 20_000
    const result = run(state, [{ fee: 20_000n, payload: multisig(0, []), multisigSigners: [{ id: 0, key: bob }] }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: 1_000_000 - 20_000; configuration deleted
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n]], multisig: null },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
    });
  });

  it('R24, R27: replacing an existing configuration is accepted', () => {
    const state = createState({
      accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey] } }],
    });
    const result = run(state, [
      { fee: 20_000n, payload: multisig(2, [carol.publicKey, dave.publicKey]), multisigSigners: [{ id: 0, key: bob }] },
    ]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        {
          publicKey: alice.publicKey,
          nonce: 1n,
          balances: [[TOS_ASSET, 980_000n]],
          multisig: { threshold: 2, participants: [carol.publicKey, dave.publicKey] },
        },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
    });
  });
});

describe('R25: chain id', () => {
  it('R25: a chain id other than the block chain id is InvalidChainId', () => {
    expect(code(BASE, { chainId: 1, payload: pay(transfer(bob.publicKey, 1n)) })).toBe('InvalidChainId');
    expect(code(BASE, { chainId: 0, payload: pay(transfer(bob.publicKey, 1n)) }, context({ chainId: 7 }))).toBe('InvalidChainId');
  });

  it('R25: the block chain id is accepted', () => {
    expect(code(BASE, { chainId: 7, payload: pay(transfer(bob.publicKey, 1n)) }, context({ chainId: 7 }))).toBeNull();
    expect(code(BASE, { chainId: 0, payload: pay(transfer(bob.publicKey, 1n)) })).toBeNull();
  });
});

describe('R26: source key and owner signature', () => {
  const withInvalidSource = createState({
    accounts: [
      { publicKey: INVALID_POINT, balances: [[TOS_ASSET, 1_000_000n]] },
      { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
    ],
  });

  it('R26: INVALID_POINT is indeed not a Ristretto encoding (test precondition)', () => {
    expect(decodePublicKey(INVALID_POINT)).toBeUndefined();
  });

  it('R26: a source key that is not a point is InvalidPublicKey (before the signature, which cannot verify)', () => {
    expect(code(withInvalidSource, { sourceKey: INVALID_POINT, payload: pay(transfer(bob.publicKey, 1n)) })).toBe('InvalidPublicKey');
  });

  it('R26: an owner signature by another key is InvalidSignature', () => {
    expect(code(withInvalidSource, { source: alice, signer: bob, payload: pay(transfer(bob.publicKey, 1n)) })).toBe('InvalidSignature');
  });

  it('R26: the owner signature by the source is accepted', () => {
    expect(code(withInvalidSource, { source: alice, signer: alice, payload: pay(transfer(bob.publicKey, 1n)) })).toBeNull();
  });

  it('R26: a multisig account still needs a valid owner signature', () => {
    const state = createState({
      accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey] } }],
    });
    expect(code(state, { signer: carol, payload: pay(transfer(bob.publicKey, 1n)), multisigSigners: [{ id: 0, key: bob }] })).toBe(
      'InvalidSignature',
    );
  });
});

describe('R27: multisig authorisation', () => {
  // alice: 2 of [bob, carol]
  const TWO_OF_TWO = createState({
    accounts: [
      {
        publicKey: alice.publicKey,
        balances: [[TOS_ASSET, 1_000_000n]],
        multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] },
      },
    ],
  });
  const send = pay(transfer(dave.publicKey, 100n));

  it('R27: a configured account without a multisig field is MultiSigNotFound', () => {
    expect(code(TWO_OF_TWO, { payload: send })).toBe('MultiSigNotFound');
  });

  it('R27: a multisig field on an account without configuration is MultiSigNotConfigured', () => {
    expect(code(BASE, { payload: pay(transfer(bob.publicKey, 1n)), multisigSigners: [{ id: 0, key: bob }] })).toBe('MultiSigNotConfigured');
  });

  it('R27: a present multisig field with zero signatures on a plain account is MultiSigNotConfigured', () => {
    expect(code(BASE, { payload: pay(transfer(bob.publicKey, 1n)), multisigSigners: [] })).toBe('MultiSigNotConfigured');
  });

  it('R27: the same transfer without the field is accepted on a plain account', () => {
    expect(code(BASE, { payload: pay(transfer(bob.publicKey, 1n)), multisigSigners: null })).toBeNull();
  });

  it('R27: fewer signatures than the threshold is MultiSigParticipants', () => {
    expect(code(TWO_OF_TWO, { payload: send, multisigSigners: [{ id: 0, key: bob }] })).toBe('MultiSigParticipants');
    expect(code(TWO_OF_TWO, { payload: send, multisigSigners: [] })).toBe('MultiSigParticipants');
  });

  it('R27: more signatures than the threshold is MultiSigParticipants', () => {
    const state = createState({
      accounts: [
        {
          publicKey: alice.publicKey,
          balances: [[TOS_ASSET, 1_000_000n]],
          multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey, dave.publicKey] },
        },
      ],
    });
    const signers = [
      { id: 0, key: bob },
      { id: 1, key: carol },
      { id: 2, key: dave },
    ];
    expect(code(state, { payload: pay(transfer(erin.publicKey, 1n)), multisigSigners: signers })).toBe('MultiSigParticipants');
  });

  it('R27: a signature id out of range is MultiSigParticipants', () => {
    // participants has ids 0 and 1 only
    expect(code(TWO_OF_TWO, { payload: send, multisigSigners: [{ id: 0, key: bob }, { id: 2, key: carol }] })).toBe('MultiSigParticipants');
  });

  it('R27: a participant signature by the wrong key is InvalidSignature', () => {
    // id 1 is carol, signed by dave
    expect(code(TWO_OF_TWO, { payload: send, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: dave }] })).toBe('InvalidSignature');
  });

  it('R27: a participant key that is not a point is InvalidPublicKey; a valid participant is accepted', () => {
    const state = createState({
      accounts: [
        {
          publicKey: alice.publicKey,
          balances: [[TOS_ASSET, 1_000_000n]],
          multisig: { threshold: 1, participants: [INVALID_POINT, bob.publicKey] },
        },
      ],
    });
    expect(code(state, { payload: send, multisigSigners: [{ id: 0, key: dave }] })).toBe('InvalidPublicKey');
    expect(code(state, { payload: send, multisigSigners: [{ id: 1, key: bob }] })).toBeNull();
  });

  it('R27: all threshold signatures valid, ascending or not, are accepted with the same effect but different hashes', () => {
    const ascending = run(TWO_OF_TWO, [{ fee: 30_000n, payload: send, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }] }]);
    const descending = run(TWO_OF_TWO, [{ fee: 30_000n, payload: send, multisigSigners: [{ id: 1, key: carol }, { id: 0, key: bob }] }]);
    expect(ascending.receipts.map((r) => r.error)).toEqual([null]);
    expect(descending.receipts.map((r) => r.error)).toEqual([null]);
    expect(descending.receipts[0]?.hash).not.toBe(ascending.receipts[0]?.hash);
    const expected: StateInit = {
      accounts: [
        // required: 10_000 + 1 * 5_000 + 2 * 5_000 = 25_000 <= 30_000
        // alice: 1_000_000 - 100 - 30_000 = 969_900
        {
          publicKey: alice.publicKey,
          nonce: 1n,
          balances: [[TOS_ASSET, 969_900n]],
          multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] },
        },
        { publicKey: dave.publicKey, balances: [[TOS_ASSET, 100n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 30_000n]] },
      ],
    };
    expectState(ascending.state, expected);
    expectState(descending.state, expected);
  });

  describe('R27: a MultiSig payload is authorised by the OLD configuration', () => {
    // alice: 1 of [bob]
    const ONE_OF_BOB = createState({
      accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey] } }],
    });
    const toCarol = multisig(1, [carol.publicKey]);

    it('R27: changing [bob] to [carol] signed by bob (old participant 0) is accepted', () => {
      const result = run(ONE_OF_BOB, [{ fee: 20_000n, payload: toCarol, multisigSigners: [{ id: 0, key: bob }] }]);
      expect(result.receipts.map((r) => r.error)).toEqual([null]);
      expectState(result.state, {
        accounts: [
          // alice: 1_000_000 - 20_000
          { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 980_000n]], multisig: { threshold: 1, participants: [carol.publicKey] } },
          { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
        ],
      });
    });

    it('R27: changing [bob] to [carol] signed by carol (new participant 0) is InvalidSignature', () => {
      expect(code(ONE_OF_BOB, { payload: toCarol, multisigSigners: [{ id: 0, key: carol }] })).toBe('InvalidSignature');
    });

    it('R27: changing [bob] to [carol] with no multisig field is MultiSigNotFound', () => {
      expect(code(ONE_OF_BOB, { payload: toCarol })).toBe('MultiSigNotFound');
    });

    it('R27: a first configuration on a plain account needs no multisig field; with one it is MultiSigNotConfigured', () => {
      expect(code(BASE, { payload: multisig(1, [bob.publicKey]) })).toBeNull();
      expect(code(BASE, { payload: multisig(1, [bob.publicKey]), multisigSigners: [{ id: 0, key: bob }] })).toBe('MultiSigNotConfigured');
    });
  });

  for (const ledger of LEDGER_MODELS) {
    describe(`R27, R21 (${ledger}): after a configuration change earlier in the block, the NEW configuration applies`, () => {
      const ctx = context({ ledger });
      const ONE_OF_BOB = createState({
        accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [bob.publicKey] } }],
      });
      const send1 = pay(transfer(dave.publicKey, 1n));

      it('R27: change [bob] -> [carol]; then carol signs (accepted) and bob signs (InvalidSignature)', () => {
        expect(
          codes(
            ONE_OF_BOB,
            [
              { nonce: 0n, payload: multisig(1, [carol.publicKey]), multisigSigners: [{ id: 0, key: bob }] },
              { nonce: 1n, payload: send1, multisigSigners: [{ id: 0, key: bob }] },
              { nonce: 1n, payload: send1, multisigSigners: [{ id: 0, key: carol }] },
            ],
            ctx,
          ),
        ).toEqual([null, 'InvalidSignature', null]);
      });

      it('R27: set [bob] on a plain account; then no field is MultiSigNotFound and bob signing is accepted', () => {
        expect(
          codes(
            BASE,
            [
              { nonce: 0n, payload: multisig(1, [bob.publicKey]) },
              { nonce: 1n, payload: send1 },
              { nonce: 1n, payload: send1, multisigSigners: [{ id: 0, key: bob }] },
            ],
            ctx,
          ),
        ).toEqual([null, 'MultiSigNotFound', null]);
      });

      it('R27: delete the configuration; then a multisig field is MultiSigNotConfigured and none is accepted', () => {
        expect(
          codes(
            ONE_OF_BOB,
            [
              { nonce: 0n, payload: multisig(0, []), multisigSigners: [{ id: 0, key: bob }] },
              { nonce: 1n, payload: send1, multisigSigners: [{ id: 0, key: bob }] },
              { nonce: 1n, payload: send1 },
            ],
            ctx,
          ),
        ).toEqual([null, 'MultiSigNotConfigured', null]);
      });
    });
  }
});

describe('R28: balances', () => {
  const WHALE = createState({
    accounts: [
      { publicKey: alice.publicKey, balances: [[TOS_ASSET, MAX], [ASSET_A, MAX]] },
      { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
    ],
    assets: [ASSET_A],
  });

  it('R28, R1: two transfers of 2^63 in the same asset sum to 2^64: Overflow, and nothing changes', () => {
    const result = run(WHALE, [{ fee: 20_000n, payload: pay(transfer(bob.publicKey, TWO_63, ASSET_A), transfer(carol.publicKey, TWO_63, ASSET_A)) }]);
    expect(result.receipts.map((r) => r.error)).toEqual(['Overflow']);
    expectState(result.state, {
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, MAX], [ASSET_A, MAX]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n]] },
        // no fee accepted: the miner is credited 0 (R32)
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 0n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R28, R1: a TOS transfer plus the fee overflowing the TOS total is Overflow', () => {
    // MAX + 20_000 > MAX (the fee joins the TOS entry)
    expect(code(WHALE, { fee: 20_000n, payload: pay(transfer(bob.publicKey, MAX)) })).toBe('Overflow');
    // 2^63 + 2^63 in TOS, fee on top
    expect(code(WHALE, { fee: 20_000n, payload: pay(transfer(bob.publicKey, TWO_63), transfer(bob.publicKey, TWO_63)) })).toBe('Overflow');
  });

  it('R28: 2^63 of TOS and 2^63 of ASSET_A are summed per asset and accepted', () => {
    const result = run(WHALE, [{ fee: 20_000n, payload: pay(transfer(bob.publicKey, TWO_63), transfer(bob.publicKey, TWO_63, ASSET_A)) }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice TOS: (2^64 - 1) - 2^63 - 20_000 = 2^63 - 1 - 20_000; ASSET_A: (2^64 - 1) - 2^63 = 2^63 - 1
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, TWO_63 - 1n - 20_000n], [ASSET_A, TWO_63 - 1n]] },
        // bob: 100_000 + 2^63 TOS; a new ASSET_A record of 2^63
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, TWO_63 + 100_000n], [ASSET_A, TWO_63]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R28: an unregistered asset is AssetNotFound, even when the sender holds a record of it', () => {
    const state = createState({
      accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_UNREGISTERED, 1_000n]] }],
    });
    expect(code(state, { payload: pay(transfer(bob.publicKey, 1n, ASSET_UNREGISTERED)) })).toBe('AssetNotFound');
    expect(code(state, { payload: burn(1n, ASSET_UNREGISTERED) })).toBe('AssetNotFound');
  });

  it('R28: without a balance record of the asset, NoPreviousBalanceFound (even for an amount of 0)', () => {
    // bob has no ASSET_A record
    expect(code(BASE, { source: bob, payload: pay(transfer(carol.publicKey, 0n, ASSET_A)) })).toBe('NoPreviousBalanceFound');
    expect(code(BASE, { source: bob, payload: burn(1n, ASSET_A) })).toBe('NoPreviousBalanceFound');
  });

  it('R28, R3: a record holding 0 is not an absent record: a transfer of 0 from it is accepted', () => {
    const state = createState({
      accounts: [{ publicKey: bob.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 0n]] }],
      assets: [ASSET_A],
    });
    const result = run(state, [{ source: bob, fee: 20_000n, payload: pay(transfer(carol.publicKey, 0n, ASSET_A)) }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // bob: 100_000 - 20_000 TOS; ASSET_A 0 - 0 = 0, record kept
        { publicKey: bob.publicKey, nonce: 1n, balances: [[TOS_ASSET, 80_000n], [ASSET_A, 0n]] },
        // carol created with an ASSET_A record of 0
        { publicKey: carol.publicKey, balances: [[ASSET_A, 0n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R28: the fee needs a TOS record: an account holding only ASSET_A is NoPreviousBalanceFound', () => {
    const state = createState({ accounts: [{ publicKey: erin.publicKey, balances: [[ASSET_A, 1_000n]] }], assets: [ASSET_A] });
    expect(code(state, { source: erin, payload: pay(transfer(bob.publicKey, 1n, ASSET_A)) })).toBe('NoPreviousBalanceFound');
    // a MultiSig payload spends only the fee
    expect(code(state, { source: erin, payload: multisig(1, [bob.publicKey]) })).toBe('NoPreviousBalanceFound');
  });

  const EXACT = createState({
    accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 100_000n], [ASSET_A, 1_000n]] }],
    assets: [ASSET_A],
  });

  it('R28: amount + fee above the TOS balance is InsufficientFunds', () => {
    // 80_001 + 20_000 = 100_001 > 100_000
    expect(code(EXACT, { fee: 20_000n, payload: pay(transfer(bob.publicKey, 80_001n)) })).toBe('InsufficientFunds');
  });

  it('R28: amount + fee exactly the TOS balance is accepted (the record stays at 0)', () => {
    const result = run(EXACT, [{ fee: 20_000n, payload: pay(transfer(bob.publicKey, 80_000n)) }]);
    expect(result.receipts.map((r) => r.error)).toEqual([null]);
    expectState(result.state, {
      accounts: [
        // alice: 100_000 - 80_000 - 20_000 = 0
        { publicKey: alice.publicKey, nonce: 1n, balances: [[TOS_ASSET, 0n], [ASSET_A, 1_000n]] },
        { publicKey: bob.publicKey, balances: [[TOS_ASSET, 80_000n]] },
        { publicKey: miner.publicKey, balances: [[TOS_ASSET, 20_000n]] },
      ],
      assets: [ASSET_A],
    });
  });

  it('R28: transfers are summed per asset before the funds check: 600 + 600 ASSET_A > 1_000 is InsufficientFunds', () => {
    expect(code(EXACT, { fee: 20_000n, payload: pay(transfer(bob.publicKey, 600n, ASSET_A), transfer(carol.publicKey, 600n, ASSET_A)) })).toBe(
      'InsufficientFunds',
    );
    // 600 + 400 = 1_000 is exactly affordable
    expect(code(EXACT, { fee: 20_000n, payload: pay(transfer(bob.publicKey, 600n, ASSET_A), transfer(carol.publicKey, 400n, ASSET_A)) })).toBeNull();
  });

  it('R28: a burn above the balance is InsufficientFunds', () => {
    expect(code(EXACT, { fee: 20_000n, payload: burn(1_001n, ASSET_A) })).toBe('InsufficientFunds');
    // 80_001 + 20_000 fee > 100_000
    expect(code(EXACT, { fee: 20_000n, payload: burn(80_001n) })).toBe('InsufficientFunds');
    expect(code(EXACT, { fee: 20_000n, payload: burn(1_000n, ASSET_A) })).toBeNull();
  });

  it('R28: a MultiSig payload whose fee is above the TOS balance is InsufficientFunds', () => {
    expect(code(EXACT, { fee: 100_001n, payload: multisig(1, [bob.publicKey]) })).toBe('InsufficientFunds');
    expect(code(EXACT, { fee: 100_000n, payload: multisig(1, [bob.publicKey]) })).toBeNull();
  });
});
