/**
 * The JSON test-vector format (see `docs/vectors.md` and `vectors/schema/vector.schema.json`).
 *
 * A vector is one block: a context, a pre-state, transactions as canonical hex (with a
 * decoded form for readers), and the expected receipts, post-state, fee total and state
 * root, or the expected block error. Amounts are decimal strings; bytes are lowercase hex.
 *
 * `_info.hash` is BLAKE3 over the vector's canonical JSON without its `_info` member:
 * object keys sorted by UTF-16 code units, no white space, strings as `JSON.stringify`
 * writes them. The index's root hash is BLAKE3 over the canonical JSON of the sorted list
 * of `[id, hash]` pairs.
 *
 * @module vector-format
 */

import { readFileSync } from 'node:fs';
import { blake3 } from '@noble/hashes/blake3.js';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { describeValidation } from '../schema-errors.ts';
import {
  applyBlock,
  bytesToHex,
  decodeTransaction,
  hexToBytes,
  receiptToJson,
  stateFromJson,
  stateToJson,
  toU64,
  type BlockContext,
  type BlockResult,
  type LedgerModel,
  type ReceiptJson,
  type RejectionCode,
  type RuleId,
  type State,
  type StateJson,
  type Transaction,
} from '../../spec/index.ts';

/** Version of the vector format; bumped on any incompatible change. */
export const VECTOR_FORMAT_VERSION = 1;
/** Name of the generator written into `_info`. */
export const GENERATOR_NAME = 'tos-conformance';
/** Version of the generator written into `_info`. */
export const GENERATOR_VERSION = '0.1.0';

/** The block context in JSON form (R5). */
export interface ContextJson {
  /** Chain id, 0-255. */
  readonly chainId: number;
  /** The block's topoheight, decimal string. */
  readonly topoheight: string;
  /** The miner's key. */
  readonly miner: string;
  /** The ledger model. */
  readonly ledger: LedgerModel;
}

/** A Burn payload in JSON form. */
export interface BurnPayloadJson {
  /** Discriminant. */
  readonly kind: 'burn';
  /** Asset burned. */
  readonly asset: string;
  /** Amount, decimal string. */
  readonly amount: string;
}

/** One transfer in JSON form. */
export interface TransferJson {
  /** Asset sent. */
  readonly asset: string;
  /** Receiving key. */
  readonly destination: string;
  /** Amount, decimal string. */
  readonly amount: string;
  /** Extra data hex, or `null` when absent. */
  readonly extraData: string | null;
}

/** A Transfers payload in JSON form. */
export interface TransfersPayloadJson {
  /** Discriminant. */
  readonly kind: 'transfers';
  /** The transfers, in wire order. */
  readonly transfers: readonly TransferJson[];
}

/** A MultiSig payload in JSON form. */
export interface MultiSigPayloadJson {
  /** Discriminant. */
  readonly kind: 'multisig';
  /** Threshold; 0 deletes. */
  readonly threshold: number;
  /** Participant keys, in stored order. */
  readonly participants: readonly string[];
}

/** A payload in JSON form. */
export type PayloadJson = BurnPayloadJson | TransfersPayloadJson | MultiSigPayloadJson;

/** A reference in JSON form. */
export interface ReferenceJson {
  /** Block hash. */
  readonly hash: string;
  /** Topoheight, decimal string. */
  readonly topoheight: string;
}

/** A multisig signature in JSON form. */
export interface MultiSigSignatureJson {
  /** Participant index. */
  readonly id: number;
  /** Signature `s || e`. */
  readonly signature: string;
}

/** A decoded transaction in JSON form, for readers (the hex is authoritative). */
export interface TransactionJson {
  /** Version byte. */
  readonly version: number;
  /** Chain id. */
  readonly chainId: number;
  /** Source key. */
  readonly source: string;
  /** Payload. */
  readonly payload: PayloadJson;
  /** Fee, decimal string. */
  readonly fee: string;
  /** Fee type byte. */
  readonly feeType: number;
  /** Nonce, decimal string. */
  readonly nonce: string;
  /** Reference. */
  readonly reference: ReferenceJson;
  /** Multisig field, or `null` when absent. */
  readonly multisig: readonly MultiSigSignatureJson[] | null;
  /** Owner signature `s || e`. */
  readonly signature: string;
}

