/**
 * The codec's diagnostics (R17): a rejected encoding names the field and the byte offset
 * where decoding stopped, and an unencodable field names itself. The codes are the
 * conformance contract; these texts are what a person debugging a vector reads, so they are
 * pinned here too, with every offset worked out from the wire layout (docs/semantics.md,
 * "Wire format").
 */
import { describe, expect, it } from 'vitest';
import { decodeTransaction, encodeTransaction, toU64, type Transaction } from '../../spec/index.ts';
import { alice, bob, build, carol, dave, extra, multisig, pay, transfer } from '../support/fixtures.ts';

/** A field of the wire layout: its name in diagnostics and its length in bytes. */
type Field = readonly [name: string, length: number];

/** The fields every transaction starts with: version, chain id, source, payload tag. */
const HEAD: readonly Field[] = [
  ['version', 1],
  ['chain id', 1],
  ['source', 32],
  ['payload tag', 1],
];
/** The fields after the payload, up to the multisig option byte. */
const TAIL: readonly Field[] = [
  ['fee', 8],
  ['fee type', 1],
  ['nonce', 8],
  ['reference hash', 32],
  ['reference topoheight', 8],
  ['multisig field', 1],
];

/** Byte offset of each field, in order. */
function starts(layout: readonly Field[]): number[] {
  let at = 0;
  return layout.map(([, length]) => {
    const start = at;
    at += length;
    return start;
  });
}

/** The detail a truncation at `cut` bytes must give, from the layout alone. */
function expectedTruncation(layout: readonly Field[], cut: number): string {
  const offsets = starts(layout);
  const index = layout.findIndex(([, length], i) => offsets[i]! + length > cut);
  const [field, length] = layout[index]!;
  const start = offsets[index]!;
  return `truncated: ${field} needs ${length} bytes, ${cut - start} left (at byte ${start})`;
}

function detailOf(bytes: Uint8Array): string {
  const result = decodeTransaction(bytes);
  if (result.ok) throw new Error('expected a rejection');
  expect(result.rejection.code).toBe('InvalidFormat');
  expect(result.rejection.rule).toBe('R17');
  return result.rejection.detail;
}

const transfers = build({
  source: alice,
  payload: pay(transfer(bob.publicKey, 5n, undefined, extra(3)), transfer(carol.publicKey, 7n)),
});
const transfersLayout: readonly Field[] = [
  ...HEAD,
  ['transfer count', 2],
  ['transfer 0 asset', 32],
  ['transfer 0 destination', 32],
  ['transfer 0 amount', 8],
  ['transfer 0 extra data', 1],
  ['transfer 0 extra data length', 2],
  ['transfer 0 extra data', 3],
  ['transfer 1 asset', 32],
  ['transfer 1 destination', 32],
  ['transfer 1 amount', 8],
  ['transfer 1 extra data', 1],
  ...TAIL,
  ['signature', 64],
];

const multisigSetup = build({
  source: alice,
  payload: multisig(2, [bob.publicKey, carol.publicKey]),
  multisigSigners: [
    { id: 0, key: bob },
    { id: 1, key: carol },
  ],
});
const multisigLayout: readonly Field[] = [
  ...HEAD,
  ['multisig threshold', 1],
  ['multisig participant count', 1],
  ['multisig participant 0', 32],
  ['multisig participant 1', 32],
  ...TAIL,
  ['multisig signature count', 1],
  ['multisig signature 0 id', 1],
  ['multisig signature 0', 64],
  ['multisig signature 1 id', 1],
  ['multisig signature 1', 64],
  ['signature', 64],
];

const burnTx = build({ source: dave, payload: { kind: 'burn', asset: '00'.repeat(32), amount: toU64(9n) } });
const burnLayout: readonly Field[] = [...HEAD, ['burn asset', 32], ['burn amount', 8], ...TAIL, ['signature', 64]];

const deleteTx = build({ source: dave, payload: multisig(0, []) });
const deleteLayout: readonly Field[] = [...HEAD, ['multisig threshold', 1], ...TAIL, ['signature', 64]];

describe('R17 truncation: every cut names the field it fell in, its length, the bytes left and its offset', () => {
  const cases: readonly [string, Transaction, readonly Field[]][] = [
    ['transfers with extra data', transfers, transfersLayout],
    ['multisig setup with two signatures', multisigSetup, multisigLayout],
    ['burn', burnTx, burnLayout],
    ['multisig delete', deleteTx, deleteLayout],
  ];
  for (const [name, transaction, layout] of cases) {
    it(`${name}: all cuts from 0 to the last byte`, () => {
      const bytes = encodeTransaction(transaction);
      // The layout is the wire format: its lengths add up to the encoding.
      expect(layout.reduce((total, [, length]) => total + length, 0)).toBe(bytes.length);
      for (let cut = 0; cut < bytes.length; cut++) {
        expect(detailOf(bytes.subarray(0, cut)), `cut at ${cut}`).toBe(expectedTruncation(layout, cut));
      }
      expect(decodeTransaction(bytes).ok).toBe(true);
    });
  }
});

