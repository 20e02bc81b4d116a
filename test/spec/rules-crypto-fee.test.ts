/**
 * R12-R16 (signatures and test keys), R19 (fees), R20 (reference topoheight) and the
 * basics of R3-R5 (state, state root, block context).
 *
 * Expected values are worked out by hand from the rules brief; the arithmetic is in the
 * comments. Independent computations use noble directly (`ristretto255`, SHA3-512, BLAKE3),
 * never the spec's own helpers.
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { blake3 } from '@noble/hashes/blake3.js';
import { sha3_512 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import {
  applyBlock,
  applyTransaction,
  beginLedger,
  computeRequiredFee,
  computeStateRoot,
  createState,
  decodePublicKey,
  decodeTransaction,
  EMPTY_STATE,
  encodeSigningBytes,
  encodeTransaction,
  getAccount,
  getPublicKey,
  signWithNonce,
  SIGNATURE_GENERATOR,
  TOS_ASSET,
  toU64,
  verifySignature,
  type BlockContext,
  type DecodedTransaction,
  type Receipt,
  type State,
  type Transaction,
} from '../../spec/index.ts';
import { createTestKey, signTransaction } from '../../spec/test-keys.ts';
import { alice, bob, build, carol, context, dave, encode, erin, miner, transfer, type BuildOptions } from '../support/fixtures.ts';

// ---------------------------------------------------------------------------------------
// Independent helpers
// ---------------------------------------------------------------------------------------

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const mod = (a: bigint): bigint => ((a % L) + L) % L;
function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % L;
    b = (b * b) % L;
    e >>= 1n;
  }
  return result;
}
/** Inverse modulo the prime L (Fermat). */
const inv = (a: bigint): bigint => modPow(a, L - 2n);
function le(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}
function scalarLE(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let rest = value;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
function u64(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  let rest = value;
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const unhex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

const Point = ristretto255.Point;
/** R12, computed here: the point derived from SHA3-512(basepoint encoding). */
const H = ristretto255_hasher.deriveToCurve!(sha3_512(Point.BASE.toBytes()));
/** R14: e = SHA3-512(P || msg || R) read little-endian, mod L. */
const challenge = (p: Uint8Array, msg: Uint8Array, r: Uint8Array): bigint => le(sha3_512(cat(p, msg, r))) % L;
const sigHex = (s: bigint, e: bigint): string => hex(scalarLE(s)) + hex(scalarLE(e));

function decodeOk(bytes: Uint8Array): DecodedTransaction {
  const result = decodeTransaction(bytes);
  if (!result.ok) throw new Error(`did not decode: ${result.rejection.detail}`);
  return result.value;
}

const FUNDS = 1_000_000_000n;
const funded = (extra: Parameters<typeof createState>[0]['accounts'] = []): State =>
  createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, FUNDS]] }, ...extra] });

/** Apply one transaction's bytes in a one-transaction block and return its receipt. */
function receiptOf(state: State, bytes: Uint8Array, ctx: BlockContext = context()): Receipt {
  const result = applyBlock(state, ctx, [bytes]);
  if (!result.ok) throw new Error(`block refused: ${result.error.detail}`);
  return result.receipts[0]!;
}

const burnTos = (amount: bigint): BuildOptions['payload'] => ({ kind: 'burn', asset: TOS_ASSET, amount: toU64(amount) });

// ---------------------------------------------------------------------------------------

describe('R12: the generator H', () => {
  it('R12: H encodes starting 8c9240b4', () => {
    expect(SIGNATURE_GENERATOR.toHex().slice(0, 8)).toBe('8c9240b4');
  });

  it('R12: H is the point derived from SHA3-512 of the basepoint encoding (computed here)', () => {
    expect(H.toHex().slice(0, 8)).toBe('8c9240b4');
    expect(SIGNATURE_GENERATOR.toHex()).toBe(H.toHex());
    // and it is not the basepoint itself
    expect(H.equals(Point.BASE)).toBe(false);
  });
});

