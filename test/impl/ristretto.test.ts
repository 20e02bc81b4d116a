/**
 * impl/ristretto.ts against the spec's signature module: the same `decodePublicKey`
 * verdict and the same `verifySignature` result on random inputs and on every edge the
 * two implementations of Ristretto255 could disagree on (the identity, zero and `L - 1`
 * scalars, non-canonical point and scalar encodings, random bytes, valid signatures).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePublicKey as fastDecode, SIGNATURE_GENERATOR_BYTES, verifySignature as fastVerify } from '../../impl/ristretto.ts';
import {
  bytesToHex,
  computeChallenge,
  decodePublicKey,
  encodeScalar,
  getPublicKey,
  GROUP_ORDER,
  readLittleEndian,
  SIGNATURE_GENERATOR,
  signWithNonce,
  verifySignature,
  type Hex,
} from '../../spec/index.ts';

const P = 2n ** 255n - 19n;
const L = GROUP_ORDER;
const ZERO_KEY = '00'.repeat(32);
const hexOf = (value: bigint): Hex => bytesToHex(encodeScalar(value));
const scalar = fc.bigInt({ min: 1n, max: L - 1n });
const message = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  // Longer than the backend's first hash buffer, so it grows.
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1000, maxLength: 5000 }) },
);

/** An encoding of a point, tagged with what it is. */
type KeyCase = readonly [label: string, key: Hex];

const validKey = scalar.map((secret): KeyCase => ['valid key', getPublicKey(secret)]);
const keyCase: fc.Arbitrary<KeyCase> = fc.oneof(
  validKey,
  fc.constant<KeyCase>(['identity', ZERO_KEY]),
  // A field element at or above p: p + k, with and without the top bit (bit 255) set.
  fc.bigInt({ min: 0n, max: 18n }).map((k): KeyCase => ['at or above p', hexOf(P + k)]),
  fc.bigInt({ min: 2n ** 255n, max: 2n ** 256n - 1n }).map((value): KeyCase => ['top bit set', hexOf(value)]),
  // A valid point's encoding s as p - s (odd: a negative field element) and as s + p.
  validKey.map(([, key]): KeyCase => ['negative (p - s)', hexOf(P - readLittleEndian(Buffer.from(key, 'hex')))]),
  validKey.map(([, key]): KeyCase => ['unreduced (s + p)', hexOf(readLittleEndian(Buffer.from(key, 'hex')) + P)]),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes): KeyCase => ['random bytes', bytesToHex(bytes)]),
);

/** A signature for a key and message, tagged with what it is. */
type SignatureCase = readonly [label: string, signature: Hex];

const EDGE_SCALARS: readonly bigint[] = [0n, 1n, L - 1n, L, L + 1n, 2n ** 256n - 1n];
const edgeScalar = fc.constantFrom(...EDGE_SCALARS);

function signatureCase(secret: bigint | null, key: Hex, msg: Uint8Array): fc.Arbitrary<SignatureCase> {
  const cases: fc.Arbitrary<SignatureCase>[] = [
    fc.tuple(edgeScalar, scalar).map(([s, e]): SignatureCase => ['edge s', hexOf(s) + hexOf(e)]),
    fc.tuple(scalar, edgeScalar).map(([s, e]): SignatureCase => ['edge e', hexOf(s) + hexOf(e)]),
    fc.tuple(edgeScalar, edgeScalar).map(([s, e]): SignatureCase => ['edge s and e', hexOf(s) + hexOf(e)]),
    fc.uint8Array({ minLength: 64, maxLength: 64 }).map((bytes): SignatureCase => ['random signature', bytesToHex(bytes)]),
  ];
  if (secret !== null) {
    cases.push(
      scalar.map((nonce): SignatureCase => ['valid signature', signWithNonce(secret, msg, nonce)]),
      scalar.map((nonce): SignatureCase => {
        const signature = signWithNonce(secret, msg, nonce);
        return ['other message', signature.slice(0, 64) + hexOf((readLittleEndian(Buffer.from(signature.slice(64), 'hex')) + 1n) % L)];
      }),
    );
  }
  if (key === ZERO_KEY) {
    // Against the identity, R = s*H: (s, challenge(0, msg, s*H)) verifies, s = 0 included.
    const zero = new Uint8Array(32);
    cases.push(
      fc.oneof(scalar, fc.constant(0n)).map((s): SignatureCase => {
        const commitment = s === 0n ? zero : SIGNATURE_GENERATOR.multiply(s).toBytes();
        return [s === 0n ? 'identity, s = 0' : 'identity', hexOf(s) + hexOf(computeChallenge(zero, msg, commitment))];
      }),
    );
  }
  return fc.oneof(...cases);
}

/** A whole case: key, message and signature, with the key's secret when it has one. */
const verificationCase = fc.oneof(
  scalar.chain((secret) => fc.tuple(fc.constant<KeyCase>(['valid key', getPublicKey(secret)]), message).chain(([keyCase_, msg]) => fc.tuple(fc.constant(keyCase_), fc.constant(msg), signatureCase(secret, keyCase_[1], msg)))),
  fc.tuple(keyCase, message).chain(([keyCase_, msg]) => fc.tuple(fc.constant(keyCase_), fc.constant(msg), signatureCase(null, keyCase_[1], msg))),
);

const seen = new Map<string, number>();
const count = (label: string): void => {
  seen.set(label, (seen.get(label) ?? 0) + 1);
};

describe('impl/ristretto.ts equals spec/signature.ts', () => {
  it('H is the spec generator', () => {
    expect(bytesToHex(SIGNATURE_GENERATOR_BYTES)).toBe(bytesToHex(SIGNATURE_GENERATOR.toBytes()));
  });

  it('decodePublicKey and verifySignature agree on random inputs and every edge', () => {
    fc.assert(
      fc.property(verificationCase, ([[keyLabel, key], msg, [signatureLabel, signature]]) => {
        const reference = decodePublicKey(key);
        const fast = fastDecode(key);
        count(`key: ${keyLabel}, ${reference === undefined ? 'rejected' : 'decodes'}`);
        expect(fast !== undefined).toBe(reference !== undefined);
        if (reference === undefined || fast === undefined) return;
        const expected = verifySignature(reference, msg, signature);
        count(`signature: ${signatureLabel}, ${expected ? 'verifies' : 'does not verify'}`);
        expect(fastVerify(fast, msg, signature)).toBe(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('the generator produced every case (printed)', () => {
    const lines = [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([label, n]) => `  ${label}: ${n}`);
    console.log(`ristretto differential cases:\n${lines.join('\n')}`);
    for (const label of [
      'key: valid key, decodes',
      'key: identity, decodes',
      'key: at or above p, rejected',
      'key: top bit set, rejected',
      'key: negative (p - s), rejected',
      'key: unreduced (s + p), rejected',
      'key: random bytes, rejected',
      'signature: valid signature, verifies',
      'signature: other message, does not verify',
      'signature: identity, verifies',
      'signature: identity, s = 0, verifies',
      'signature: edge s, does not verify',
      'signature: edge e, does not verify',
      'signature: edge s and e, does not verify',
      'signature: random signature, does not verify',
    ]) {
      expect(seen.get(label) ?? 0, label).toBeGreaterThan(0);
    }
  });
});
