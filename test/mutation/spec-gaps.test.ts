/**
 * Gaps found by mutation testing of spec/ (docs/mutation.md).
 *
 * Every expected value is worked out by hand from the rules (docs/semantics.md): the code
 * and the rule id of each rejection, the bounds of R1/R2/R6, the validation of a pre-state
 * (R3) and the canonical-scalar check of R10/R14.
 */
import { describe, expect, it } from 'vitest';
import {
  applyBlock,
  applyTransaction,
  beginLedger,
  createState,
  decodePublicKey,
  decodeTransaction,
  encodeScalar,
  encodeTransaction,
  GROUP_ORDER,
  InvalidStateError,
  isHexOfLength,
  isU64,
  readLittleEndian,
  SpecInvariantError,
  stateFromJson,
  stateToJson,
  toU64,
  TOS_ASSET,
  verifySignature,
  type Payload,
  type RejectionCode,
  type RuleId,
  type StateInit,
  type Transaction,
} from '../../spec/index.ts';
import { createTestKey, signDeterministic } from '../../spec/test-keys.ts';
import { alice, ASSET_A, ASSET_UNREGISTERED, bob, build, carol, context, dave, encode, erin, INVALID_POINT, MAX, miner, transfer } from '../support/fixtures.ts';

const frank = createTestKey('frank');

const burn = (amount: bigint, asset: string = TOS_ASSET): Payload => ({ kind: 'burn', asset, amount: toU64(amount) });
const pay = (...transfers: ReturnType<typeof transfer>[]): Payload => ({ kind: 'transfers', transfers });

// alice: plain funded account; bob: TOS only; carol: multisig 1-of-[dave]; dave: ASSET_A at 2^64 - 1;
// frank: multisig 1-of-[INVALID_POINT]; INVALID_POINT: an account whose key is not a point;
// erin: nonce 2^64 - 1.
const STATE_INIT: StateInit = {
  accounts: [
    { publicKey: alice.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, 1_000n]] },
    { publicKey: bob.publicKey, balances: [[TOS_ASSET, 1_000_000n]] },
    { publicKey: carol.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [dave.publicKey] } },
    { publicKey: dave.publicKey, balances: [[TOS_ASSET, 1_000_000n], [ASSET_A, MAX]] },
    { publicKey: frank.publicKey, balances: [[TOS_ASSET, 1_000_000n]], multisig: { threshold: 1, participants: [INVALID_POINT] } },
    { publicKey: INVALID_POINT, balances: [[TOS_ASSET, 1_000_000n]] },
    { publicKey: erin.publicKey, nonce: MAX, balances: [[TOS_ASSET, 1_000_000n]] },
  ],
  assets: [ASSET_A],
};
const STATE = createState(STATE_INIT);

function rejectionOf(bytes: Uint8Array, init: StateInit = STATE_INIT): { code: RejectionCode; rule: RuleId } | null {
  const result = applyTransaction(beginLedger('immediate', createState(init)), context(), bytes);
  return result.rejection === null ? null : { code: result.rejection.code, rule: result.rejection.rule };
}

/** A burn whose payload tag byte (offset 1 + 1 + 32 = 34, R7) is replaced. */
function withTag(tag: number): Uint8Array {
  const bytes = encode({ payload: burn(1n) });
  bytes[34] = tag;
  return bytes;
}