/** One transaction of a vector. */
export interface VectorTransaction {
  /** The wire bytes, lowercase hex: what an implementation executes. */
  readonly hex: string;
  /** The decoded form, or `null` when the bytes do not decode. */
  readonly decoded: TransactionJson | null;
}

/** The expected outcome of a vector's block. */
export type ExpectedJson =
  | {
      /** The block applies. */
      readonly ok: true;
      /** One receipt per transaction, in order. */
      readonly receipts: readonly ReceiptJson[];
      /** The post-state. */
      readonly postState: StateJson;
      /** Sum of accepted fees, decimal string. */
      readonly feeTotal: string;
      /** State root of the post-state (R4). */
      readonly stateRoot: string;
    }
  | {
      /** The block is refused. */
      readonly ok: false;
      /** The block error code. */
      readonly error: 'BlockOverflow';
    };

/** Provenance and content hash of a vector. */
export interface VectorInfo {
  /** Generator name. */
  readonly generator: string;
  /** Generator version. */
  readonly generatorVersion: string;
  /** Vector format version. */
  readonly formatVersion: number;
  /** Where the vector came from. */
  readonly source: 'hand-written' | 'generated' | 'regression';
  /** BLAKE3 of the canonical JSON of the vector without `_info`. */
  readonly hash: string;
}

/** A test vector. */
export interface Vector {
  /** Stable slug id, never changed once published. */
  readonly id: string;
  /** What the vector checks. */
  readonly description: string;
  /** Rule ids exercised. */
  readonly rules: readonly RuleId[];
  /** Free tags (payload kinds, rejection codes, `conflict`, `u64-edge`, ...). */
  readonly tags: readonly string[];
  /** The block context. */
  readonly context: ContextJson;
  /** The pre-state. */
  readonly preState: StateJson;
  /** The block's transactions, in order. */
  readonly transactions: readonly VectorTransaction[];
  /** The expected outcome. */
  readonly expected: ExpectedJson;
  /** Provenance and hash. */
  readonly _info: VectorInfo;
}

/**
 * Canonical JSON: keys sorted, no white space.
 *
 * @param value - a JSON value (no bigint, no undefined)
 * @returns its canonical text
 * @example
 * canonicalJson({ b: 1, a: [2] }) // '{"a":[2],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') throw new TypeError('canonical JSON has no bigint: use decimal strings');
  return JSON.stringify(value);
}

/**
 * The content hash of a vector: BLAKE3 of its canonical JSON without `_info`.
 *
 * @param vector - the vector (its `_info`, if any, is ignored)
 * @returns the hash, lowercase hex
 * @example
 * computeVectorHash(vector) === vector._info.hash
 */
export function computeVectorHash(vector: Omit<Vector, '_info'> & { readonly _info?: unknown }): string {
  const { _info: _ignored, ...content } = vector;
  return bytesToHex(blake3(new TextEncoder().encode(canonicalJson(content))));
}

/**
 * The decoded JSON form of a transaction.
 *
 * @param transaction - the transaction
 * @returns its JSON form
 * @example
 * transactionToJson(decoded.transaction)
 */
export function transactionToJson(transaction: Transaction): TransactionJson {
  const { payload } = transaction;
  const payloadJson: PayloadJson =
    payload.kind === 'burn'
      ? { kind: 'burn', asset: payload.asset, amount: payload.amount.toString() }
      : payload.kind === 'transfers'
        ? {
            kind: 'transfers',
            transfers: payload.transfers.map((t) => ({ asset: t.asset, destination: t.destination, amount: t.amount.toString(), extraData: t.extraData })),
          }
        : { kind: 'multisig', threshold: payload.threshold, participants: [...payload.participants] };
  return {
    version: transaction.version,
    chainId: transaction.chainId,
    source: transaction.source,
    payload: payloadJson,
    fee: transaction.fee.toString(),
    feeType: transaction.feeType,
    nonce: transaction.nonce.toString(),
    reference: { hash: transaction.reference.hash, topoheight: transaction.reference.topoheight.toString() },
    multisig: transaction.multisig === null ? null : transaction.multisig.map(({ id, signature }) => ({ id, signature })),
    signature: transaction.signature,
  };
}

