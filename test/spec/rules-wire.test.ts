/**
 * R1, R2, R6-R11, R17, R18: the T1 wire format, decoding and encoding.
 *
 * Every byte array here is assembled field by field by the helpers below, independently of
 * spec/codec.ts, and every expected value is worked out by hand from the rules brief. The
 * offsets of a burn transaction, used throughout (R7, R8):
 *
 * | field | offset | size |
 * | --- | --- | --- |
 * | version | 0 | 1 |
 * | chainId | 1 | 1 |
 * | source | 2 | 32 |
 * | tag | 34 | 1 |
 * | burn asset | 35 | 32 |
 * | burn amount | 67 | 8 |
 * | fee | 75 | 8 |
 * | feeType | 83 | 1 |
 * | nonce | 84 | 8 |
 * | reference hash | 92 | 32 |
 * | reference topoheight | 124 | 8 |
 * | multisig option | 132 | 1 |
 * | signature | 133 | 64 |
 *
 * total = 1+1+32+1+32+8 +8+1+8+32+8 +1 +64 = 197 bytes.
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { describe, expect, it } from 'vitest';
import {
  applyBlock,
  applyTransaction,
  beginLedger,
  bytesToHex,
  createState,
  decodeTransaction,
  decodeTransactionFields,
  encodeSigningBytes,
  encodeTransaction,
  EMPTY_STATE,
  getAccount,
  TOS_ASSET,
  toU64,
  type DecodeResult,
  type DecodedTransaction,
  type Transaction,
} from '../../spec/index.ts';
import { alice, bob, build, carol, context, encode, MAX, transfer } from '../support/fixtures.ts';

// ---------------------------------------------------------------------------------------
// Hand-built bytes (R6: fixed-width big-endian integers, Option = 0/1 byte then value)
// ---------------------------------------------------------------------------------------

const u8 = (value: number): Uint8Array => Uint8Array.of(value);
const u16 = (value: number): Uint8Array => Uint8Array.of((value >> 8) & 0xff, value & 0xff);
function u64(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  let rest = value;
  for (let index = 7; index >= 0; index--) {
    out[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
const fill = (length: number, byte: number): Uint8Array => new Uint8Array(length).fill(byte);
function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
/** A 32-byte little-endian scalar (R10). */
function scalarLE(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let rest = value;
  for (let index = 0; index < 32; index++) {
    out[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** The group order L = 2^252 + 27742317777372353535851937790883648493 (R10). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
// L in hex is 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed, so its
// 32 little-endian bytes are written out here by hand:
const L_LE_HEX = 'edd3f55c1a631258d69cf7a2def9de14' + '00'.repeat(15) + '10';

// Distinct fill bytes so every decoded field can be told apart.
const SOURCE = fill(32, 0x11);
const ASSET = fill(32, 0x22);
const REF_HASH = fill(32, 0x33);
const DEST = fill(32, 0x44);
/** A canonical signature: s = 5, e = 7 (both far below L). */
const SIG = cat(scalarLE(5n), scalarLE(7n));
const SIG_HEX = '05' + '00'.repeat(31) + '07' + '00'.repeat(31);

const burnBody = (asset: Uint8Array = ASSET, amount: bigint = 1000n): Uint8Array => cat(u8(0), asset, u64(amount));

interface RawTransfer {
  asset?: Uint8Array;
  destination?: Uint8Array;
  amount?: bigint;
  /** `null`: option byte 0; otherwise option 1, u16 length, bytes. */
  extra?: Uint8Array | null;
  /** Override the option byte (R6 tests). */
  option?: number;
  /** Override the extra-data length prefix. */
  extraLength?: number;
}
function transferBytes(t: RawTransfer): Uint8Array {
  const extra = t.extra ?? null;
  const head = cat(t.asset ?? ASSET, t.destination ?? DEST, u64(t.amount ?? 1n));
  if (extra === null) return cat(head, u8(t.option ?? 0));
  return cat(head, u8(t.option ?? 1), u16(t.extraLength ?? extra.length), extra);
}
const transfersBody = (transfers: readonly RawTransfer[], count: number = transfers.length): Uint8Array =>
  cat(u8(1), u16(count), ...transfers.map(transferBytes));

function multisigBody(threshold: number, participants: readonly Uint8Array[], count: number = participants.length): Uint8Array {
  if (threshold === 0) return cat(u8(2), u8(0));
  return cat(u8(2), u8(threshold), u8(count), ...participants);
}

/** A multisig field: option 1, count, then (id, signature) pairs. */
function multisigField(signatures: readonly { id: number; sig?: Uint8Array }[], count: number = signatures.length): Uint8Array {
  return cat(u8(1), u8(count), ...signatures.map(({ id, sig }) => cat(u8(id), sig ?? SIG)));
}

interface RawTx {
  version?: number;
  chainId?: number;
  source?: Uint8Array;
  payload?: Uint8Array;
  fee?: bigint;
  feeType?: number;
  nonce?: bigint;
  refHash?: Uint8Array;
  refTopoheight?: bigint;
  /** The whole multisig field including its option byte; default: the single byte 0. */
  multisig?: Uint8Array;
  signature?: Uint8Array;
}

/** The signing part (R11): version .. reference. */
function signingPart(t: RawTx): Uint8Array {
  return cat(
    u8(t.version ?? 1),
    u8(t.chainId ?? 0),
    t.source ?? SOURCE,
    t.payload ?? burnBody(),
    u64(t.fee ?? 10_000n),
    u8(t.feeType ?? 0),
    u64(t.nonce ?? 3n),
    t.refHash ?? REF_HASH,
    u64(t.refTopoheight ?? 9n),
  );
}
function rawTx(t: RawTx = {}): Uint8Array {
  return cat(signingPart(t), t.multisig ?? u8(0), t.signature ?? SIG);
}

function expectOk(result: DecodeResult): DecodedTransaction {
  if (!result.ok) throw new Error(`expected a decoded transaction, got ${result.rejection.code}: ${result.rejection.detail}`);
  return result.value;
}
function expectReject(bytes: Uint8Array, code: 'InvalidFormat' | 'UnsupportedTransactionType', detail?: RegExp): void {
  const result = decodeTransaction(bytes);
  if (result.ok) throw new Error(`expected ${code}, but the bytes decoded`);
  expect(result.rejection.code).toBe(code);
  if (detail) expect(result.rejection.detail).toMatch(detail);
}

// ---------------------------------------------------------------------------------------

describe('R7 R8 R6 R1 R2: a hand-built burn decodes field by field', () => {
  it('R7 R8: burn is 197 bytes and every field lands where the layout says', () => {
    const bytes = rawTx();
    // 1+1+32+1+32+8 +8+1+8+32+8 +1 +64 = 197
    expect(bytes.length).toBe(197);
    const { transaction } = expectOk(decodeTransaction(bytes));
    const expected: Transaction = {
      version: 1,
      chainId: 0,
      source: '11'.repeat(32),
      payload: { kind: 'burn', asset: '22'.repeat(32), amount: toU64(1000n) },
      fee: toU64(10_000n),
      feeType: 0,
      nonce: toU64(3n),
      reference: { hash: '33'.repeat(32), topoheight: toU64(9n) },
      multisig: null,
      signature: SIG_HEX,
    };
    expect(transaction).toEqual(expected);
  });

  it('R7: the chain id byte is read as is (offset 1)', () => {
    const bytes = rawTx({ chainId: 0xab });
    expect(bytes[1]).toBe(0xab);
    expect(expectOk(decodeTransaction(bytes)).transaction.chainId).toBe(0xab);
  });

  it('R1 R6: u64 fields are big-endian; 0x0102030405060708 decodes to 72623859790382856', () => {
    // 0x0102030405060708 = 1*2^56 + 2*2^48 + 3*2^40 + 4*2^32 + 5*2^24 + 6*2^16 + 7*2^8 + 8
    const value = 72057594037927936n + 2n * 281474976710656n + 3n * 1099511627776n + 4n * 4294967296n + 5n * 16777216n + 6n * 65536n + 7n * 256n + 8n;
    expect(value).toBe(72623859790382856n);
    const bytes = rawTx({ fee: value });
    expect(hex(bytes.subarray(75, 83))).toBe('0102030405060708');
    expect(expectOk(decodeTransaction(bytes)).transaction.fee).toBe(72623859790382856n);
  });

  it('R1: the extreme u64 values 0 and 2^64-1 decode exactly (no wrap, no clamp)', () => {
    const bytes = rawTx({ payload: burnBody(ASSET, MAX), fee: 0n, nonce: MAX, refTopoheight: MAX });
    expect(hex(bytes.subarray(67, 75))).toBe('ff'.repeat(8));
    const { transaction } = expectOk(decodeTransaction(bytes));
    expect(transaction.payload).toEqual({ kind: 'burn', asset: '22'.repeat(32), amount: 18446744073709551615n });
    expect(transaction.fee).toBe(0n);
    expect(transaction.nonce).toBe(18446744073709551615n);
    expect(transaction.reference.topoheight).toBe(18446744073709551615n);
  });

  it('R1: a burn of 2^64-1 plus any fee is an Overflow, never a wrap', () => {
    // amount 2^64-1 + fee 10000 > 2^64-1: the per-asset TOS total leaves the u64 range.
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, MAX]] }] });
    const bytes = encode({ payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(MAX) }, fee: 10_000n });
    const result = applyBlock(state, context(), [bytes]);
    if (!result.ok) throw new Error('block refused');
    expect(result.receipts[0]?.error).toBe('Overflow');
  });

  it('R2: the TOS asset is 32 zero bytes', () => {
    expect(TOS_ASSET).toBe('00'.repeat(32));
    const { transaction } = expectOk(decodeTransaction(rawTx({ payload: burnBody(fill(32, 0)) })));
    expect(transaction.payload).toEqual({ kind: 'burn', asset: TOS_ASSET, amount: 1000n });
  });

  it('R2 R8: keys are not validated at decode: ff..ff (not a Ristretto point) as source, destination and participant', () => {
    const ff = fill(32, 0xff);
    expect(expectOk(decodeTransaction(rawTx({ source: ff }))).transaction.source).toBe('ff'.repeat(32));
    const t = expectOk(decodeTransaction(rawTx({ payload: transfersBody([{ destination: ff }]) }))).transaction;
    expect(t.payload.kind === 'transfers' && t.payload.transfers[0]?.destination).toBe('ff'.repeat(32));
    const m = expectOk(decodeTransaction(rawTx({ payload: multisigBody(1, [ff]) }))).transaction;
    expect(m.payload).toEqual({ kind: 'multisig', threshold: 1, participants: ['ff'.repeat(32)] });
  });
});