describe('every rejection names the rule whose check failed', () => {
  const extra126 = '00'.repeat(126); // 2 + 126 = 128: at the per-transfer limit
  const cases: readonly [string, Uint8Array, RejectionCode, RuleId][] = [
    ['a version byte of 2 (R18, decoded under R17)', encode({ version: 2, payload: burn(1n) }), 'InvalidFormat', 'R17'],
    ['payload tag 3', withTag(3), 'UnsupportedTransactionType', 'R9'],
    ['a fee of 0', encode({ fee: 0n, payload: burn(1n) }), 'InvalidTxFee', 'R19'],
    ['reference topoheight 10 in a block at 10', encode({ referenceTopoheight: 10n, payload: burn(1n) }), 'InvalidReferenceTopoheight', 'R20'],
    ['a source that does not exist', encode({ source: miner, payload: burn(1n) }), 'AccountNotFound', 'R21'],
    ['nonce 5 for an account at 0', encode({ nonce: 5n, payload: burn(1n) }), 'InvalidNonce', 'R21'],
    ['a transfer to the source', encode({ payload: pay(transfer(alice.publicKey, 1n)) }), 'SenderIsReceiver', 'R22'],
    ['127 bytes of extra data (2 + 127 > 128)', encode({ payload: pay(transfer(bob.publicKey, 1n, TOS_ASSET, '00'.repeat(127))) }), 'TransferExtraDataSize', 'R22'],
    [
      '33 transfers of 2 + 126 extra bytes (33 * 128 = 4224 > 4096)',
      encode({ payload: pay(...Array.from({ length: 33 }, () => transfer(bob.publicKey, 1n, TOS_ASSET, extra126))) }),
      'TransactionExtraDataSize',
      'R22',
    ],
    ['a burn of 0', encode({ payload: burn(0n) }), 'InvalidTransferAmount', 'R23'],
    ['a burn of 2^64 - 1 plus a fee', encode({ payload: burn(MAX) }), 'Overflow', 'R23'],
    ['threshold 2 with 1 participant', encode({ payload: { kind: 'multisig', threshold: 2, participants: [bob.publicKey] } }), 'MultiSigThreshold', 'R24'],
    ['the source among its participants', encode({ payload: { kind: 'multisig', threshold: 1, participants: [alice.publicKey] } }), 'MultiSigParticipants', 'R24'],
    ['a delete without a configuration', encode({ payload: { kind: 'multisig', threshold: 0, participants: [] } }), 'MultiSigNotConfigured', 'R24'],
    ['chain id 1 in a chain-0 block', encode({ chainId: 1, payload: burn(1n) }), 'InvalidChainId', 'R25'],
    ['a source key that is not a point', encode({ sourceKey: INVALID_POINT, payload: burn(1n) }), 'InvalidPublicKey', 'R26'],
    ["alice's transaction signed by bob", encode({ signer: bob, payload: burn(1n) }), 'InvalidSignature', 'R26'],
    ['a multisig field on an account without a configuration', encode({ payload: burn(1n), multisigSigners: [{ id: 0, key: bob }] }), 'MultiSigNotConfigured', 'R27'],
    ['no multisig field on a configured account', encode({ source: carol, payload: burn(1n) }), 'MultiSigNotFound', 'R27'],
    ['2 signatures for threshold 1', encode({ source: carol, payload: burn(1n), multisigSigners: [{ id: 0, key: dave }, { id: 1, key: bob }] }), 'MultiSigParticipants', 'R27'],
    ['signature id 1 of 1 participant', encode({ source: carol, payload: burn(1n), multisigSigners: [{ id: 1, key: dave }] }), 'MultiSigParticipants', 'R27'],
    ['a participant key that is not a point', encode({ source: frank, payload: burn(1n), multisigSigners: [{ id: 0, key: bob }] }), 'InvalidPublicKey', 'R27'],
    ["participant dave's slot signed by bob", encode({ source: carol, payload: burn(1n), multisigSigners: [{ id: 0, key: bob }] }), 'InvalidSignature', 'R27'],
    ['two ASSET_A transfers of 2^64 - 1 and 1', encode({ payload: pay(transfer(bob.publicKey, MAX, ASSET_A), transfer(bob.publicKey, 1n, ASSET_A)) }), 'Overflow', 'R28'],
    ['a burn of an unregistered asset', encode({ payload: burn(1n, ASSET_UNREGISTERED) }), 'AssetNotFound', 'R28'],
    ['bob burning ASSET_A, of which he has no record', encode({ source: bob, payload: burn(1n, ASSET_A) }), 'NoPreviousBalanceFound', 'R28'],
    ['alice burning 1,001 ASSET_A of 1,000', encode({ payload: burn(1_001n, ASSET_A) }), 'InsufficientFunds', 'R28'],
    ['a nonce at 2^64 - 1', encode({ source: erin, nonce: MAX, payload: burn(1n) }), 'Overflow', 'R29'],
    ['a credit of 1 ASSET_A to dave, who holds 2^64 - 1', encode({ payload: pay(transfer(dave.publicKey, 1n, ASSET_A)) }), 'Overflow', 'R29'],
  ];
  for (const [name, bytes, code, rule] of cases) {
    it(`${rule}: ${name} is ${code} (${rule})`, () => {
      expect(rejectionOf(bytes)).toEqual({ code, rule });
    });
  }

  it('R29: a TOS burn of 1 with the burned supply at 2^64 - 1 is Overflow (R29)', () => {
    expect(rejectionOf(encode({ payload: burn(1n) }), { ...STATE_INIT, burnedSupply: MAX })).toEqual({ code: 'Overflow', rule: 'R29' });
  });

  it('R32: a miner at 2^64 - 1 TOS and an accepted fee: BlockOverflow (R32)', () => {
    const state = createState({ accounts: [...(STATE_INIT.accounts ?? []), { publicKey: miner.publicKey, balances: [[TOS_ASSET, MAX]] }], assets: [ASSET_A] });
    const result = applyBlock(state, context(), [encode({ payload: burn(1n) })]);
    expect(result.ok ? null : { code: result.error.code, rule: result.error.rule }).toEqual({ code: 'BlockOverflow', rule: 'R32' });
  });

  it('R32: two accepted fees of 2^63 each: the fee total 2^64 exceeds u64, BlockOverflow (R32)', () => {
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, MAX]] }, { publicKey: bob.publicKey, balances: [[TOS_ASSET, MAX]] }] });
    const fee = 1n << 63n;
    const result = applyBlock(state, context(), [encode({ fee, payload: burn(1n) }), encode({ source: bob, fee, payload: burn(1n) })]);
    expect(result.ok ? null : { code: result.error.code, rule: result.error.rule }).toEqual({ code: 'BlockOverflow', rule: 'R32' });
  });

  it('sanity: the fixture accounts can transact (so each case above fails on its own check)', () => {
    expect(rejectionOf(encode({ payload: burn(1n) }))).toBeNull();
    expect(rejectionOf(encode({ source: carol, payload: burn(1n), multisigSigners: [{ id: 0, key: dave }] }))).toBeNull();
    expect(STATE.accounts.size).toBe(7);
  });
});

