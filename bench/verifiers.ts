/**
 * `npm run bench:verifiers`: the Ristretto255 verification candidates for the executor,
 * side by side in one run on the same signatures. Each verifies a TOS Schnorr signature
 * (R14) end to end: decode the key, `R = s*H - e*P`, `e == SHA3-512(P || msg || R) mod L`.
 *
 * - `@noble/curves` (the spec, spec/signature.ts): pure JavaScript BigInt arithmetic.
 * - `libsodium-sumo` (the executor, impl/ristretto.ts): libsodium in WebAssembly, called
 *   on fixed buffers in its memory, SHA3-512 included.
 * - `libsodium-wrappers-sumo`: the same library through its wrapper API (a copy in and out
 *   of WebAssembly memory per call).
 * - `ristretto255`: a pure-JavaScript implementation on TweetNaCl's field arithmetic.
 *
 * `sodium-native` (native libsodium with prebuilt binaries) is not a candidate: it binds no
 * `crypto_core_ristretto255_*` or `crypto_scalarmult_ristretto255` function.
 *
 * Also imported by bench/run.ts, whose report includes this table.
 */
import { performance } from 'node:perf_hooks';
import { sha3_512 } from '@noble/hashes/sha3.js';
import sodiumWrappers from 'libsodium-wrappers-sumo';
import tweetRistretto from 'ristretto255';
import { decodePublicKey as sodiumDecode, SIGNATURE_GENERATOR_BYTES, verifySignature as sodiumVerify } from '../impl/ristretto.ts';
import { decodePublicKey, getPublicKey, GROUP_ORDER, hexToBytes, readLittleEndian, reduceWide, signWithNonce, verifySignature, type Hex } from '../spec/index.ts';
import { createRandom } from './random.ts';

await sodiumWrappers.ready;

/** One signature to verify: key, message and signature as the executor sees them. */
interface Sample {
  readonly key: Hex;
  readonly message: Uint8Array;
  readonly signature: Hex;
}

/** A candidate: a name and a function that verifies one sample. */
interface Candidate {
  readonly name: string;
  readonly verify: (sample: Sample) => boolean;
}

/** `e == SHA3-512(P || msg || R) mod L`, given `R`. */
function challengeMatches(key: Uint8Array, message: Uint8Array, commitment: Uint8Array, e: Uint8Array): boolean {
  const input = new Uint8Array(64 + message.length);
  input.set(key, 0);
  input.set(message, 32);
  input.set(commitment, 32 + message.length);
  return reduceWide(sha3_512(input)) === readLittleEndian(e);
}

/** `s*H - e*P` and the challenge with a library that multiplies and subtracts encodings. */
function viaEncodings(
  isValid: (point: Uint8Array) => boolean,
  multiply: (scalar: Uint8Array, point: Uint8Array) => Uint8Array,
  subtract: (left: Uint8Array, right: Uint8Array) => Uint8Array,
): (sample: Sample) => boolean {
  return ({ key, message, signature }) => {
    const point = hexToBytes(key);
    if (!isValid(point)) return false;
    const scalars = hexToBytes(signature);
    const s = scalars.subarray(0, 32);
    const e = scalars.subarray(32, 64);
    if (readLittleEndian(s) >= GROUP_ORDER || readLittleEndian(e) >= GROUP_ORDER) return false;
    return challengeMatches(point, message, subtract(multiply(s, SIGNATURE_GENERATOR_BYTES), multiply(e, point)), e);
  };
}

/** The candidates, the spec's first. */
export const CANDIDATES: readonly Candidate[] = [
  {
    name: '@noble/curves 2.4.0 (spec)',
    verify: ({ key, message, signature }) => {
      const decoded = decodePublicKey(key);
      return decoded !== undefined && verifySignature(decoded, message, signature);
    },
  },
  {
    name: 'libsodium-sumo 0.8.4, raw WebAssembly (executor)',
    verify: ({ key, message, signature }) => {
      const decoded = sodiumDecode(key);
      return decoded !== undefined && sodiumVerify(decoded, message, signature);
    },
  },
  {
    name: 'libsodium-wrappers-sumo 0.8.4',
    verify: viaEncodings(
      (point) => sodiumWrappers.crypto_core_ristretto255_is_valid_point(point),
      (scalar, point) => sodiumWrappers.crypto_scalarmult_ristretto255(scalar, point),
      (left, right) => sodiumWrappers.crypto_core_ristretto255_sub(left, right),
    ),
  },
  {
    name: 'ristretto255 0.1.2 (TweetNaCl)',
    verify: viaEncodings(tweetRistretto.isValid, tweetRistretto.scalarMult, tweetRistretto.sub),
  },
];

/** Signatures of random 200-byte messages (a transaction's signing bytes) by random keys, seeded. */
export function verifierSamples(count: number, seed: number): Sample[] {
  const next = createRandom(seed);
  const random = (length: number): Uint8Array => Uint8Array.from({ length }, () => Math.floor(next() * 256));
  return Array.from({ length: count }, () => {
    const secret = (readLittleEndian(random(40)) % (GROUP_ORDER - 1n)) + 1n;
    const message = random(200);
    return { key: getPublicKey(secret), message, signature: signWithNonce(secret, message, readLittleEndian(random(40)) % GROUP_ORDER) };
  });
}

/** One candidate's result: its median rate and its per-round ratio to the first candidate. */
export interface VerifierResult {
  /** The candidate. */
  readonly name: string;
  /** Median signatures verified per second on one core. */
  readonly perSecond: number;
  /** Median of the per-round ratios of its rate to the spec's. */
  readonly vsSpec: number;
}

/**
 * Time every candidate on the same samples, `rounds` times, alternating the order.
 *
 * @param samples - the signatures
 * @param rounds - rounds (the median is reported)
 * @returns one result per candidate, in {@link CANDIDATES} order
 */
export function compareVerifiers(samples: readonly Sample[], rounds: number): VerifierResult[] {
  const rates = CANDIDATES.map(() => [] as number[]);
  const ratios = CANDIDATES.map(() => [] as number[]);
  for (const candidate of CANDIDATES) {
    if (!samples.every((sample) => candidate.verify(sample))) throw new Error(`${candidate.name} rejected a valid signature`);
  }
  for (let round = 0; round < rounds; round++) {
    const order = CANDIDATES.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    const roundRates: number[] = [];
    for (const index of order) {
      const started = performance.now();
      for (const sample of samples) CANDIDATES[index]!.verify(sample);
      roundRates[index] = samples.length / ((performance.now() - started) / 1000);
    }
    roundRates.forEach((rate, index) => {
      rates[index]!.push(rate);
      ratios[index]!.push(rate / roundRates[0]!);
    });
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return CANDIDATES.map((candidate, index) => ({ name: candidate.name, perSecond: median(rates[index]!), vsSpec: median(ratios[index]!) }));
}

/** The comparison as a markdown table. */
export function verifierTable(results: readonly VerifierResult[]): string {
  return [
    '| candidate | signatures/s (one core) | x the spec |',
    '| --- | --- | --- |',
    ...results.map((result) => `| ${result.name} | ${result.perSecond.toFixed(0)} | ${result.vsSpec.toFixed(2)}x |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const samples = verifierSamples(200, 11);
  console.log(`Ristretto255 verification candidates, ${samples.length} signatures, 5 rounds, Node ${process.version}`);
  console.log(verifierTable(compareVerifiers(samples, 5)));
}