describe('R17 other format errors: the value found and where', () => {
  const bytes = encodeTransaction(transfers);
  const offsets = starts(transfersLayout);
  const at = (field: string, nth = 0): number => offsets.filter((_, i) => transfersLayout[i]![0] === field)[nth]!;
  const patched = (source: Uint8Array, offset: number, ...values: number[]): Uint8Array => {
    const copy = Uint8Array.from(source);
    copy.set(values, offset);
    return copy;
  };

  it('version, payload tag, fee type (R9, R18)', () => {
    expect(detailOf(patched(bytes, 0, 2))).toBe('version 2 is not 1 (at byte 0)');
    expect(detailOf(patched(bytes, 34, 8))).toBe('unknown payload tag 8 (at byte 34)');
    expect(detailOf(patched(bytes, at('fee type'), 1))).toBe(`fee type 1 is not 0 (TOS) (at byte ${at('fee type')})`);
    const unsupported = decodeTransaction(patched(bytes, 34, 3));
    expect(unsupported.ok ? null : unsupported.rejection).toEqual({
      code: 'UnsupportedTransactionType',
      rule: 'R9',
      detail: 'payload tag 3 is outside this spec (at byte 34)',
    });
  });

  it('transfer count outside 1..500, extra data over 1024 bytes, option bytes other than 0 and 1 (R6, R7)', () => {
    expect(detailOf(patched(bytes, 35, 0, 0))).toBe('transfer count 0 is outside 1..500 (at byte 35)');
    expect(detailOf(patched(bytes, 35, 0x01, 0xf5))).toBe('transfer count 501 is outside 1..500 (at byte 35)');
    const length = at('transfer 0 extra data length');
    expect(detailOf(patched(bytes, length, 0x04, 0x01))).toBe(`transfer 0 extra data of 1025 bytes exceeds 1024 (at byte ${length})`);
    const option = at('transfer 0 extra data');
    expect(detailOf(patched(bytes, option, 2))).toBe(`transfer 0 extra data: option byte 2 is neither 0 nor 1 (at byte ${option})`);
    const field = at('multisig field');
    expect(detailOf(patched(bytes, field, 7))).toBe(`multisig field: option byte 7 is neither 0 nor 1 (at byte ${field})`);
  });

  it('signatures whose scalars are not canonical (R10), for the owner and for a participant', () => {
    const signature = at('signature');
    expect(detailOf(patched(bytes, signature, ...new Array<number>(32).fill(0xff)))).toBe(`signature: signature scalar is not canonical (at byte ${signature})`);
    const setup = encodeTransaction(multisigSetup);
    const participantSignature = starts(multisigLayout)[multisigLayout.findIndex(([name]) => name === 'multisig signature 0')]!;
    expect(detailOf(patched(setup, participantSignature + 32, ...new Array<number>(32).fill(0xff)))).toBe(
      `multisig signature 0: signature scalar is not canonical (at byte ${participantSignature})`,
    );
  });

  it('multisig payloads: no participants under a threshold, a duplicate participant, a duplicate signature id (R7)', () => {
    const setup = encodeTransaction(multisigSetup);
    const offsetsOf = starts(multisigLayout);
    const offsetOf = (name: string): number => offsetsOf[multisigLayout.findIndex(([field]) => field === name)]!;
    // A participant count of 0 stops decoding right there, whatever follows.
    expect(detailOf(patched(setup, 36, 0))).toBe('multisig participant count is 0 with a non-zero threshold (at byte 36)');
    const second = offsetOf('multisig participant 1');
    expect(detailOf(patched(setup, second, ...setup.subarray(offsetOf('multisig participant 0'), second)))).toBe(`multisig participant 1 is a duplicate (at byte ${second})`);
    const secondId = offsetOf('multisig signature 1 id');
    expect(detailOf(patched(setup, secondId, 0))).toBe(`multisig signature id 0 is a duplicate (at byte ${secondId})`);
  });

  it('trailing bytes after the signature (R9)', () => {
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    expect(detailOf(longer)).toBe(`2 trailing bytes (at byte ${bytes.length})`);
  });
});