describe('R8: payload bodies', () => {
  it('R8: a one-transfer tx without extra data is 232 bytes and decodes', () => {
    // 1+1+32 + 1 (tag) + 2 (count) + (32+32+8+1) + 8+1+8+32+8 + 1 + 64 = 232
    const bytes = rawTx({ payload: transfersBody([{ amount: 77n }]) });
    expect(bytes.length).toBe(232);
    const { transaction } = expectOk(decodeTransaction(bytes));
    expect(transaction.payload).toEqual({
      kind: 'transfers',
      transfers: [{ asset: '22'.repeat(32), destination: '44'.repeat(32), amount: 77n, extraData: null }],
    });
  });

  it('R8: extra data present: option 1, u16 length, raw bytes; an empty one decodes as empty hex', () => {
    const bytes = rawTx({
      payload: transfersBody([{ extra: Uint8Array.of(0xde, 0xad, 0xbe) }, { extra: new Uint8Array(0) }, {}]),
    });
    // 232 + 2*73 (two more transfers) + (2+3) + (2+0) = 385
    expect(bytes.length).toBe(385);
    const { transaction } = expectOk(decodeTransaction(bytes));
    if (transaction.payload.kind !== 'transfers') throw new Error('not transfers');
    expect(transaction.payload.transfers.map((t) => t.extraData)).toEqual(['deadbe', '', null]);
  });

  it('R8: transfer count 500 decodes', () => {
    const transfers = Array.from({ length: 500 }, (_, i) => ({ amount: BigInt(i) }));
    const bytes = rawTx({ payload: transfersBody(transfers) });
    // 159 + 500*73 = 36659 (159 = bytes of a Transfers tx around its transfers: 35+2+8+1+8+40+1+64)
    expect(bytes.length).toBe(36_659);
    const { transaction } = expectOk(decodeTransaction(bytes));
    expect(transaction.payload.kind === 'transfers' && transaction.payload.transfers.length).toBe(500);
    expect(transaction.payload.kind === 'transfers' && transaction.payload.transfers[499]?.amount).toBe(499n);
  });

  it('R8 R9: transfer count 0 and 501 are InvalidFormat', () => {
    expectReject(rawTx({ payload: transfersBody([]) }), 'InvalidFormat', /count/);
    const transfers = Array.from({ length: 501 }, () => ({}));
    expectReject(rawTx({ payload: transfersBody(transfers) }), 'InvalidFormat', /count/);
  });

  it('R8: extra data of 127, 128 and 1024 raw bytes decodes (too big only later, R22)', () => {
    for (const size of [127, 128, 1024]) {
      const bytes = rawTx({ payload: transfersBody([{ extra: fill(size, 0x5a) }]) });
      // 232 + 2 (length) + size
      expect(bytes.length).toBe(234 + size);
      const { transaction } = expectOk(decodeTransaction(bytes));
      expect(transaction.payload.kind === 'transfers' && transaction.payload.transfers[0]?.extraData).toBe('5a'.repeat(size));
    }
  });

  it('R8 R9: extra data of 1025 raw bytes is InvalidFormat', () => {
    expectReject(rawTx({ payload: transfersBody([{ extra: fill(1025, 0x5a) }]) }), 'InvalidFormat', /extra data/);
    // Also with the length prefix 1025 (0x0401) and nothing after it: the length check wins over truncation.
    // version, chainId, source, tag 1, count 1, asset+destination+amount (72), option 1, length 1025
    const header = cat(u8(1), u8(0), SOURCE, u8(1), u16(1));
    expectReject(cat(header, transferBytes({}).subarray(0, 72), u8(1), u16(1025)), 'InvalidFormat', /1025/);
  });

  it('R8: MultiSig setup: threshold, count, participants in order', () => {
    const p0 = fill(32, 0xa0);
    const p1 = fill(32, 0xa1);
    const bytes = rawTx({ payload: multisigBody(2, [p1, p0]) });
    // 1+1+32 + 1+1+1+2*32 + 8+1+8+40 + 1+64 = 223
    expect(bytes.length).toBe(223);
    expect(expectOk(decodeTransaction(bytes)).transaction.payload).toEqual({
      kind: 'multisig',
      threshold: 2,
      participants: ['a1'.repeat(32), 'a0'.repeat(32)],
    });
  });

  it('R8: MultiSig delete: threshold 0 has no count byte (158 bytes)', () => {
    const bytes = rawTx({ payload: multisigBody(0, []) });
    // 1+1+32 + 1+1 + 8+1+8+40 + 1+64 = 158
    expect(bytes.length).toBe(158);
    expect(expectOk(decodeTransaction(bytes)).transaction.payload).toEqual({ kind: 'multisig', threshold: 0, participants: [] });
  });

  it('R8: a threshold above the participant count still decodes (checked later, R24)', () => {
    const bytes = rawTx({ payload: multisigBody(3, [fill(32, 0xa0)]) });
    expect(expectOk(decodeTransaction(bytes)).transaction.payload).toEqual({
      kind: 'multisig',
      threshold: 3,
      participants: ['a0'.repeat(32)],
    });
  });

  it('R8 R9: threshold non-zero with participant count 0 is InvalidFormat', () => {
    expectReject(rawTx({ payload: multisigBody(1, [], 0) }), 'InvalidFormat', /count/);
  });

  it('R8 R9: duplicate multisig participants are InvalidFormat', () => {
    const p = fill(32, 0xa0);
    expectReject(rawTx({ payload: multisigBody(2, [p, fill(32, 0xa1), p]) }), 'InvalidFormat', /duplicate/);
  });
});

