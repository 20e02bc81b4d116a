/**
 * The stateless stage (docs/architecture.md, step 1): decode each transaction and check every
 * signature it carries, independently of state, so that it can run on any thread.
 *
 * The owner signature (R26) depends only on the bytes. Multisig signatures (R27) depend on
 * the configuration of the source account: this stage checks them against the
 * configuration the account has *before* the block; the apply stage re-checks a
 * transaction whose account changed configuration earlier in the block.
 *
 * Signatures are checked with the executor's own Ristretto255 (impl/ristretto.ts, libsodium
 * in WebAssembly), not with the spec's.
 *
 * It also hashes each transaction (R11) for the receipts, so that the calling thread,
 * which decodes the block for scheduling meanwhile, need not. Results are small verdict
 * codes, two bytes per transaction in one buffer, and the hashes.
 *
 * @module verify
 */

import {
  decodeTransactionFields,
  type DecodedFields,
  type FieldsDecodeResult,
  type Hash,
  type MultiSigConfig,
  type MultiSigSignature,
  type RejectionCode,
  type Transaction,
} from '../spec/index.ts';
import { computeMultiSigMessage, computeTransactionHash } from './hashes.ts';
import { decodePublicKey, verifySignature, type SodiumVerifyingKey } from './ristretto.ts';

/** Verdict on the owner signature (R26). */
export const OwnerVerdict = {
  /** The source key decodes and the signature verifies. */
  Valid: 0,
  /** The source key is not a Ristretto point: `InvalidPublicKey`. */
  InvalidPublicKey: 1,
  /** The signature does not verify: `InvalidSignature`. */
  InvalidSignature: 2,
  /** The bytes did not decode; nothing was checked. */
  NotDecoded: 255,
} as const;

/** Verdict on the multisig authorisation (R27), for a given configuration. */
export const MultiSigVerdict = {
  /** Authorised (or no configuration and no multisig field). */
  Valid: 0,
  /** `MultiSigNotFound`. */
  NotFound: 1,
  /** `MultiSigNotConfigured`. */
  NotConfigured: 2,
  /** `MultiSigParticipants` (count, or an id out of range). */
  Participants: 3,
  /** `InvalidPublicKey` (a participant key). */
  InvalidPublicKey: 4,
  /** `InvalidSignature` (a participant signature). */
  InvalidSignature: 5,
} as const;

/** The rejection code of each non-valid {@link MultiSigVerdict}. */
export const MULTISIG_VERDICT_CODES: Readonly<Record<number, RejectionCode>> = {
  [MultiSigVerdict.NotFound]: 'MultiSigNotFound',
  [MultiSigVerdict.NotConfigured]: 'MultiSigNotConfigured',
  [MultiSigVerdict.Participants]: 'MultiSigParticipants',
  [MultiSigVerdict.InvalidPublicKey]: 'InvalidPublicKey',
  [MultiSigVerdict.InvalidSignature]: 'InvalidSignature',
};

/** Decoded keys kept between signatures (hot accounts and multisig participants sign many). */
const decodedKeys = new Map<string, SodiumVerifyingKey | null>();

/** Keys kept at most; the cache starts afresh when it is full. */
const DECODED_KEYS_LIMIT = 4096;

/**
 * {@link decodePublicKey} with a bounded cache: decoding is a pure function of the bytes,
 * so a key decoded once (or refused once) is not decoded again.
 */
function decodeKey(publicKey: string): SodiumVerifyingKey | undefined {
  let key = decodedKeys.get(publicKey);
  if (key === undefined) {
    if (decodedKeys.size >= DECODED_KEYS_LIMIT) decodedKeys.clear();
    key = decodePublicKey(publicKey) ?? null;
    decodedKeys.set(publicKey, key);
  }
  return key ?? undefined;
}

/**
 * Check the multisig authorisation of a transaction against a configuration (R27).
 *
 * @param config - the configuration to check against, or `null`
 * @param signatures - the transaction's multisig field, or `null`
 * @param signingBytes - the transaction's signing bytes
 * @returns a {@link MultiSigVerdict} code
 * @example
 * verifyMultiSig(account.multisig, tx.multisig, decoded.signingBytes) === MultiSigVerdict.Valid
 */
