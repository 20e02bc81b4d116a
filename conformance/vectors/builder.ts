/**
 * Builders for the hand-written vector scenarios: named deterministic keys (R16), a
 * signing transaction builder, payload helpers, raw byte patches, and {@link buildVector},
 * which turns a scenario into a {@link Vector} with `makeVector` and checks the outcome the
 * scenario's author wrote down by hand against what the spec computes (a scenario whose
 * hand expectation disagrees with the spec stops the generator).
 *
 * Builders only make inputs; the expected outcome in every vector is the spec's.
 *
 * @module vector-builder
 */

import {
  applyMinerFees,
  applyTransaction,
  beginLedger,
  computeFeeTotal,
  bytesToHex,
  computeChallenge,
  computeRequiredFee,
  createState,
  decodeTransaction,
  encodeScalar,
  encodeSigningBytes,
  encodeTransaction,
  hexToBytes,
  MAX_U64,
  SIGNATURE_GENERATOR,
  toU64,
  TOS_ASSET,
  type BlockContext,
  type LedgerModel,
  type Payload,
  type Receipt,
  type RejectionCode,
  type RuleId,
  type State,
  type StateInit,
  type Transaction,
  type Transfer,
} from '../../spec/index.ts';
import { createTestKey, signTransaction, type TestKey } from '../../spec/test-keys.ts';
import { makeVector, type Vector, type VectorInfo } from './format.ts';

// ---------------------------------------------------------------------------------------
// Keys and constants
// ---------------------------------------------------------------------------------------

export const alice = createTestKey('alice');
export const bob = createTestKey('bob');
export const carol = createTestKey('carol');
export const dave = createTestKey('dave');
export const erin = createTestKey('erin');
/** The neighbour that sends an accepted transfer next to a rejected one. */
export const frank = createTestKey('frank');
export const grace = createTestKey('grace');
export const miner = createTestKey('miner');
/** Never in any pre-state. */
export const ghost = createTestKey('ghost');
/** At nonce 2^64 - 1 in the precedence base state. */
export const poor = createTestKey('poor');

/** A registered non-TOS asset. */
export const ASSET_A = 'aa'.repeat(32);
/** An asset that is never registered (unless a scenario says so). */
export const ASSET_UNREGISTERED = 'bb'.repeat(32);
/** 32 bytes that are not a valid Ristretto encoding. */
export const INVALID_POINT = 'ff'.repeat(32);
/** The identity point encoding: decodes, anyone can sign for it (R14). */
export const IDENTITY_KEY = '00'.repeat(32);

export const MAX: bigint = MAX_U64;
export const TWO_63 = 1n << 63n;

/** Default block context: chain 0, topoheight 10, the miner key, `immediate`. */
export function context(overrides: Partial<BlockContext> = {}): BlockContext {
  return { chainId: 0, topoheight: toU64(10n), miner: miner.publicKey, ledger: 'immediate', ...overrides };
}

// ---------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------

export function transfer(destination: string, amount: bigint, asset: string = TOS_ASSET, extraData: string | null = null): Transfer {
  return { asset, destination, amount: toU64(amount), extraData };
}

export function pay(...transfers: Transfer[]): Payload {
  return { kind: 'transfers', transfers };
}

export function burn(amount: bigint, asset: string = TOS_ASSET): Payload {
  return { kind: 'burn', asset, amount: toU64(amount) };
}

export function multisig(threshold: number, participants: readonly string[]): Payload {
  return { kind: 'multisig', threshold, participants };
}

/** `n` raw bytes of extra data, as hex. */
export function extra(n: number): string {
  return 'ab'.repeat(n);
}

/** `count` transfers of 1 TOS to `destination`, each with `rawBytes` of extra data. */
export function many(count: number, rawBytes: number, destination: string = bob.publicKey): Transfer[] {
  return Array.from({ length: count }, () => transfer(destination, 1n, TOS_ASSET, extra(rawBytes)));
}

// ---------------------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------------------

/** What a transaction is built from. */
export interface TxOptions {
  readonly source?: TestKey;
  /** Override the source key bytes; the signature is still made with `source`'s secret. */
  readonly sourceKey?: string;
  readonly payload: Payload;
  /** The fee; by default exactly the required fee (R19). */
  readonly fee?: bigint;
  readonly nonce?: bigint;
  readonly chainId?: number;
  readonly referenceTopoheight?: bigint;
  readonly version?: number;
  readonly feeType?: number;
  /** Participants that sign, in wire order; `null` (default) omits the multisig field. */
  readonly multisigSigners?: readonly { readonly id: number; readonly key: TestKey }[] | null;
  /** Sign the owner signature with this key instead of `source`. */
  readonly signer?: TestKey;
  /** Change the encoded bytes after signing (damage, patched fields). */
  readonly patch?: (bytes: Uint8Array) => Uint8Array;
}