describe('R7 R9 R10: the multisig field and signatures', () => {
  it('R7: a present multisig field may hold zero signatures (198 bytes)', () => {
    const bytes = rawTx({ multisig: Uint8Array.of(1, 0) });
    // 197 + 1 (count byte) = 198
    expect(bytes.length).toBe(198);
    expect(expectOk(decodeTransaction(bytes)).transaction.multisig).toEqual([]);
  });

  it('R7: multisig signatures decode in wire order with their ids (not required ascending)', () => {
    const sigA = cat(scalarLE(1n), scalarLE(2n));
    const sigB = cat(scalarLE(3n), scalarLE(4n));
    const bytes = rawTx({ multisig: multisigField([{ id: 4, sig: sigA }, { id: 1, sig: sigB }]) });
    // 197 + 1 (count) + 2*(1+64) = 328
    expect(bytes.length).toBe(328);
    expect(expectOk(decodeTransaction(bytes)).transaction.multisig).toEqual([
      { id: 4, signature: '01' + '00'.repeat(31) + '02' + '00'.repeat(31) },
      { id: 1, signature: '03' + '00'.repeat(31) + '04' + '00'.repeat(31) },
    ]);
  });

  it('R9: duplicate multisig signature ids are InvalidFormat', () => {
    expectReject(rawTx({ multisig: multisigField([{ id: 2 }, { id: 0 }, { id: 2 }]) }), 'InvalidFormat', /duplicate/);
  });

  it('R10: the hand-written little-endian L is the group order', () => {
    let value = 0n;
    const bytes = Uint8Array.from(L_LE_HEX.match(/../g)!.map((b) => parseInt(b, 16)));
    for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
    expect(value).toBe(L);
    expect(hex(scalarLE(L))).toBe(L_LE_HEX);
  });

  it('R10: owner signature with s = L or e = L is InvalidFormat; s = L-1 and e = L-1 decode', () => {
    expectReject(rawTx({ signature: cat(scalarLE(L), scalarLE(7n)) }), 'InvalidFormat', /canonical/);
    expectReject(rawTx({ signature: cat(scalarLE(5n), scalarLE(L)) }), 'InvalidFormat', /canonical/);
    expectReject(rawTx({ signature: cat(fill(32, 0xff), scalarLE(7n)) }), 'InvalidFormat');
    // s = L-1: the first byte is 0xed - 1 = 0xec, the rest as L.
    const sLminus1 = scalarLE(L - 1n);
    expect(sLminus1[0]).toBe(0xec);
    const ok = expectOk(decodeTransaction(rawTx({ signature: cat(sLminus1, scalarLE(L - 1n)) })));
    expect(ok.transaction.signature).toBe('ec' + L_LE_HEX.slice(2) + 'ec' + L_LE_HEX.slice(2));
  });

  it('R10: a multisig participant signature with a non-canonical scalar is InvalidFormat', () => {
    expectReject(rawTx({ multisig: multisigField([{ id: 0, sig: cat(scalarLE(L), scalarLE(1n)) }]) }), 'InvalidFormat');
    expectReject(rawTx({ multisig: multisigField([{ id: 0, sig: cat(scalarLE(1n), scalarLE(L + 1n)) }]) }), 'InvalidFormat');
    expectOk(decodeTransaction(rawTx({ multisig: multisigField([{ id: 0, sig: cat(scalarLE(L - 1n), scalarLE(0n)) }]) })));
  });

  it('R10: signature bytes are s then e, little-endian (s = 0x0102 -> bytes 02 01)', () => {
    const bytes = rawTx({ signature: cat(scalarLE(0x0102n), scalarLE(0n)) });
    expect(bytes[133]).toBe(0x02);
    expect(bytes[134]).toBe(0x01);
    expect(expectOk(decodeTransaction(bytes)).transaction.signature).toBe('0201' + '00'.repeat(62));
  });
});