describe('R13: keys P = x^-1 * H', () => {
  it('R13: secret 1 has public key H', () => {
    expect(getPublicKey(1n)).toBe(H.toHex());
  });

  it('R13: secret 2: 2 * P == H (checked without inversion)', () => {
    const p = Point.fromHex(getPublicKey(2n));
    expect(p.multiply(2n).equals(H)).toBe(true);
    expect(p.equals(H)).toBe(false);
  });

  it('R13: secret 7: P equals (7^-1 mod L) * H, the inverse computed here by Fermat', () => {
    // 7^-1 mod L = 7^(L-2) mod L
    const x7inv = inv(7n);
    expect((x7inv * 7n) % L).toBe(1n);
    expect(getPublicKey(7n)).toBe(H.multiply(x7inv).toHex());
    expect(Point.fromHex(getPublicKey(7n)).multiply(7n).equals(H)).toBe(true);
  });

  it('R13 R16: the test keys satisfy x * P == H', () => {
    for (const key of [alice, bob, carol]) {
      expect(Point.fromHex(key.publicKey).multiply(key.secret).equals(H)).toBe(true);
    }
  });
});

describe('R14: verification', () => {
  const msg = utf8('R14 hand-made message');

  it('R14: signWithNonce with x = 1, k = 1 is s = e + 1, e = SHA3-512(P||msg||R) mod L with P = R = H', () => {
    // x = 1 -> P = H; k = 1 -> R = H; s = e * 1^-1 + 1 = e + 1
    const e = challenge(H.toBytes(), msg, H.toBytes());
    expect(signWithNonce(1n, msg, 1n)).toBe(sigHex(mod(e + 1n), e));
  });

  it('R14: signWithNonce with x = 3, k = 5: R = 5H, s = e * 3^-1 + 5', () => {
    const p = H.multiply(inv(3n)).toBytes();
    const r = H.multiply(5n).toBytes();
    const e = challenge(p, msg, r);
    expect(signWithNonce(3n, msg, 5n)).toBe(sigHex(mod(e * inv(3n) + 5n), e));
  });

  it('R14: a signWithNonce signature verifies; a flipped message bit, another key and e+1 do not', () => {
    const signature = signWithNonce(alice.secret, msg, 123456789n);
    const pa = decodePublicKey(alice.publicKey)!;
    expect(verifySignature(pa, msg, signature)).toBe(true);
    // flipped bit
    const flipped = msg.slice();
    flipped[3] = flipped[3]! ^ 0x01;
    expect(verifySignature(pa, flipped, signature)).toBe(false);
    // another key
    expect(verifySignature(decodePublicKey(bob.publicKey)!, msg, signature)).toBe(false);
    // e + 1 (and s + 1)
    const s = le(unhex(signature.slice(0, 64)));
    const e = le(unhex(signature.slice(64)));
    expect(verifySignature(pa, msg, sigHex(s, mod(e + 1n)))).toBe(false);
    expect(verifySignature(pa, msg, sigHex(mod(s + 1n), e))).toBe(false);
  });

  it('R14: a signature built here by hand verifies with the spec (R = s*H - e*P)', () => {
    // x = alice, k = 42: R = 42H, e = challenge(P, msg, R), s = e*x^-1 + 42
    const p = Point.fromHex(alice.publicKey);
    const r = H.multiply(42n);
    const e = challenge(p.toBytes(), msg, r.toBytes());
    const s = mod(e * inv(alice.secret) + 42n);
    // s*H - e*P = (e x^-1 + 42) H - e x^-1 H = 42 H = R
    expect(H.multiply(s).subtract(p.multiply(e)).equals(r)).toBe(true);
    expect(verifySignature({ bytes: p.toBytes(), point: p }, msg, sigHex(s, e))).toBe(true);
  });

  it('R14: the identity key (32 zero bytes) decodes and anyone can sign for it', () => {
    const identity = decodePublicKey('00'.repeat(32));
    expect(identity).toBeDefined();
    expect(identity!.point.equals(Point.ZERO)).toBe(true);
    // P = identity -> R = s*H - e*0 = s*H, so any s works with e = challenge(0^32, msg, s*H).
    for (const s of [1n, 12345n, L - 1n]) {
      const r = H.multiply(s).toBytes();
      const e = challenge(new Uint8Array(32), msg, r);
      expect(verifySignature(identity!, msg, sigHex(s, e))).toBe(true);
    }
    // s = 0: R is the identity, encoded as 32 zero bytes.
    const e0 = challenge(new Uint8Array(32), msg, new Uint8Array(32));
    expect(verifySignature(identity!, msg, sigHex(0n, e0))).toBe(true);
  });

  it('R14 R26: a forged burn from the identity account is applied', () => {
    const zero = '00'.repeat(32);
    const state = createState({ accounts: [{ publicKey: zero, balances: [[TOS_ASSET, 100_000n]] }] });
    const unsigned: Transaction = {
      version: 1,
      chainId: 0,
      source: zero,
      payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(5n) },
      fee: toU64(10_000n), // 197 bytes -> 1 KiB -> 10000
      feeType: 0,
      nonce: toU64(0n),
      reference: { hash: zero, topoheight: toU64(0n) },
      multisig: null,
      signature: '00'.repeat(64),
    };
    const signing = encodeSigningBytes(unsigned);
    const s = 987654321n; // no secret involved
    const e = challenge(new Uint8Array(32), signing, H.multiply(s).toBytes());
    const bytes = encodeTransaction({ ...unsigned, signature: sigHex(s, e) });
    const result = applyBlock(state, context(), [bytes]);
    if (!result.ok) throw new Error('block refused');
    expect(result.receipts[0]?.status).toBe('applied');
    // 100000 - 5 - 10000 = 89995
    expect(getAccount(result.state, zero)?.balances.get(TOS_ASSET)).toBe(89_995n);
    expect(result.state.burnedSupply).toBe(5n);
  });
});