describe('R9 R17 payload tags', () => {
  it('R9: tags 3 and 7 are UnsupportedTransactionType; tags 8 and 255 are InvalidFormat', () => {
    const codeOf = (tag: number): string | undefined => {
      const result = decodeTransaction(withTag(tag));
      return result.ok ? undefined : result.rejection.code;
    };
    expect(codeOf(3)).toBe('UnsupportedTransactionType');
    expect(codeOf(7)).toBe('UnsupportedTransactionType');
    expect(codeOf(8)).toBe('InvalidFormat');
    expect(codeOf(255)).toBe('InvalidFormat');
  });
});

describe('R6 R7 the encoder refuses values that do not fit their fixed width', () => {
  const base: Transaction = build({ payload: burn(1n) });
  it('R6: u8 fields take 0..255, u64 fields 0..2^64 - 1; anything else is a RangeError', () => {
    expect(() => encodeTransaction({ ...base, chainId: 255 })).not.toThrow();
    expect(() => encodeTransaction({ ...base, chainId: 256 })).toThrow(RangeError);
    expect(() => encodeTransaction({ ...base, chainId: -1 })).toThrow(RangeError);
    expect(() => encodeTransaction({ ...base, fee: MAX as typeof base.fee })).not.toThrow();
    expect(() => encodeTransaction({ ...base, fee: (MAX + 1n) as typeof base.fee })).toThrow(RangeError);
    expect(() => encodeTransaction({ ...base, nonce: -1n as typeof base.nonce })).toThrow(RangeError);
  });

  it('R2 R7: keys, hashes and signatures must be lowercase hex of their exact length', () => {
    expect(() => encodeTransaction({ ...base, source: alice.publicKey.slice(2) })).toThrow(RangeError);
    expect(() => encodeTransaction({ ...base, source: `${alice.publicKey}00` })).toThrow(RangeError);
    expect(() => encodeTransaction({ ...base, source: alice.publicKey.toUpperCase() })).toThrow(RangeError);
    expect(() => encodeTransaction({ ...base, signature: base.signature.slice(2) })).toThrow(RangeError);
  });
});