function sizeOf(transaction: Transaction, signatureCount: number | null): number {
  const multisigField = signatureCount === null ? null : Array.from({ length: signatureCount }, (_, id) => ({ id, signature: '00'.repeat(64) }));
  return encodeTransaction({ ...transaction, multisig: multisigField }).length;
}

/** The transaction these options build, fee filled in, not yet signed; and its multisig signers. */
function prepare(options: TxOptions): { unsigned: Transaction; signers: { id: number; secret: bigint }[] | null } {
  const source = options.source ?? alice;
  const unsigned: Transaction = {
    version: options.version ?? 1,
    chainId: options.chainId ?? 0,
    source: options.sourceKey ?? source.publicKey,
    payload: options.payload,
    fee: toU64(options.fee ?? 0n),
    feeType: options.feeType ?? 0,
    nonce: toU64(options.nonce ?? 0n),
    reference: { hash: '00'.repeat(32), topoheight: toU64(options.referenceTopoheight ?? 0n) },
    multisig: null,
    signature: '00'.repeat(64),
  };
  const signers = options.multisigSigners?.map(({ id, key }) => ({ id, secret: key.secret })) ?? null;
  if (options.fee !== undefined) return { unsigned, signers };
  const fee = computeRequiredFee(
    { ...unsigned, multisig: signers?.map((s) => ({ id: s.id, signature: '' })) ?? null },
    sizeOf(unsigned, signers?.length ?? null),
  );
  return { unsigned: { ...unsigned, fee }, signers };
}

/** The required fee (R19) of the transaction these options build (their `fee` is ignored), from its encoded size. */
export function requiredFeeOf(options: TxOptions): bigint {
  const { fee: _ignored, ...rest } = options;
  return prepare(rest).unsigned.fee;
}

/** Build and sign a transaction (deterministic signatures, R16). With no `fee`, the fee is exactly the required fee. */
export function buildTransaction(options: TxOptions): Transaction {
  const { unsigned, signers } = prepare(options);
  return signTransaction(unsigned, (options.signer ?? options.source ?? alice).secret, signers);
}

/** Build, sign, encode and patch. */
export function encode(options: TxOptions): Uint8Array {
  const bytes = encodeTransaction(buildTransaction(options));
  return options.patch ? options.patch(bytes) : bytes;
}

/** Byte offset of the payload tag: version (1) + chain id (1) + source (32). */
export const TAG_OFFSET = 34;

/** A patch setting one byte. */
export function setByte(offset: number, value: number): (bytes: Uint8Array) => Uint8Array {
  return (bytes) => {
    const copy = bytes.slice();
    copy[offset < 0 ? copy.length + offset : offset] = value;
    return copy;
  };
}

/** A patch keeping the first `length` bytes (negative: dropping that many from the end). */
export function truncate(length: number): (bytes: Uint8Array) => Uint8Array {
  return (bytes) => bytes.slice(0, length < 0 ? bytes.length + length : length);
}

/** A patch appending bytes. */
export function append(...values: number[]): (bytes: Uint8Array) => Uint8Array {
  return (bytes) => {
    const out = new Uint8Array(bytes.length + values.length);
    out.set(bytes);
    out.set(values, bytes.length);
    return out;
  };
}

/** A patch replacing bytes from `offset` (negative: from the end) with `hex`. */
export function overwrite(offset: number, hex: string): (bytes: Uint8Array) => Uint8Array {
  return (bytes) => {
    const copy = bytes.slice();
    copy.set(hexToBytes(hex), offset < 0 ? copy.length + offset : offset);
    return copy;
  };
}

/** The group order L as 32 little-endian bytes (hex): the smallest non-canonical scalar (R10). */
export const GROUP_ORDER_LE_HEX = 'edd3f55c1a631258d69cf7a2def9de14' + '00'.repeat(15) + '10';

/**
 * A transaction from the identity key (32 zero bytes), signed without any secret (R14):
 * `R = s*H`, `e = challenge(0^32, signing bytes, R)`.
 */
export function forgeIdentity(payload: Payload, fee: bigint, nonce = 0n, s = 987_654_321n): Uint8Array {
  const unsigned: Transaction = {
    version: 1,
    chainId: 0,
    source: IDENTITY_KEY,
    payload,
    fee: toU64(fee),
    feeType: 0,
    nonce: toU64(nonce),
    reference: { hash: '00'.repeat(32), topoheight: toU64(0n) },
    multisig: null,
    signature: '00'.repeat(64),
  };
  const signing = encodeSigningBytes(unsigned);
  const e = computeChallenge(new Uint8Array(32), signing, SIGNATURE_GENERATOR.multiply(s).toBytes());
  return encodeTransaction({ ...unsigned, signature: bytesToHex(encodeScalar(s)) + bytesToHex(encodeScalar(e)) });
}

// ---------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------

/** An expected receipt outcome written by hand: `null` for applied, else the code. */
export type Outcome = RejectionCode | null;