describe('R15: who signs what', () => {
  const withConfig = createState({
    accounts: [
      { publicKey: alice.publicKey, balances: [[TOS_ASSET, FUNDS]], multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] } },
    ],
  });
  const tx = build({ payload: burnTos(5n), fee: 20_000n, multisigSigners: [{ id: 0, key: bob }, { id: 1, key: carol }] });
  const decoded = decodeOk(encodeTransaction(tx));
  const digest = blake3(decoded.signingBytes);

  it('R15: the owner signs the signing bytes (not their hash)', () => {
    const pa = decodePublicKey(alice.publicKey)!;
    expect(decoded.signingBytes.length).toBe(132); // 197 - 64 - 1
    expect(verifySignature(pa, decoded.signingBytes, tx.signature)).toBe(true);
    expect(verifySignature(pa, digest, tx.signature)).toBe(false);
  });

  it('R15: each participant signs the 32-byte BLAKE3 of the signing bytes', () => {
    expect(digest.length).toBe(32);
    const [first, second] = tx.multisig!;
    expect(verifySignature(decodePublicKey(bob.publicKey)!, digest, first!.signature)).toBe(true);
    expect(verifySignature(decodePublicKey(carol.publicKey)!, digest, second!.signature)).toBe(true);
    expect(verifySignature(decodePublicKey(bob.publicKey)!, decoded.signingBytes, first!.signature)).toBe(false);
    expect(verifySignature(decodePublicKey(carol.publicKey)!, digest, first!.signature)).toBe(false);
  });

  it('R15: hand-made participant signatures over blake3(signing bytes) authorise the tx', () => {
    // Sign here with nonces 11 and 13: R = kH, e = challenge(P, digest, R), s = e x^-1 + k.
    const handSign = (secret: bigint, publicKey: string, k: bigint, message: Uint8Array): string => {
      const r = H.multiply(k).toBytes();
      const e = challenge(unhex(publicKey), message, r);
      return sigHex(mod(e * inv(secret) + k), e);
    };
    const handTx: Transaction = {
      ...tx,
      multisig: [
        { id: 1, signature: handSign(carol.secret, carol.publicKey, 11n, digest) },
        { id: 0, signature: handSign(bob.secret, bob.publicKey, 13n, digest) },
      ],
      signature: handSign(alice.secret, alice.publicKey, 17n, decoded.signingBytes),
    };
    expect(receiptOf(withConfig, encodeTransaction(handTx)).status).toBe('applied');
    // and the fixture-built one too
    expect(receiptOf(withConfig, encodeTransaction(tx)).status).toBe('applied');
    // The owner signing the hash instead of the signing bytes is InvalidSignature.
    const wrongOwner: Transaction = { ...handTx, signature: handSign(alice.secret, alice.publicKey, 17n, digest) };
    expect(receiptOf(withConfig, encodeTransaction(wrongOwner)).error).toBe('InvalidSignature');
    // A participant signing the signing bytes instead of their hash is InvalidSignature.
    const wrongParticipant: Transaction = {
      ...handTx,
      multisig: [handTx.multisig![0]!, { id: 0, signature: handSign(bob.secret, bob.publicKey, 13n, decoded.signingBytes) }],
    };
    expect(receiptOf(withConfig, encodeTransaction(wrongParticipant)).error).toBe('InvalidSignature');
  });
});