describe('R1 R2 value checks', () => {
  it('R1: isU64 and toU64 accept exactly [0, 2^64 - 1]', () => {
    expect([isU64(-1n), isU64(0n), isU64(MAX), isU64(MAX + 1n)]).toEqual([false, true, true, false]);
    expect(() => toU64(-1n)).toThrow(RangeError);
    expect(() => toU64(MAX + 1n)).toThrow(RangeError);
    expect(toU64(MAX)).toBe(MAX);
  });

  it('R2: isHexOfLength wants exactly 2n lowercase hex digits', () => {
    expect(isHexOfLength('ab'.repeat(32), 32)).toBe(true);
    expect(isHexOfLength('AB'.repeat(32), 32)).toBe(false);
    expect(isHexOfLength(`g${'a'.repeat(63)}`, 32)).toBe(false);
    expect(isHexOfLength(`${'a'.repeat(63)}g`, 32)).toBe(false);
    expect(isHexOfLength('ab'.repeat(31), 32)).toBe(false);
    expect(isHexOfLength('ab'.repeat(33), 32)).toBe(false);
  });
});

describe('R3 a pre-state description is validated', () => {
  const key = (index: number): string => index.toString(16).padStart(64, '0');
  const bad: readonly [string, StateInit][] = [
    ['the same account twice', { accounts: [{ publicKey: alice.publicKey }, { publicKey: alice.publicKey }] }],
    ['two records of one asset', { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 1n], [TOS_ASSET, 2n]] }] }],
    ['a balance of 2^64', { accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, MAX + 1n]] }] }],
    ['a nonce of -1', { accounts: [{ publicKey: alice.publicKey, nonce: -1n }] }],
    ['a 31-byte key', { accounts: [{ publicKey: alice.publicKey.slice(2) }] }],
    ['an uppercase key', { accounts: [{ publicKey: alice.publicKey.toUpperCase() }] }],
    ['a balance asset id that is not hex', { accounts: [{ publicKey: alice.publicKey, balances: [['zz'.repeat(32), 1n]] }] }],
    ['a registered asset id of 31 bytes', { assets: ['aa'.repeat(31)] }],
    ['a burned supply of 2^64', { burnedSupply: MAX + 1n }],
    ['multisig threshold 0', { accounts: [{ publicKey: alice.publicKey, multisig: { threshold: 0, participants: [bob.publicKey] } }] }],
    ['multisig threshold 1.5', { accounts: [{ publicKey: alice.publicKey, multisig: { threshold: 1.5, participants: [bob.publicKey, carol.publicKey] } }] }],
    ['multisig threshold above the participants', { accounts: [{ publicKey: alice.publicKey, multisig: { threshold: 2, participants: [bob.publicKey] } }] }],
    ['256 participants', { accounts: [{ publicKey: alice.publicKey, multisig: { threshold: 1, participants: Array.from({ length: 256 }, (_, i) => key(i + 1)) } }] }],
    ['a participant that is not hex', { accounts: [{ publicKey: alice.publicKey, multisig: { threshold: 1, participants: ['xy'.repeat(32)] } }] }],
    ['a repeated participant', { accounts: [{ publicKey: alice.publicKey, multisig: { threshold: 1, participants: [bob.publicKey, bob.publicKey] } }] }],
    ['the owner as participant', { accounts: [{ publicKey: alice.publicKey, multisig: { threshold: 1, participants: [alice.publicKey] } }] }],
  ];
  for (const [name, init] of bad) {
    it(`R3: ${name} is an InvalidStateError`, () => {
      let thrown: unknown;
      try {
        createState(init);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidStateError);
      expect((thrown as Error).name).toBe('InvalidStateError');
    });
  }

  it('R3: the boundaries are accepted: 255 participants with threshold 255, balances and nonce 2^64 - 1', () => {
    const participants = Array.from({ length: 255 }, (_, i) => key(i + 1));
    const state = createState({ accounts: [{ publicKey: alice.publicKey, nonce: MAX, balances: [[TOS_ASSET, MAX]], multisig: { threshold: 255, participants } }], burnedSupply: MAX });
    expect(state.accounts.get(alice.publicKey)?.multisig?.participants.length).toBe(255);
  });

  it('R1 R3: stateFromJson reads canonical decimal strings only', () => {
    const json = stateToJson(createState({ accounts: [{ publicKey: alice.publicKey, nonce: 3n, balances: [[TOS_ASSET, 10n]] }] }));
    expect(stateFromJson(json).accounts.get(alice.publicKey)?.nonce).toBe(3n);
    expect(stateFromJson({ ...json, burnedSupply: '0' }).burnedSupply).toBe(0n);
    for (const text of ['01', '-1', '1.0', ' 1', '1 ', '', 'x1', '1x', '0x10']) {
      expect(() => stateFromJson({ ...json, burnedSupply: text }), text).toThrow(InvalidStateError);
    }
    expect(() => stateFromJson({ ...json, burnedSupply: 5 as unknown as string })).toThrow(InvalidStateError);
  });
});