/** A hand-written vector before the spec computes its outcome. */
export interface Scenario {
  /** Stable slug id. */
  readonly id: string;
  /** What it checks. */
  readonly description: string;
  /** Rules it exercises (the rules of the rejections that occur are added). */
  readonly rules: readonly RuleId[];
  /** Extra tags. */
  readonly tags?: readonly string[];
  /** Context overrides (default: {@link context}). */
  readonly context?: Partial<BlockContext>;
  /** The pre-state. */
  readonly state: StateInit | State;
  /** The transactions, built or raw. */
  readonly transactions: readonly (TxOptions | Uint8Array)[];
  /** The outcome worked out by hand: per receipt, or the block error. */
  readonly expect: readonly Outcome[] | 'BlockOverflow';
}

/** A vector with the directory it goes to. */
export interface CategorisedVector {
  readonly category: string;
  readonly vector: Vector;
}

function isState(value: StateInit | State): value is State {
  return 'accounts' in value && value.accounts !== undefined && typeof (value.accounts as { get?: unknown }).get === 'function';
}

/** Tags derived from the transactions: payload kinds, undecodable bytes, empty block. */
function derivedTags(transactions: readonly Uint8Array[], refused: boolean): string[] {
  const tags = new Set<string>();
  if (transactions.length === 0) tags.add('empty-block');
  if (refused) tags.add('block-error');
  for (const bytes of transactions) {
    const decoded = decodeTransaction(bytes);
    if (!decoded.ok) tags.add('undecodable');
    else {
      tags.add(decoded.value.transaction.payload.kind);
      if (decoded.value.transaction.multisig !== null) tags.add('multisig-field');
    }
  }
  return [...tags];
}

/** Replay a block transaction by transaction: the rules of its rejections, and whether R32 refuses it. */
export function replayBlock(state: State, ctx: BlockContext, transactions: readonly Uint8Array[]): { rules: RuleId[]; refused: boolean } {
  let ledger = beginLedger(ctx.ledger, state);
  const rules: RuleId[] = [];
  const receipts: Receipt[] = [];
  for (const bytes of transactions) {
    const result = applyTransaction(ledger, ctx, bytes);
    ledger = result.ledger;
    receipts.push(result.receipt);
    if (result.rejection) rules.push(result.rejection.rule);
  }
  const finished = applyMinerFees(ledger, ctx, computeFeeTotal(receipts));
  return { rules, refused: 'code' in finished };
}

/** Everything {@link makeBlockVector} needs. */
export interface BlockInput {
  readonly id: string;
  readonly description: string;
  readonly rules: readonly RuleId[];
  readonly tags: readonly string[];
  readonly source: VectorInfo['source'];
  readonly context: BlockContext;
  readonly state: State;
  readonly transactions: readonly Uint8Array[];
}

/** Make a vector, adding derived tags and the rules of the rejections that occur (R32 for a refused block). */
export function makeBlockVector(input: BlockInput): Vector {
  const replay = replayBlock(input.state, input.context, input.transactions);
  const rules = [...input.rules, ...replay.rules, ...(replay.refused ? (['R32'] as RuleId[]) : [])];
  const vector = makeVector({
    id: input.id,
    description: input.description,
    rules,
    tags: [...input.tags, ...derivedTags(input.transactions, replay.refused), input.context.ledger],
    source: input.source,
    context: input.context,
    preState: input.state,
    transactions: input.transactions,
  });
  if (vector.expected.ok === replay.refused) throw new Error(`vector ${input.id}: replay and applyBlock disagree on refusal`);
  return vector;
}

/**
 * Build the vector of a scenario and check the hand-written outcome against the spec.
 *
 * @throws Error when the spec's outcome differs from `scenario.expect`
 */
export function buildVector(category: string, scenario: Scenario): CategorisedVector {
  const state = isState(scenario.state) ? scenario.state : createState(scenario.state);
  const ctx = context(scenario.context);
  const transactions = scenario.transactions.map((tx) => (tx instanceof Uint8Array ? tx : encode(tx)));
  const vector = makeBlockVector({
    id: scenario.id,
    description: scenario.description,
    rules: scenario.rules,
    tags: scenario.tags ?? [],
    source: 'hand-written',
    context: ctx,
    state,
    transactions,
  });
  const actual: readonly Outcome[] | 'BlockOverflow' = vector.expected.ok ? vector.expected.receipts.map((r) => r.error) : vector.expected.error;
  if (JSON.stringify(actual) !== JSON.stringify(scenario.expect)) {
    throw new Error(`scenario ${scenario.id}: expected ${JSON.stringify(scenario.expect)} by hand, the spec gives ${JSON.stringify(actual)}`);
  }
  return { category, vector };
}

/** Both ledger models with their id suffixes. */
export const LEDGERS: readonly { readonly ledger: LedgerModel; readonly suffix: string }[] = [
  { ledger: 'immediate', suffix: 'immediate' },
  { ledger: 'deferred-credits', suffix: 'deferred' },
];