describe('R16: deterministic test keys', () => {
  it('R16: createTestKey is deterministic and names differ', () => {
    const again = createTestKey('alice');
    expect(again).toEqual(alice);
    expect(createTestKey('bob').publicKey).toBe(bob.publicKey);
    const keys = [alice, bob, carol, dave, erin, miner].map((k) => k.publicKey);
    expect(new Set(keys).size).toBe(6);
    expect(alice.secret).not.toBe(bob.secret);
  });

  it('R16: the secret is wide-reduced SHA3-512 of the documented domain string and the name', () => {
    const expected = le(sha3_512(cat(utf8('TOS-CONFORMANCE-TEST-KEY-V1'), utf8('alice')))) % L;
    expect(alice.secret).toBe(expected);
    expect(alice.publicKey).toBe(H.multiply(inv(expected)).toHex());
  });

  it('R16: signTransaction is deterministic (same input, same bytes); the nonce is SHA3-512 of domain, key, message', () => {
    const unsigned: Transaction = {
      version: 1,
      chainId: 0,
      source: alice.publicKey,
      payload: { kind: 'burn', asset: TOS_ASSET, amount: toU64(1n) },
      fee: toU64(10_000n),
      feeType: 0,
      nonce: toU64(0n),
      reference: { hash: '00'.repeat(32), topoheight: toU64(0n) },
      multisig: null,
      signature: '00'.repeat(64),
    };
    const a = signTransaction(unsigned, alice.secret, [{ id: 0, secret: bob.secret }]);
    const b = signTransaction(unsigned, alice.secret, [{ id: 0, secret: bob.secret }]);
    expect(encodeTransaction(a)).toEqual(encodeTransaction(b));
    // a different nonce field gives a different signature
    const c = signTransaction({ ...unsigned, nonce: toU64(1n) }, alice.secret, null);
    expect(c.signature).not.toBe(a.signature);
    // the documented nonce: k = SHA3-512("TOS-CONFORMANCE-NONCE-V1" || x (32 LE) || msg) mod L
    const signing = encodeSigningBytes(unsigned);
    const k = le(sha3_512(cat(utf8('TOS-CONFORMANCE-NONCE-V1'), scalarLE(alice.secret), signing))) % L;
    expect(a.signature).toBe(signWithNonce(alice.secret, signing, k));
  });
});

