/**
 * R6-R14: reproduce the Rust-generated TOS reference data exactly.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  decodeTransaction,
  encodeTransaction,
  getPublicKey,
  hexToBytes,
  readLittleEndian,
  signWithNonce,
  SIGNATURE_GENERATOR,
  toU64,
  type Payload,
  type Transaction,
} from '../../spec/index.ts';

const referenceDir = new URL('../../../shared/tos-reference/', import.meta.url);
const schnorr = JSON.parse(readFileSync(new URL('schnorr.json', referenceDir), 'utf8')) as {
  test_vectors: { name: string; input: { data: Record<string, string> } }[];
};
const wire = JSON.parse(readFileSync(new URL('wire_format.json', referenceDir), 'utf8')) as {
  vectors: { name: string; tx: Record<string, unknown>; expected_hex: string }[];
};

function payloadOf(tx: Record<string, unknown>): Payload {
  const payload = tx['payload'] as never;
  switch (tx['tx_type']) {
    case 'burn': {
      const p = payload as { asset: string; amount: number };
      return { kind: 'burn', asset: p.asset, amount: toU64(BigInt(p.amount)) };
    }
    case 'transfers':
      return {
        kind: 'transfers',
        transfers: (payload as { asset: string; destination: string; amount: number; extra_data: string | null }[]).map((t) => ({
          asset: t.asset,
          destination: t.destination,
          amount: toU64(BigInt(t.amount)),
          extraData: t.extra_data,
        })),
      };
    case 'multisig': {
      const p = payload as { threshold: number; participants: string[] };
      return { kind: 'multisig', threshold: p.threshold, participants: p.participants };
    }
    default:
      throw new Error(`unexpected tx_type ${String(tx['tx_type'])}`);
  }
}

function transactionOf(tx: Record<string, unknown>): Transaction {
  return {
    version: tx['version'] as number,
    chainId: tx['chain_id'] as number,
    source: tx['source'] as string,
    payload: payloadOf(tx),
    fee: toU64(BigInt(tx['fee'] as number)),
    feeType: tx['fee_type'] as number,
    nonce: toU64(BigInt(tx['nonce'] as number)),
    reference: { hash: tx['reference_hash'] as string, topoheight: toU64(BigInt(tx['reference_topoheight'] as number)) },
    multisig: null,
    signature: tx['signature'] as string,
  };
}

describe('R12 generator', () => {
  it('R12: H encodes with the documented prefix 8c9240b4', () => {
    expect(SIGNATURE_GENERATOR.toHex().startsWith('8c9240b4')).toBe(true);
  });
});

describe('R13-R14 TOS reference signatures (schnorr.json)', () => {
  it('has the four reference vectors', () => {
    expect(schnorr.test_vectors.length).toBe(4);
  });
  for (const vector of schnorr.test_vectors) {
    const data = vector.input.data;
    it(`R13 R14 ${vector.name}: public key and both signature scalars`, () => {
      const secret = readLittleEndian(hexToBytes(data['private_key_hex']!));
      const k = readLittleEndian(hexToBytes(data['k_hex']!));
      expect(getPublicKey(secret)).toBe(data['public_key_hex']);
      const signature = signWithNonce(secret, hexToBytes(data['message_hex']!), k);
      expect(signature.slice(0, 64)).toBe(data['signature_s_hex']);
      expect(signature.slice(64)).toBe(data['signature_e_hex']);
    });
  }
});

describe('R6-R11 TOS reference encodings (wire_format.json)', () => {
  it('has the seven reference encodings', () => {
    expect(wire.vectors.length).toBe(7);
  });
  for (const vector of wire.vectors) {
    it(`R6 R7 R8 ${vector.name}: encodes byte for byte and decodes back`, () => {
      const transaction = transactionOf(vector.tx);
      expect(bytesToHex(encodeTransaction(transaction))).toBe(vector.expected_hex);
      const decoded = decodeTransaction(hexToBytes(vector.expected_hex));
      expect(decoded.ok).toBe(true);
      if (decoded.ok) {
        expect(decoded.value.transaction).toEqual(transaction);
      }
    });
  }
});