describe('encoding: a field that cannot be represented names itself', () => {
  const base = build({ source: alice, payload: pay(transfer(bob.publicKey, 1n, undefined, extra(1))) });
  const withPayload = (payload: Transaction['payload']): Transaction => ({ ...base, payload });
  const tooBig = (bytes: number): bigint => 1n << BigInt(8 * bytes);
  const one = base.payload.kind === 'transfers' ? base.payload.transfers[0]! : null;
  if (one === null) throw new Error('fixture');
  const cases: readonly [string, Transaction, string][] = [
    ['version', { ...base, version: 256 }, 'version: 256 does not fit in 1 bytes'],
    ['chain id', { ...base, chainId: -1 }, 'chain id: -1 does not fit in 1 bytes'],
    ['source', { ...base, source: 'AB'.repeat(32) }, 'source: expected 32 bytes of lowercase hex'],
    ['fee', { ...base, fee: tooBig(8) as Transaction['fee'] }, `fee: ${tooBig(8)} does not fit in 8 bytes`],
    ['fee type', { ...base, feeType: 256 }, 'fee type: 256 does not fit in 1 bytes'],
    ['nonce', { ...base, nonce: -1n as Transaction['nonce'] }, 'nonce: -1 does not fit in 8 bytes'],
    ['reference hash', { ...base, reference: { ...base.reference, hash: '00' } }, 'reference hash: expected 32 bytes of lowercase hex'],
    ['reference topoheight', { ...base, reference: { ...base.reference, topoheight: tooBig(8) as Transaction['fee'] } }, `reference topoheight: ${tooBig(8)} does not fit in 8 bytes`],
    ['burn asset', withPayload({ kind: 'burn', asset: 'zz'.repeat(32), amount: toU64(1n) }), 'burn asset: expected 32 bytes of lowercase hex'],
    ['burn amount', withPayload({ kind: 'burn', asset: '00'.repeat(32), amount: tooBig(8) as Transaction['fee'] }), `burn amount: ${tooBig(8)} does not fit in 8 bytes`],
    ['transfer count', withPayload({ kind: 'transfers', transfers: new Array(65_536).fill(one) }), 'transfer count: 65536 does not fit in 2 bytes'],
    ['transfer asset', withPayload({ kind: 'transfers', transfers: [{ ...one, asset: '0' }] }), 'transfer asset: expected 32 bytes of lowercase hex'],
    ['transfer destination', withPayload({ kind: 'transfers', transfers: [{ ...one, destination: '' }] }), 'transfer destination: expected 32 bytes of lowercase hex'],
    ['transfer amount', withPayload({ kind: 'transfers', transfers: [{ ...one, amount: -5n as Transaction['fee'] }] }), 'transfer amount: -5 does not fit in 8 bytes'],
    ['extra data length', withPayload({ kind: 'transfers', transfers: [{ ...one, extraData: '00'.repeat(65_536) }] }), 'extra data length: 65536 does not fit in 2 bytes'],
    ['extra data', withPayload({ kind: 'transfers', transfers: [{ ...one, extraData: 'GG' }] }), 'extra data: expected 1 bytes of lowercase hex'],
    ['multisig threshold', withPayload({ kind: 'multisig', threshold: 300, participants: [] }), 'multisig threshold: 300 does not fit in 1 bytes'],
    ['multisig participant count', withPayload({ kind: 'multisig', threshold: 1, participants: new Array(256).fill(bob.publicKey) }), 'multisig participant count: 256 does not fit in 1 bytes'],
    ['multisig participant', withPayload({ kind: 'multisig', threshold: 1, participants: ['xy'] }), 'multisig participant: expected 32 bytes of lowercase hex'],
    ['multisig signature count', { ...base, multisig: new Array(256).fill({ id: 0, signature: '00'.repeat(64) }) }, 'multisig signature count: 256 does not fit in 1 bytes'],
    ['multisig signature id', { ...base, multisig: [{ id: 256, signature: '00'.repeat(64) }] }, 'multisig signature id: 256 does not fit in 1 bytes'],
    ['multisig signature', { ...base, multisig: [{ id: 0, signature: '00'.repeat(63) }] }, 'multisig signature: expected 64 bytes of lowercase hex'],
    ['signature', { ...base, signature: '00'.repeat(65) }, 'signature: expected 64 bytes of lowercase hex'],
  ];
  for (const [field, transaction, message] of cases) {
    it(`${field}`, () => {
      expect(() => encodeTransaction(transaction)).toThrow(new RangeError(message));
    });
  }
});