/**
 * The JSON form of a block context.
 *
 * @param context - the context
 * @returns its JSON form
 * @example
 * contextToJson(context)
 */
export function contextToJson(context: BlockContext): ContextJson {
  return { chainId: context.chainId, topoheight: context.topoheight.toString(), miner: context.miner, ledger: context.ledger };
}

/**
 * Read a block context from JSON.
 *
 * @param json - the JSON form
 * @returns the context
 * @example
 * contextFromJson(vector.context)
 */
export function contextFromJson(json: ContextJson): BlockContext {
  return { chainId: json.chainId, topoheight: toU64(BigInt(json.topoheight)), miner: json.miner, ledger: json.ledger };
}

/**
 * The JSON form of a block result.
 *
 * @param result - what `applyBlock` (or an executor) returned
 * @returns the expected-outcome JSON
 * @example
 * resultToJson(applyBlock(state, context, transactions))
 */
export function resultToJson(result: BlockResult): ExpectedJson {
  if (!result.ok) return { ok: false, error: result.error.code };
  return {
    ok: true,
    receipts: result.receipts.map(receiptToJson),
    postState: stateToJson(result.state),
    feeTotal: result.feeTotal.toString(),
    stateRoot: result.stateRoot,
  };
}

/** Everything needed to make a vector, before the spec computes its expected outcome. */
export interface VectorInput {
  /** Stable slug id. */
  readonly id: string;
  /** What it checks. */
  readonly description: string;
  /** Rule ids exercised. */
  readonly rules: readonly RuleId[];
  /** Tags. */
  readonly tags: readonly string[];
  /** Provenance. */
  readonly source: VectorInfo['source'];
  /** Block context. */
  readonly context: BlockContext;
  /** Pre-state. */
  readonly preState: State;
  /** Wire bytes of the transactions. */
  readonly transactions: readonly Uint8Array[];
}

/**
 * Build a vector: the spec computes the expected outcome, and the hash is filled in.
 * Rejection codes of the receipts are added to the tags.
 *
 * @param input - the block and its metadata
 * @returns the vector
 * @example
 * const vector = makeVector({ id: 'r22-sender-is-receiver', ... });
 */
export function makeVector(input: VectorInput): Vector {
  const result = applyBlock(input.preState, input.context, input.transactions);
  const codes = new Set<RejectionCode>();
  if (result.ok) for (const receipt of result.receipts) if (receipt.error) codes.add(receipt.error);
  const content = {
    id: input.id,
    description: input.description,
    rules: [...new Set(input.rules)].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
    tags: [...new Set([...input.tags, ...codes])].sort(),
    context: contextToJson(input.context),
    preState: stateToJson(input.preState),
    transactions: input.transactions.map((bytes) => {
      const decoded = decodeTransaction(bytes);
      return { hex: bytesToHex(bytes), decoded: decoded.ok ? transactionToJson(decoded.value.transaction) : null };
    }),
    expected: resultToJson(result),
  };
  return {
    ...content,
    _info: {
      generator: GENERATOR_NAME,
      generatorVersion: GENERATOR_VERSION,
      formatVersion: VECTOR_FORMAT_VERSION,
      source: input.source,
      hash: computeVectorHash(content),
    },
  };
}

/** The executable parts of a vector. */
export interface VectorBlock {
  /** The pre-state. */
  readonly preState: State;
  /** The block context. */
  readonly context: BlockContext;
  /** The transactions' wire bytes. */
  readonly transactions: Uint8Array[];
}

/**
 * The executable parts of a vector.
 *
 * @param vector - the vector
 * @returns its pre-state, context and transaction bytes
 * @throws InvalidStateError when the pre-state is malformed
 * @example
 * const { preState, context, transactions } = readVectorBlock(vector);
 */
export function readVectorBlock(vector: Vector): VectorBlock {
  return {
    preState: stateFromJson(vector.preState),
    context: contextFromJson(vector.context),
    transactions: vector.transactions.map((transaction) => hexToBytes(transaction.hex)),
  };
}

/** Where the vector JSON Schema lives. */
export const VECTOR_SCHEMA_URL = new URL('../../vectors/schema/vector.schema.json', import.meta.url);