describe('R19: the required fee', () => {
  const state = funded();

  it('R19: formula by hand on sizes: ceil(size/1024)*10000', () => {
    const burn = build({ payload: burnTos(1n), fee: 0n });
    // 1 -> 1 KiB, 1024 -> 1, 1025 -> 2, 2048 -> 2, 2049 -> 3
    expect(computeRequiredFee(burn, 1)).toBe(10_000n);
    expect(computeRequiredFee(burn, 1024)).toBe(10_000n);
    expect(computeRequiredFee(burn, 1025)).toBe(20_000n);
    expect(computeRequiredFee(burn, 2048)).toBe(20_000n);
    expect(computeRequiredFee(burn, 2049)).toBe(30_000n);
    // a present multisig field with zero signatures adds nothing: 198 bytes -> 10000
    expect(computeRequiredFee({ ...burn, multisig: [] }, 198)).toBe(10_000n);
    // 3 transfers in 300 bytes: 10000 + 3*5000 = 25000
    const three = build({ payload: { kind: 'transfers', transfers: [transfer(bob.publicKey, 1n), transfer(bob.publicKey, 1n), transfer(bob.publicKey, 1n)] }, fee: 0n });
    expect(computeRequiredFee(three, 300)).toBe(25_000n);
  });

  it('R19: burn: 197 bytes -> ceil(197/1024) = 1 KiB -> 10000; 10000 accepted, 9999 InvalidTxFee', () => {
    // 1+1+32+1+32+8 +8+1+8+32+8 +1 +64 = 197
    const ok = encode({ payload: burnTos(1n), fee: 10_000n });
    expect(ok.length).toBe(197);
    expect(receiptOf(state, ok)).toMatchObject({ status: 'applied', fee: 10_000n });
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 9_999n })).error).toBe('InvalidTxFee');
  });

  it('R19: one transfer: 232 bytes -> 10000 + 1*5000 = 15000; 14999 InvalidTxFee', () => {
    // 1+1+32 +1 +2 +(32+32+8+1) +8+1+8+32+8 +1 +64 = 232
    const payload: BuildOptions['payload'] = { kind: 'transfers', transfers: [transfer(bob.publicKey, 10n)] };
    const ok = encode({ payload, fee: 15_000n });
    expect(ok.length).toBe(232);
    expect(receiptOf(state, ok)).toMatchObject({ status: 'applied', fee: 15_000n });
    expect(receiptOf(state, encode({ payload, fee: 14_999n })).error).toBe('InvalidTxFee');
    expect(receiptOf(state, encode({ payload, fee: 10_000n })).error).toBe('InvalidTxFee');
  });

  // Five transfers, each with extra data (option 1 + u16 length + n bytes):
  // size = 159 (1+1+32 +1 +2 +8+1+8+32+8 +1 +64) + 5 * (32+32+8+1+2) + sum(n) = 159 + 375 + sum(n) = 534 + sum(n).
  // 1024 needs sum(n) = 490 = 126+126+126+112+0; 1025 needs 491 = 126+126+126+113+0.
  // Each extra data is at most 126 bytes so 2 + n <= 128 passes R22.
  const fiveTransfers = (last: number): BuildOptions['payload'] => ({
    kind: 'transfers',
    transfers: [126, 126, 126, last, 0].map((n, i) => transfer([bob, carol, dave, erin, bob][i]!.publicKey, 1n, TOS_ASSET, 'ab'.repeat(n))),
  });

  it('R19: exactly 1024 bytes -> 1 KiB: 10000 + 5*5000 = 35000; 34999 InvalidTxFee', () => {
    const ok = encode({ payload: fiveTransfers(112), fee: 35_000n });
    expect(ok.length).toBe(1024);
    expect(receiptOf(state, ok)).toMatchObject({ status: 'applied', fee: 35_000n });
    expect(receiptOf(state, encode({ payload: fiveTransfers(112), fee: 34_999n })).error).toBe('InvalidTxFee');
  });

  it('R19: 1025 bytes -> 2 KiB: 20000 + 5*5000 = 45000; 44999 InvalidTxFee', () => {
    const ok = encode({ payload: fiveTransfers(113), fee: 45_000n });
    expect(ok.length).toBe(1025);
    expect(receiptOf(state, ok)).toMatchObject({ status: 'applied', fee: 45_000n });
    expect(receiptOf(state, encode({ payload: fiveTransfers(113), fee: 44_999n })).error).toBe('InvalidTxFee');
    // the 1024-byte fee is not enough one byte later
    expect(receiptOf(state, encode({ payload: fiveTransfers(113), fee: 35_000n })).error).toBe('InvalidTxFee');
  });

  it('R19: multisig signatures add 5000 each: burn with 2 signatures is 328 bytes -> 10000 + 2*5000 = 20000', () => {
    const configured = createState({
      accounts: [
        { publicKey: alice.publicKey, balances: [[TOS_ASSET, FUNDS]], multisig: { threshold: 2, participants: [bob.publicKey, carol.publicKey] } },
      ],
    });
    const signers = [{ id: 0, key: bob }, { id: 1, key: carol }];
    // 197 + 1 (signature count) + 2 * (1 id + 64) = 328
    const ok = encode({ payload: burnTos(1n), fee: 20_000n, multisigSigners: signers });
    expect(ok.length).toBe(328);
    expect(receiptOf(configured, ok)).toMatchObject({ status: 'applied', fee: 20_000n });
    expect(receiptOf(configured, encode({ payload: burnTos(1n), fee: 19_999n, multisigSigners: signers })).error).toBe('InvalidTxFee');
    expect(receiptOf(configured, encode({ payload: burnTos(1n), fee: 15_000n, multisigSigners: signers })).error).toBe('InvalidTxFee');
  });

  it('R19: MultiSig setup payload: 223 bytes, no transfers -> 10000', () => {
    // 1+1+32 +1+1+1+2*32 +8+1+8+32+8 +1 +64 = 223
    const payload: BuildOptions['payload'] = { kind: 'multisig', threshold: 2, participants: [bob.publicKey, carol.publicKey] };
    const ok = encode({ payload, fee: 10_000n });
    expect(ok.length).toBe(223);
    expect(receiptOf(state, ok).status).toBe('applied');
    expect(receiptOf(state, encode({ payload, fee: 9_999n })).error).toBe('InvalidTxFee');
  });

  it('R19: a fee above the required fee is accepted and charged in full', () => {
    const result = applyBlock(state, context(), [encode({ payload: burnTos(1n), fee: 12_345n })]);
    if (!result.ok) throw new Error('block refused');
    expect(result.receipts[0]).toMatchObject({ status: 'applied', fee: 12_345n });
    // 1e9 - 1 - 12345 = 999987654
    expect(getAccount(result.state, alice.publicKey)?.balances.get(TOS_ASSET)).toBe(999_987_654n);
    expect(result.feeTotal).toBe(12_345n);
  });
});