describe('R6: Option bytes are exactly 0 or 1', () => {
  it('R6: extra data option byte 2 is InvalidFormat', () => {
    expectReject(rawTx({ payload: transfersBody([{ option: 2 }]) }), 'InvalidFormat', /option/);
    expectReject(rawTx({ payload: transfersBody([{ extra: fill(3, 1), option: 2 }]) }), 'InvalidFormat', /option/);
  });

  it('R6: multisig field option byte 2 (and 255) is InvalidFormat', () => {
    // Same length as a valid absent field: byte 132 = 2 instead of 0.
    const bytes = rawTx();
    bytes[132] = 2;
    expectReject(bytes, 'InvalidFormat', /option/);
    bytes[132] = 255;
    expectReject(bytes, 'InvalidFormat', /option/);
    expectReject(rawTx({ multisig: Uint8Array.of(2, 0) }), 'InvalidFormat', /option/);
  });
});

describe('R9 R18: tags, fee types and versions', () => {
  it('R18: version 0 and 2 are InvalidFormat', () => {
    expectReject(rawTx({ version: 0 }), 'InvalidFormat', /version/);
    expectReject(rawTx({ version: 2 }), 'InvalidFormat', /version/);
    expectReject(rawTx({ version: 255 }), 'InvalidFormat', /version/);
  });

  it('R9: tags 3, 4, 5, 6, 7 are UnsupportedTransactionType', () => {
    for (const tag of [3, 4, 5, 6, 7]) {
      const bytes = rawTx();
      bytes[34] = tag;
      expectReject(bytes, 'UnsupportedTransactionType');
    }
  });

  it('R9: tags 8 and 255 are InvalidFormat', () => {
    for (const tag of [8, 255]) {
      const bytes = rawTx();
      bytes[34] = tag;
      expectReject(bytes, 'InvalidFormat', /tag/);
    }
  });

  it('R9: fee type 1 and 2 are InvalidFormat; 0 decodes', () => {
    expectReject(rawTx({ feeType: 1 }), 'InvalidFormat', /fee type/);
    expectReject(rawTx({ feeType: 2 }), 'InvalidFormat', /fee type/);
    expect(expectOk(decodeTransaction(rawTx({ feeType: 0 }))).transaction.feeType).toBe(0);
  });

  it('R9: a trailing byte is InvalidFormat', () => {
    expectReject(cat(rawTx(), u8(0)), 'InvalidFormat', /trailing/);
    expectReject(cat(rawTx({ payload: multisigBody(0, []) }), fill(5, 0)), 'InvalidFormat', /trailing/);
  });
});

