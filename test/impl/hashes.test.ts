/**
 * impl/hashes.ts against the spec's hashes: the same BLAKE3 digests (R4, R11, R15) on random
 * inputs of every size class (empty, within one 1 KiB chunk, across chunks, large).
 */
import fc from 'fast-check';
import { blake3 as nobleBlake3 } from '@noble/hashes/blake3.js';
import { describe, expect, it } from 'vitest';
import { blake3, computeMultiSigMessage, computeTransactionHash } from '../../impl/hashes.ts';
import { bytesToHex, computeMultiSigMessage as specMultiSigMessage, computeTransactionHash as specTransactionHash } from '../../spec/index.ts';

const input = fc.oneof(
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ maxLength: 1024 }),
  fc.uint8Array({ minLength: 1025, maxLength: 9000 }),
);

describe('impl/hashes.ts equals the spec', () => {
  it('blake3 of the empty input is the published test vector', () => {
    expect(bytesToHex(blake3(new Uint8Array(0)))).toBe('af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
  });

  it('computeTransactionHash, computeMultiSigMessage and blake3 agree with the spec and @noble/hashes', () => {
    fc.assert(
      fc.property(input, (bytes) => {
        expect(computeTransactionHash(bytes)).toBe(specTransactionHash(bytes));
        expect(bytesToHex(computeMultiSigMessage(bytes))).toBe(bytesToHex(specMultiSigMessage(bytes)));
        expect(bytesToHex(blake3(bytes))).toBe(bytesToHex(nobleBlake3(bytes)));
      }),
      { numRuns: 300 },
    );
  });

  it('a large input (the state root of thousands of accounts) hashes the same', () => {
    const bytes = new Uint8Array(800_000).map((_, index) => (index * 7919) & 0xff);
    expect(bytesToHex(blake3(bytes))).toBe(bytesToHex(nobleBlake3(bytes)));
  });
});