describe('R20: reference topoheight', () => {
  const state = funded();

  it('R20: reference = block topoheight - 1 is accepted; = block topoheight and above are InvalidReferenceTopoheight', () => {
    // context() has topoheight 10
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 10_000n, referenceTopoheight: 9n })).status).toBe('applied');
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 10_000n, referenceTopoheight: 10n })).error).toBe('InvalidReferenceTopoheight');
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 10_000n, referenceTopoheight: 11n })).error).toBe('InvalidReferenceTopoheight');
  });

  it('R20 R5: at block topoheight 1, reference 0 is accepted and reference 1 is not', () => {
    const ctx = context({ topoheight: toU64(1n) });
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 10_000n, referenceTopoheight: 0n }), ctx).status).toBe('applied');
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 10_000n, referenceTopoheight: 1n }), ctx).error).toBe('InvalidReferenceTopoheight');
  });

  it('R19 R20: the fee check comes before the reference check', () => {
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 9_999n, referenceTopoheight: 10n })).error).toBe('InvalidTxFee');
  });

  it('R20: a rejected reference has no effect (no nonce bump, no fee)', () => {
    const ledger = beginLedger('immediate', state);
    const result = applyTransaction(ledger, context(), encode({ payload: burnTos(1n), fee: 10_000n, referenceTopoheight: 10n }));
    expect(result.receipt.fee).toBe(0n);
    expect(result.ledger).toBe(ledger);
  });
});

// ---------------------------------------------------------------------------------------
// R3, R4, R5
// ---------------------------------------------------------------------------------------