export function verifyMultiSig(
  config: MultiSigConfig | null,
  signatures: readonly MultiSigSignature[] | null,
  signingBytes: Uint8Array,
): number {
  if (config === null) {
    return signatures === null ? MultiSigVerdict.Valid : MultiSigVerdict.NotConfigured;
  }
  if (signatures === null) return MultiSigVerdict.NotFound;
  if (signatures.length !== config.threshold) return MultiSigVerdict.Participants;
  const message = computeMultiSigMessage(signingBytes);
  for (const { id, signature } of signatures) {
    const participant = config.participants[id];
    if (participant === undefined) return MultiSigVerdict.Participants;
    const point = decodeKey(participant);
    if (point === undefined) return MultiSigVerdict.InvalidPublicKey;
    if (!verifySignature(point, message, signature)) return MultiSigVerdict.InvalidSignature;
  }
  return MultiSigVerdict.Valid;
}

/**
 * The stateless stage for one transaction: decode it, hash it (R11) and verify its
 * signatures.
 *
 * @param bytes - the wire bytes
 * @param config - the source account's configuration before the block, or `null`
 * @returns `[owner verdict, multisig verdict, hash]`; the hash is `null` when the bytes do not decode
 * @example
 * const [owner, multisig, hash] = verifyTransactionBytes(bytes, null);
 */
export function verifyTransactionBytes(bytes: Uint8Array, config: MultiSigConfig | null): readonly [number, number, Hash | null] {
  return verifyFields(decodeTransactionFields(bytes), config);
}

/**
 * The stateless stage for one transaction decoded already: hash it (R11) and verify its
 * signatures.
 *
 * @param decoded - the result of `decodeTransactionFields`
 * @param config - the source account's configuration before the block, or `null`
 * @returns `[owner verdict, multisig verdict, hash]`; the hash is `null` when the bytes did not decode
 * @example
 * const [owner, multisig, hash] = verifyFields(decodeTransactionFields(bytes), null);
 */
export function verifyFields(decoded: FieldsDecodeResult, config: MultiSigConfig | null): readonly [number, number, Hash | null] {
  const [owner, multisig] = verifyDecoded(decoded.ok ? decoded.value : null, config);
  return [owner, multisig, decoded.ok ? computeTransactionHash(decoded.value.bytes) : null];
}

/**
 * Verify the signatures of a transaction decoded already.
 *
 * @param decoded - the decoded transaction, or `null` when it did not decode
 * @param config - the source account's configuration before the block, or `null`
 * @returns `[owner verdict, multisig verdict]`
 * @example
 * const [owner, multisig] = verifyDecoded(decoded, null);
 */
export function verifyDecoded(decoded: DecodedFields | null, config: MultiSigConfig | null): readonly [number, number] {
  if (decoded === null) return [OwnerVerdict.NotDecoded, MultiSigVerdict.Valid];
  const { transaction, signingBytes } = decoded;
  const sourceKey = decodeKey(transaction.source);
  const owner =
    sourceKey === undefined
      ? OwnerVerdict.InvalidPublicKey
      : verifySignature(sourceKey, signingBytes, transaction.signature)
        ? OwnerVerdict.Valid
        : OwnerVerdict.InvalidSignature;
  return [owner, verifyMultiSig(config, transaction.multisig, signingBytes)];
}

/** A batch of transactions packed for a worker: one buffer of concatenated bytes. */
export interface VerifyTask {
  /** All transactions' bytes, concatenated. */
  readonly data: Uint8Array;
  /** `offsets[i]..offsets[i+1]` is transaction i; length `count + 1`. */
  readonly offsets: Uint32Array;
  /** The pre-block multisig configuration of each transaction's source (or `null`). */
  readonly configs: readonly (MultiSigConfig | null)[];
  /** Return the decoded fields too ({@link VerifyTaskResult.decoded}), so the caller need not decode again. */
  readonly returnDecoded?: boolean;
}

/**
 * A transaction as the stateless stage decoded it, in a form that crosses threads cheaply:
 * the fields and the length of the signing bytes (a prefix of the wire bytes the caller
 * holds), or the decoding rejection.
 */