describe('R9 R17: truncation inside each field group', () => {
  it('R17: empty input is InvalidFormat', () => {
    expectReject(new Uint8Array(0), 'InvalidFormat');
  });

  it('R9: every strict prefix of a burn (0..196 bytes) is InvalidFormat', () => {
    const bytes = rawTx();
    for (let length = 0; length < 197; length++) {
      const result = decodeTransaction(bytes.subarray(0, length));
      expect(result.ok, `prefix of ${length} bytes`).toBe(false);
      if (!result.ok) expect(result.rejection.code).toBe('InvalidFormat');
    }
  });

  it('R9: truncation inside each burn field group is InvalidFormat', () => {
    const bytes = rawTx();
    // [length kept, field it falls in] worked out from the offset table at the top.
    const cuts: [number, string][] = [
      [1, 'chain id'], // offset 1
      [20, 'source'], // inside 2..33
      [34, 'payload tag'], // offset 34
      [50, 'burn asset'], // inside 35..66
      [70, 'burn amount'], // inside 67..74
      [79, 'fee'], // inside 75..82
      [83, 'fee type'], // offset 83
      [88, 'nonce'], // inside 84..91
      [100, 'reference hash'], // inside 92..123
      [130, 'reference topoheight'], // inside 124..131
      [132, 'multisig field'], // offset 132
      [133, 'signature'], // signature at 133..196
      [196, 'signature'], // one byte short
    ];
    for (const [length, field] of cuts) {
      expectReject(bytes.subarray(0, length), 'InvalidFormat', new RegExp(`truncated: ${field}`));
    }
  });

  it('R9: truncation inside the transfers body is InvalidFormat', () => {
    const bytes = rawTx({ payload: transfersBody([{ extra: fill(10, 7) }]) });
    // tag at 34, count 35..36, asset 37..68, destination 69..100, amount 101..108,
    // option 109, length 110..111, extra bytes 112..121
    const cuts: [number, string][] = [
      [36, 'transfer count'],
      [40, 'transfer 0 asset'],
      [80, 'transfer 0 destination'],
      [105, 'transfer 0 amount'],
      [109, 'transfer 0 extra data'],
      [111, 'transfer 0 extra data length'],
      [116, 'transfer 0 extra data'],
    ];
    for (const [length, field] of cuts) {
      expectReject(bytes.subarray(0, length), 'InvalidFormat', new RegExp(`truncated: ${field}`));
    }
  });

  it('R9: truncation inside the MultiSig payload is InvalidFormat', () => {
    const bytes = rawTx({ payload: multisigBody(2, [fill(32, 0xa0), fill(32, 0xa1)]) });
    // tag 34, threshold 35, count 36, participant 0 at 37..68, participant 1 at 69..100
    expectReject(bytes.subarray(0, 35), 'InvalidFormat', /truncated: multisig threshold/);
    expectReject(bytes.subarray(0, 36), 'InvalidFormat', /truncated: multisig participant count/);
    expectReject(bytes.subarray(0, 50), 'InvalidFormat', /truncated: multisig participant 0/);
    expectReject(bytes.subarray(0, 90), 'InvalidFormat', /truncated: multisig participant 1/);
  });

  it('R9: truncation inside the multisig field is InvalidFormat', () => {
    const bytes = rawTx({ multisig: multisigField([{ id: 0 }, { id: 1 }]) });
    // option 132, count 133, id 134, sig 135..198, id 199, sig 200..263, owner sig 264..327
    expectReject(bytes.subarray(0, 133), 'InvalidFormat', /truncated: multisig signature count/);
    expectReject(bytes.subarray(0, 134), 'InvalidFormat', /truncated: multisig signature 0 id/);
    expectReject(bytes.subarray(0, 150), 'InvalidFormat', /truncated: multisig signature 0/);
    expectReject(bytes.subarray(0, 199), 'InvalidFormat', /truncated: multisig signature 1 id/);
    expectReject(bytes.subarray(0, 270), 'InvalidFormat', /truncated: signature/);
    // A count promising 3 signatures when 2 follow, then the owner signature: the owner
    // signature bytes are read as signature 2 (id 0x05 is the first byte of SIG), and the
    // owner signature is missing.
    const short = rawTx({ multisig: multisigField([{ id: 0 }, { id: 1 }], 3) });
    expectReject(short, 'InvalidFormat');
  });
});