const DOMAIN = utf8('TOS-CONFORMANCE-STATE-ROOT-V1');
const TOS = new Uint8Array(32);

describe('R4: state root', () => {
  it('R4: the domain string is 29 ASCII bytes', () => {
    expect(DOMAIN.length).toBe(29);
  });

  it('R4: root of the empty state = BLAKE3(domain || u64 0 accounts || u64 1 asset || TOS || u64 0 burned)', () => {
    const encoding = cat(DOMAIN, u64(0n), u64(1n), TOS, u64(0n));
    // 29 + 8 + 8 + 32 + 8 = 85
    expect(encoding.length).toBe(85);
    expect(computeStateRoot(EMPTY_STATE)).toBe(hex(blake3(encoding)));
  });

  it('R3 R4: one account with a zero TOS record vs no record: hand-built roots, and they differ', () => {
    const key = unhex(alice.publicKey);
    const withZero = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 0n]] }] });
    const without = createState({ accounts: [{ publicKey: alice.publicKey }] });
    const tail = cat(u64(1n), TOS, u64(0n)); // assets: count 1, TOS; burned 0
    // key, nonce, record count 1, (TOS, 0), multisig 0
    const zeroEnc = cat(DOMAIN, u64(1n), key, u64(0n), u64(1n), TOS, u64(0n), Uint8Array.of(0), tail);
    // key, nonce, record count 0, multisig 0
    const noneEnc = cat(DOMAIN, u64(1n), key, u64(0n), u64(0n), Uint8Array.of(0), tail);
    expect(zeroEnc.length).toBe(29 + 8 + (32 + 8 + 8 + 40 + 1) + 48);
    expect(noneEnc.length).toBe(29 + 8 + (32 + 8 + 8 + 1) + 48);
    expect(computeStateRoot(withZero)).toBe(hex(blake3(zeroEnc)));
    expect(computeStateRoot(without)).toBe(hex(blake3(noneEnc)));
    expect(computeStateRoot(withZero)).not.toBe(computeStateRoot(without));
  });

  it('R4: accounts sorted by key, records sorted by asset, multisig participants in stored order, assets sorted', () => {
    const assetA = 'aa'.repeat(32);
    const asset1 = '01'.repeat(32);
    const state = createState({
      accounts: [
        {
          publicKey: alice.publicKey,
          nonce: 7n,
          // given out of order: aa.. before 00..
          balances: [[assetA, 3n], [TOS_ASSET, 258n]],
          multisig: { threshold: 1, participants: [carol.publicKey, bob.publicKey] },
        },
        { publicKey: bob.publicKey, balances: [[asset1, 1n]] },
      ],
      assets: [assetA, asset1],
      burnedSupply: 99n,
    });
    const aliceEnc = cat(
      unhex(alice.publicKey),
      u64(7n),
      u64(2n),
      TOS,
      u64(258n),
      unhex(assetA),
      u64(3n),
      Uint8Array.of(1, 1, 2),
      unhex(carol.publicKey),
      unhex(bob.publicKey),
    );
    const bobEnc = cat(unhex(bob.publicKey), u64(0n), u64(1n), unhex(asset1), u64(1n), Uint8Array.of(0));
    const accounts = alice.publicKey < bob.publicKey ? [aliceEnc, bobEnc] : [bobEnc, aliceEnc];
    const encoding = cat(DOMAIN, u64(2n), ...accounts, u64(3n), TOS, unhex(asset1), unhex(assetA), u64(99n));
    expect(computeStateRoot(state)).toBe(hex(blake3(encoding)));
  });

  it('R4 R33: applyBlock reports the root of its post-state, computed here from the layout', () => {
    // alice 100000 TOS burns 5 with fee 10000: alice nonce 1, 100000 - 10005 = 89995;
    // miner credited 10000 (created); burnedSupply 5.
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 100_000n]] }] });
    const result = applyBlock(state, context(), [encode({ payload: burnTos(5n), fee: 10_000n })]);
    if (!result.ok) throw new Error('block refused');
    const aliceEnc = cat(unhex(alice.publicKey), u64(1n), u64(1n), TOS, u64(89_995n), Uint8Array.of(0));
    const minerEnc = cat(unhex(miner.publicKey), u64(0n), u64(1n), TOS, u64(10_000n), Uint8Array.of(0));
    const accounts = alice.publicKey < miner.publicKey ? [aliceEnc, minerEnc] : [minerEnc, aliceEnc];
    const encoding = cat(DOMAIN, u64(2n), ...accounts, u64(1n), TOS, u64(5n));
    expect(result.stateRoot).toBe(hex(blake3(encoding)));
  });
});