/** A vector file (or text) that cannot be loaded: not readable, not JSON, not a vector, or a block that cannot be read. */
export class VectorFileError extends Error {
  /**
   * @param source - the file (or a name for the text)
   * @param detail - what is wrong
   */
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super(`${source} is not a valid test vector: ${detail}`);
    this.name = 'VectorFileError';
  }
}

let vectorValidator: ValidateFunction<Vector> | undefined;

function validateVectorSchema(value: unknown): string | undefined {
  if (!vectorValidator) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
    vectorValidator = ajv.compile<Vector>(JSON.parse(readFileSync(VECTOR_SCHEMA_URL, 'utf8')) as object);
  }
  if (vectorValidator(value)) return undefined;
  return describeValidation(vectorValidator, value, { rootName: 'vector' }).message;
}

/** Options of {@link parseVector} and {@link readVectorFile}. */
export interface VectorParseOptions {
  /**
   * Also require the content hash to match: {@link computeVectorHash} of the vector must
   * equal its `_info.hash` (default `false`). A vector edited after generation, or
   * damaged in a way the schema cannot see, then fails to load.
   */
  readonly verifyHash?: boolean;
}

/** The format version a parsed value declares, when it is an object with an `_info` object. */
function declaredFormatVersion(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, '_info')) return undefined;
  const info = (value as { _info?: unknown })._info;
  if (info === null || typeof info !== 'object' || Array.isArray(info) || !Object.prototype.hasOwnProperty.call(info, 'formatVersion')) return undefined;
  return (info as { formatVersion?: unknown }).formatVersion;
}

/**
 * Read a vector from JSON text: it must parse, declare the supported format version
 * ({@link VECTOR_FORMAT_VERSION}), match `vectors/schema/vector.schema.json` (so no
 * unknown member, `__proto__` included, no value of the wrong type, no number where a
 * decimal string belongs) and its block must be readable by {@link readVectorBlock}
 * (amounts within u64, a well-formed state); with `verifyHash`, its content hash must
 * also equal `_info.hash`. Total over any text: anything else is a
 * {@link VectorFileError}.
 *
 * @param text - the file's text
 * @param source - the file name, for messages
 * @param options - whether to verify the content hash too
 * @returns the vector
 * @throws VectorFileError when the text is not a usable vector
 * @example
 * const vector = parseVector(readFileSync(file, 'utf8'), file, { verifyHash: true });
 */
export function parseVector(text: string, source: string, options: VectorParseOptions = {}): Vector {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new VectorFileError(source, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const version = declaredFormatVersion(value);
  if (version !== undefined && version !== VECTOR_FORMAT_VERSION) {
    let shown: string;
    try {
      shown = JSON.stringify(version)?.slice(0, 40) ?? String(version);
    } catch {
      shown = typeof version;
    }
    throw new VectorFileError(source, `_info.formatVersion is ${shown}, but this tool reads format version ${VECTOR_FORMAT_VERSION} only`);
  }
  let problem: string | undefined;
  try {
    problem = validateVectorSchema(value);
  } catch (error) {
    problem = `could not be checked against the schema (${error instanceof Error ? error.message : String(error)})`;
  }
  if (problem !== undefined) throw new VectorFileError(source, problem);
  const vector = value as Vector;
  try {
    readVectorBlock(vector);
  } catch (error) {
    throw new VectorFileError(source, `its block cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  if (options.verifyHash === true) {
    const hash = computeVectorHash(vector);
    if (hash !== vector._info.hash) {
      throw new VectorFileError(source, `its content hash is ${hash}, not the _info.hash ${vector._info.hash} it declares (edited after generation, or damaged)`);
    }
  }
  return vector;
}

/**
 * Read and check one vector file ({@link parseVector}).
 *
 * @param file - the path of a `.json` vector file
 * @param options - whether to verify the content hash too
 * @returns the vector
 * @throws VectorFileError when the file cannot be read or is not a usable vector
 * @example
 * const vector = readVectorFile('vectors/rules/r22-sender-is-receiver.json', { verifyHash: true });
 */
export function readVectorFile(file: string, options: VectorParseOptions = {}): Vector {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new VectorFileError(file, `cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  return parseVector(text, file, options);
}