describe('R8 R17: first problem wins', () => {
  it('R8 R18: bad version and trailing bytes reports the version', () => {
    expectReject(cat(rawTx({ version: 2 }), fill(3, 9)), 'InvalidFormat', /version/);
  });

  it('R8 R9: tag 3 on a truncated tx is UnsupportedTransactionType (the tag hides the rest)', () => {
    // Only version, chainId, source, tag: 35 bytes.
    expectReject(cat(u8(1), u8(0), SOURCE, u8(3)), 'UnsupportedTransactionType');
    // tag 7 followed by garbage, a bad fee type and trailing bytes
    const bytes = rawTx({ feeType: 9 });
    bytes[34] = 7;
    expectReject(cat(bytes, fill(10, 0xee)), 'UnsupportedTransactionType');
  });

  it('R8 R18: a bad version hides an unsupported tag', () => {
    const bytes = rawTx({ version: 0 });
    bytes[34] = 3;
    expectReject(bytes, 'InvalidFormat', /version/);
  });

  it('R8: transfer count 0 with a bad fee type reports the count', () => {
    expectReject(rawTx({ payload: transfersBody([]), feeType: 2 }), 'InvalidFormat', /count/);
  });

  it('R8: bad fee type and non-canonical signature reports the fee type', () => {
    expectReject(rawTx({ feeType: 1, signature: fill(64, 0xff) }), 'InvalidFormat', /fee type/);
  });

  it('R8: option byte 2 in the multisig field with a truncated rest reports the option', () => {
    expectReject(cat(signingPart({}), u8(2)), 'InvalidFormat', /option/);
  });

  it('R8: non-canonical owner signature with trailing bytes reports the signature', () => {
    expectReject(cat(rawTx({ signature: cat(scalarLE(L), scalarLE(0n)) }), u8(0)), 'InvalidFormat', /canonical/);
  });
});