describe('R3: state records', () => {
  it('R3: a credit creates the record, even for 0; a debit to 0 keeps it', () => {
    // alice has exactly 1 transfer fee: 232 bytes -> 15000, sends 0 to dave (new account).
    const state = createState({ accounts: [{ publicKey: alice.publicKey, balances: [[TOS_ASSET, 15_000n]] }] });
    const bytes = encode({ payload: { kind: 'transfers', transfers: [transfer(dave.publicKey, 0n)] }, fee: 15_000n });
    const result = applyBlock(state, context({ miner: erin.publicKey }), [bytes]);
    if (!result.ok) throw new Error('block refused');
    expect(result.receipts[0]?.status).toBe('applied');
    const daveAccount = getAccount(result.state, dave.publicKey);
    expect(daveAccount?.nonce).toBe(0n);
    expect(daveAccount?.balances.get(TOS_ASSET)).toBe(0n);
    expect(daveAccount?.balances.has(TOS_ASSET)).toBe(true);
    // 15000 - 0 - 15000 = 0, record kept
    expect(getAccount(result.state, alice.publicKey)?.balances.has(TOS_ASSET)).toBe(true);
    expect(getAccount(result.state, alice.publicKey)?.balances.get(TOS_ASSET)).toBe(0n);
    expect(getAccount(result.state, alice.publicKey)?.nonce).toBe(1n);
  });

  it('R3: TOS is always registered, and the empty state has no accounts and nothing burned', () => {
    expect([...EMPTY_STATE.assets]).toEqual([TOS_ASSET]);
    expect(EMPTY_STATE.accounts.size).toBe(0);
    expect(EMPTY_STATE.burnedSupply).toBe(0n);
    expect(createState({ assets: [TOS_ASSET] }).assets.size).toBe(1);
  });
});

describe('R5: block context', () => {
  const state = funded();

  it('R5: chainId: a tx for chain 0 in a chain-3 block is InvalidChainId; chain 3 is accepted', () => {
    const ctx = context({ chainId: 3 });
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 10_000n }), ctx).error).toBe('InvalidChainId');
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 10_000n, chainId: 3 }), ctx).status).toBe('applied');
  });

  it('R5: the miner named in the context receives the fees', () => {
    // two burns: 10000 + 11000 = 21000 to the miner
    const result = applyBlock(state, context({ miner: carol.publicKey }), [
      encode({ payload: burnTos(1n), fee: 10_000n }),
      encode({ payload: burnTos(1n), fee: 11_000n, nonce: 1n }),
    ]);
    if (!result.ok) throw new Error('block refused');
    expect(result.feeTotal).toBe(21_000n);
    expect(getAccount(result.state, carol.publicKey)?.balances.get(TOS_ASSET)).toBe(21_000n);
    expect(getAccount(result.state, miner.publicKey)).toBeUndefined();
  });

  it('R5: topoheight is the block\'s own: the state it builds on is topoheight - 1 (reference bound)', () => {
    const ctx = context({ topoheight: toU64(100n) });
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 10_000n, referenceTopoheight: 99n }), ctx).status).toBe('applied');
    expect(receiptOf(state, encode({ payload: burnTos(1n), fee: 10_000n, referenceTopoheight: 100n }), ctx).error).toBe(
      'InvalidReferenceTopoheight',
    );
  });
});