describe('R10 R14 signature scalars', () => {
  it('R10 R14: verifySignature refuses s + L, though (s + L) * H = s * H', () => {
    const message = new TextEncoder().encode('message');
    const signature = signDeterministic(alice.secret, message);
    const key = decodePublicKey(alice.publicKey)!;
    expect(verifySignature(key, message, signature)).toBe(true);
    const bytes = Uint8Array.from(Buffer.from(signature, 'hex'));
    const s = readLittleEndian(bytes.subarray(0, 32));
    const shifted = Buffer.from(encodeScalar(s + GROUP_ORDER)).toString('hex') + signature.slice(64);
    expect(verifySignature(key, message, shifted)).toBe(false);
  });

  it('R10 R14: a scalar equal to L, or e + L, is refused with false (not an exception)', () => {
    const message = new TextEncoder().encode('message');
    const signature = signDeterministic(alice.secret, message);
    const key = decodePublicKey(alice.publicKey)!;
    const hex = (scalar: bigint): string => Buffer.from(encodeScalar(scalar)).toString('hex');
    const e = readLittleEndian(Uint8Array.from(Buffer.from(signature.slice(64), 'hex')));
    expect(verifySignature(key, message, hex(GROUP_ORDER) + signature.slice(64))).toBe(false);
    expect(verifySignature(key, message, signature.slice(0, 64) + hex(GROUP_ORDER))).toBe(false);
    expect(verifySignature(key, message, signature.slice(0, 64) + hex(e + GROUP_ORDER))).toBe(false);
  });
});

describe('errors', () => {
  it('SpecInvariantError is named for what it is', () => {
    const error = new SpecInvariantError('broken');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SpecInvariantError');
    expect(error.message).toBe('broken');
  });
});