export type WireDecoded =
  | {
      /** The decoded fields. */
      readonly transaction: Transaction;
      /** The signing bytes are the first `signingLength` bytes of the encoding. */
      readonly signingLength: number;
    }
  | {
      /** Why the bytes do not decode: `InvalidFormat` or `UnsupportedTransactionType`. */
      readonly rejection: RejectionCode;
    };

function toWire(result: FieldsDecodeResult): WireDecoded {
  return result.ok
    ? { transaction: result.value.transaction, signingLength: result.value.signingBytes.length }
    : { rejection: result.rejection.code };
}

/**
 * Pack transactions into one {@link VerifyTask}.
 *
 * @param transactions - wire bytes
 * @param configs - pre-block configuration of each source, same length
 * @param returnDecoded - ask the worker for the decoded fields too
 * @returns the packed task
 * @example
 * const task = packVerifyTask(batch, batch.map(() => null));
 */
export function packVerifyTask(transactions: readonly Uint8Array[], configs: readonly (MultiSigConfig | null)[], returnDecoded = false): VerifyTask {
  const offsets = new Uint32Array(transactions.length + 1);
  let total = 0;
  transactions.forEach((bytes, index) => {
    offsets[index] = total;
    total += bytes.length;
  });
  offsets[transactions.length] = total;
  const data = new Uint8Array(total);
  transactions.forEach((bytes, index) => data.set(bytes, offsets[index]!));
  return returnDecoded ? { data, offsets, configs, returnDecoded } : { data, offsets, configs };
}

/** What a verify task returns. */
export interface VerifyTaskResult {
  /** Two verdict bytes per transaction, owner ({@link OwnerVerdict}) then multisig ({@link MultiSigVerdict}). */
  readonly verdicts: Uint8Array;
  /** Each transaction's hash (R11), or `null` for bytes that do not decode. */
  readonly hashes: (Hash | null)[];
  /** Each transaction decoded, when the task asked for it ({@link VerifyTask.returnDecoded}). */
  readonly decoded?: WireDecoded[];
}

/** Collect `count` per-transaction results into one {@link VerifyTaskResult}. */
function collectVerdicts(count: number, verifyOne: (index: number) => readonly [number, number, Hash | null]): VerifyTaskResult {
  const verdicts = new Uint8Array(2 * count);
  const hashes: (Hash | null)[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const [owner, multisig, hash] = verifyOne(index);
    verdicts[2 * index] = owner;
    verdicts[2 * index + 1] = multisig;
    hashes[index] = hash;
  }
  return { verdicts, hashes };
}

/**
 * Run a packed batch through {@link verifyTransactionBytes}.
 *
 * @param task - the packed batch
 * @returns `2 * count` verdict bytes and `count` hashes, in batch order
 * @example
 * const { verdicts, hashes } = runVerifyTask(packVerifyTask(batch, configs));
 */
export function runVerifyTask(task: VerifyTask): VerifyTaskResult {
  const count = task.offsets.length - 1;
  const decoded: WireDecoded[] | undefined = task.returnDecoded === true ? new Array(count) : undefined;
  const result = collectVerdicts(count, (index) => {
    const fields = decodeTransactionFields(task.data.subarray(task.offsets[index]!, task.offsets[index + 1]!));
    if (decoded !== undefined) decoded[index] = toWire(fields);
    return verifyFields(fields, task.configs[index] ?? null);
  });
  return decoded === undefined ? result : { ...result, decoded };
}

/**
 * The stateless stage in the calling thread for transactions decoded already (by
 * `decodeTransactionFields`): the same result {@link runVerifyTask} gives for their bytes.
 *
 * @param decoded - the decoded transactions
 * @param configs - the pre-block configuration of each source, same length
 * @returns `2 * count` verdict bytes and `count` hashes, in order
 * @example
 * const { verdicts, hashes } = verifyDecodedBatch(transactions.map(decodeTransactionFields), configs);
 */
export function verifyDecodedBatch(decoded: readonly FieldsDecodeResult[], configs: readonly (MultiSigConfig | null)[]): VerifyTaskResult {
  return collectVerdicts(decoded.length, (index) => verifyFields(decoded[index]!, configs[index] ?? null));
}