describe('R11: hash and signing bytes', () => {
  it('R11: the hash is BLAKE3 of the full encoding', () => {
    for (const bytes of [rawTx(), rawTx({ payload: transfersBody([{ extra: fill(9, 1) }]), multisig: multisigField([{ id: 0 }]) })]) {
      const decoded = expectOk(decodeTransaction(bytes));
      expect(decoded.hash).toBe(hex(blake3(bytes)));
      expect(decoded.bytes).toEqual(bytes);
    }
  });

  it('R11: signing bytes of a burn are the first 197 - 1 - 64 = 132 bytes (through reference)', () => {
    const bytes = rawTx();
    const decoded = expectOk(decodeTransaction(bytes));
    expect(decoded.signingBytes.length).toBe(132);
    expect(decoded.signingBytes).toEqual(signingPart({}));
    expect(decoded.signingBytes).toEqual(bytes.subarray(0, 132));
  });

  it('R11: the multisig field is not in the signing bytes; reordering signatures changes the hash', () => {
    const a = rawTx({ multisig: multisigField([{ id: 0 }, { id: 1 }]) });
    const b = rawTx({ multisig: multisigField([{ id: 1 }, { id: 0 }]) });
    const da = expectOk(decodeTransaction(a));
    const db = expectOk(decodeTransaction(b));
    expect(da.signingBytes).toEqual(db.signingBytes);
    expect(da.signingBytes.length).toBe(132);
    expect(da.hash).not.toBe(db.hash);
  });

  it('R11: signing bytes of a one-transfer tx are 232 - 1 - 64 = 167 bytes', () => {
    expect(expectOk(decodeTransaction(rawTx({ payload: transfersBody([{}]) }))).signingBytes.length).toBe(167);
  });
});

describe('R7 R8 R6: encoding matches the hand-built bytes', () => {
  const burnTx: Transaction = {
    version: 1,
    chainId: 0,
    source: '11'.repeat(32),
    payload: { kind: 'burn', asset: '22'.repeat(32), amount: toU64(1000n) },
    fee: toU64(10_000n),
    feeType: 0,
    nonce: toU64(3n),
    reference: { hash: '33'.repeat(32), topoheight: toU64(9n) },
    multisig: null,
    signature: SIG_HEX,
  };

  it('R7: encodeTransaction of a burn equals the hand-built 197 bytes', () => {
    expect(hex(encodeTransaction(burnTx))).toBe(hex(rawTx()));
    expect(hex(encodeSigningBytes(burnTx))).toBe(hex(signingPart({})));
  });

  it('R8: encodeTransaction of transfers (with and without extra data) equals the hand-built bytes', () => {
    const tx: Transaction = {
      ...burnTx,
      payload: {
        kind: 'transfers',
        transfers: [
          { asset: '22'.repeat(32), destination: '44'.repeat(32), amount: toU64(1n), extraData: 'cafe' },
          { asset: '22'.repeat(32), destination: '44'.repeat(32), amount: toU64(1n), extraData: null },
        ],
      },
    };
    expect(hex(encodeTransaction(tx))).toBe(hex(rawTx({ payload: transfersBody([{ extra: Uint8Array.of(0xca, 0xfe) }, {}]) })));
  });

  it('R8 R7: encodeTransaction of MultiSig payloads and a multisig field equals the hand-built bytes', () => {
    const setup: Transaction = {
      ...burnTx,
      payload: { kind: 'multisig', threshold: 1, participants: ['a0'.repeat(32), 'a1'.repeat(32)] },
      multisig: [{ id: 3, signature: SIG_HEX }],
    };
    expect(hex(encodeTransaction(setup))).toBe(
      hex(rawTx({ payload: multisigBody(1, [fill(32, 0xa0), fill(32, 0xa1)]), multisig: multisigField([{ id: 3 }]) })),
    );
    const del: Transaction = { ...burnTx, payload: { kind: 'multisig', threshold: 0, participants: [] }, multisig: [] };
    expect(hex(encodeTransaction(del))).toBe(hex(rawTx({ payload: multisigBody(0, []), multisig: Uint8Array.of(1, 0) })));
  });

  it('R7: decode(encode(tx)) gives back tx for fixture-built transactions', () => {
    const txs = [
      build({ payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(5n) } }),
      build({ payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 3n, TOS_ASSET, '00ff'), transfer(carol.publicKey, 0n)] } }),
      build({
        payload: { kind: 'multisig', threshold: 1, participants: [bob.publicKey] },
        multisigSigners: [{ id: 0, key: bob }],
      }),
    ];
    for (const tx of txs) {
      expect(expectOk(decodeTransaction(encodeTransaction(tx))).transaction).toEqual(tx);
    }
  });
});

