/**
 * R6-R14: reproduce the Rust-generated TOS reference data exactly. The data is vendored in
 * test/fixtures/tos-reference/ (its README says where it comes from) and used as it is:
 * each file's SHA-256 is checked against the README before any vector is read.
 */
import { createHash } from 'node:crypto';
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

const referenceDir = new URL('../fixtures/tos-reference/', import.meta.url);
const DATA_FILES = ['schnorr.json', 'wire_format.json'] as const;

/** The SHA-256 of each data file as the README's table records it (`| \`file\` | \`hex\` |`). */
export function recordedHashes(readme: string): Map<string, string> {
  return new Map([...readme.matchAll(/^\| `([^`]+)` \| `([0-9a-f]{64})` \|$/gm)].map((match) => [match[1]!, match[2]!]));
}

const readme = readFileSync(new URL('README.md', referenceDir), 'utf8');
const bytes = new Map(DATA_FILES.map((name) => [name, readFileSync(new URL(name, referenceDir))]));
const schnorr = JSON.parse(bytes.get('schnorr.json')!.toString('utf8')) as {
  test_vectors: { name: string; input: { data: Record<string, string> } }[];
};
const wire = JSON.parse(bytes.get('wire_format.json')!.toString('utf8')) as {
  vectors: { name: string; tx: Record<string, unknown>; expected_hex: string }[];
};

describe('the vendored TOS reference data is used as it is', () => {
  const recorded = recordedHashes(readme);

  it('the hash reader finds exactly the table rows', () => {
    const sample = `| \`a.json\` | \`${'ab'.repeat(32)}\` |\n| \`b.json\` | \`short\` |\ntext | \`c.json\` | \`${'cd'.repeat(32)}\` |`;
    expect([...recordedHashes(sample)]).toEqual([['a.json', 'ab'.repeat(32)]]);
  });

  it('the README records a SHA-256 for each data file and for nothing else', () => {
    expect([...recorded.keys()].sort()).toEqual([...DATA_FILES].sort());
  });

  for (const name of DATA_FILES) {
    it(`${name} is byte-identical to the copy the README describes (SHA-256)`, () => {
      expect(createHash('sha256').update(bytes.get(name)!).digest('hex')).toBe(recorded.get(name));
    });
  }
});

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