describe('R17: decoding is the first check', () => {
  it('R17: an undecodable tx gets a receipt with no hash, InvalidFormat, fee 0, and no effect', () => {
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 100_000n]] }] });
    const ledger = beginLedger('immediate', state);
    const good = encode({ payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } });
    const bad = cat(good, u8(0)); // trailing byte
    const result = applyTransaction(ledger, context(), bad);
    expect(result.receipt).toEqual({ hash: null, status: 'rejected', error: 'InvalidFormat', fee: 0n });
    expect(result.ledger).toBe(ledger);
    const unsupported = good.slice();
    unsupported[34] = 5;
    expect(applyTransaction(ledger, context(), unsupported).receipt).toEqual({
      hash: null,
      status: 'rejected',
      error: 'UnsupportedTransactionType',
      fee: 0n,
    });
  });

  it('R17 R18: a version-2 tx that also pays no fee and comes from a missing account is InvalidFormat', () => {
    const bytes = encode({ version: 2, fee: 0n, payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) } });
    const result = applyBlock(EMPTY_STATE, context(), [bytes]);
    if (!result.ok) throw new Error('block refused');
    expect(result.receipts[0]).toEqual({ hash: null, status: 'rejected', error: 'InvalidFormat', fee: 0n });
    expect(getAccount(result.state, alice.publicKey)).toBeUndefined();
  });

  it('R17: the decoder never throws, and the hash-free decoder reaches the same outcome: 4500 random and mutated byte strings', () => {
    // Deterministic xorshift32 so the run is reproducible.
    let seed = 0x9e3779b9;
    const next = (): number => {
      seed ^= seed << 13;
      seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      seed >>>= 0;
      return seed;
    };
    const randomBytes = (length: number): Uint8Array => Uint8Array.from({ length }, () => next() & 0xff);
    const seeds = [
      rawTx(),
      rawTx({ payload: transfersBody([{ extra: fill(4, 1) }, {}]) }),
      rawTx({ payload: multisigBody(2, [fill(32, 1), fill(32, 2)]), multisig: multisigField([{ id: 0 }, { id: 1 }]) }),
      rawTx({ payload: multisigBody(0, []), multisig: Uint8Array.of(1, 0) }),
    ];
    const inputs: Uint8Array[] = [];
    for (let i = 0; i < 1500; i++) inputs.push(randomBytes(next() % 400));
    for (let i = 0; i < 1500; i++) {
      // version 1 and a tag in 0..8 so decoding goes past the header
      const bytes = randomBytes(35 + (next() % 400));
      bytes[0] = 1;
      bytes[34] = next() % 9;
      inputs.push(bytes);
    }
    for (let i = 0; i < 1500; i++) {
      const base = seeds[i % seeds.length]!.slice();
      const flips = 1 + (next() % 3);
      for (let f = 0; f < flips; f++) base[next() % base.length] = next() & 0xff;
      const cut = next() % 4 === 0 ? next() % base.length : base.length;
      inputs.push(base.subarray(0, cut));
    }
    let accepted = 0;
    for (const bytes of inputs) {
      let result: DecodeResult;
      try {
        result = decodeTransaction(bytes);
      } catch (error) {
        throw new Error(`decodeTransaction threw on ${bytesToHex(bytes)}: ${String(error)}`);
      }
      // The hash-free decoder reaches the same outcome: the same fields, or the same rejection.
      const fields = decodeTransactionFields(bytes);
      if (result.ok) {
        accepted++;
        // Whatever decodes re-encodes to exactly the same bytes.
        expect(hex(encodeTransaction(result.value.transaction))).toBe(hex(bytes));
        const { hash, ...rest } = result.value;
        expect(hash).toBe(hex(blake3(bytes)));
        expect(fields).toEqual({ ok: true, value: rest });
        expect(fields.ok && 'hash' in fields.value).toBe(false);
      } else {
        expect(['InvalidFormat', 'UnsupportedTransactionType']).toContain(result.rejection.code);
        expect(fields).toEqual(result);
      }
    }
    expect(inputs.length).toBe(4500);
    expect(accepted).toBeGreaterThan(0);
  });
});
