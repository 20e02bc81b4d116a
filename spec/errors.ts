/**
 * The closed list of outcomes other than success (docs/semantics.md, "Codes").
 *
 * A rejected transaction is a value, never an exception: {@link Rejection} is a plain
 * JSON-able object whose `code` comes from the closed union {@link RejectionCode}. A block
 * that cannot be applied at all yields a {@link BlockError} (only `BlockOverflow`, R32).
 * A thrown {@link SpecInvariantError} means the spec itself broke one of its own
 * invariants: it is a bug, never a verdict about the input.
 *
 * Adding a code is a change to the rules brief, not a local decision.
 *
 * @module errors
 */

/**
 * Every transaction rejection code, each mapped to the rule that produces it. The order
 * of the keys is the order of the checks (the error precedence, R17-R29) where a code
 * belongs to one check; codes used by several checks sit at their first one.
 */
export const REJECTION_CODES = {
  /** R17 (R6-R10, R18): the bytes are not a well-formed T1 transaction of a supported kind. */
  InvalidFormat: 'R17',
  /** R9: payload tag 3..7 (contracts, UNO, shield, unshield), outside this spec. */
  UnsupportedTransactionType: 'R9',
  /** R19: the fee is below the required fee. */
  InvalidTxFee: 'R19',
  /** R20: the reference topoheight is not below the block's topoheight. */
  InvalidReferenceTopoheight: 'R20',
  /** R21 (R31): the source account does not exist (or, under deferred credits, was created in this block). */
  AccountNotFound: 'R21',
  /** R21: the nonce is not exactly the account's current nonce. */
  InvalidNonce: 'R21',
  /** R22: a transfer's destination is its source. */
  SenderIsReceiver: 'R22',
  /** R22: one transfer's extra data, with its 2-byte length prefix, exceeds 128 bytes. */
  TransferExtraDataSize: 'R22',
  /** R22: all transfers' extra data together, prefixes counted, exceed 4096 bytes. */
  TransactionExtraDataSize: 'R22',
  /** R23: a burn of amount 0. */
  InvalidTransferAmount: 'R23',
  /** R24: a MultiSig setup whose threshold exceeds its participant count. */
  MultiSigThreshold: 'R24',
  /** R24, R27: the source among its own participants; a wrong signature count; a signature id out of range. */
  MultiSigParticipants: 'R24',
  /** R24, R27: deleting a configuration that does not exist; multisig signatures on an account without one. */
  MultiSigNotConfigured: 'R24',
  /** R25: the transaction's chain id is not the block's. */
  InvalidChainId: 'R25',
  /** R26, R27: the source key, or a participant key, is not a valid Ristretto255 encoding. */
  InvalidPublicKey: 'R26',
  /** R26, R27: the owner signature, or a participant signature, does not verify. */
  InvalidSignature: 'R26',
  /** R27: the account has a multisig configuration but the transaction carries no multisig field. */
  MultiSigNotFound: 'R27',
  /** R28: a spent asset is not registered. */
  AssetNotFound: 'R28',
  /** R28 (R30): the sender has no balance record for a spent asset (under deferred credits: no pre-block record). */
  NoPreviousBalanceFound: 'R28',
  /** R28 (R30): the spendable balance is below the total spent in that asset. */
  InsufficientFunds: 'R28',
  /** R1, R23, R28, R29: a sum, a credit, a nonce bump or the burned supply would leave the u64 range. */
  Overflow: 'R29',
} as const;

/** A transaction rejection code: one of the keys of {@link REJECTION_CODES}. */
export type RejectionCode = keyof typeof REJECTION_CODES;

/** Every {@link RejectionCode}, in the order of {@link REJECTION_CODES}. */
export const ALL_REJECTION_CODES: readonly RejectionCode[] = Object.keys(REJECTION_CODES) as RejectionCode[];

/** A rule id of the rules brief, `R1` to `R33`. */
export type RuleId = `R${number}`;

/** Why a transaction was rejected: a plain, JSON-able value. */
export interface Rejection {
  /** The code from the closed list. */
  readonly code: RejectionCode;
  /** The rule whose check failed. */
  readonly rule: RuleId;
  /** A human-readable detail (which transfer, which byte offset, which values); not part of conformance. */
  readonly detail: string;
}

/**
 * Build a {@link Rejection}.
 *
 * @param code - the rejection code
 * @param rule - the rule whose check failed
 * @param detail - a short explanation for people
 * @returns the rejection value
 * @example
 * reject('InvalidNonce', 'R21', 'expected nonce 3, got 5')
 */
export function reject(code: RejectionCode, rule: RuleId, detail: string): Rejection {
  return { code, rule, detail };
}

/** The block-level error code (R32): the block cannot be applied at all. */
export type BlockErrorCode = 'BlockOverflow';

/** Why a whole block was refused (R32): the pre-state stays as it was and there are no receipts. */
export interface BlockError {
  /** The block error code. */
  readonly code: BlockErrorCode;
  /** The rule that refused the block. */
  readonly rule: RuleId;
  /** A human-readable detail; not part of conformance. */
  readonly detail: string;
}

/**
 * Thrown when the spec breaks one of its own invariants (a bug in the spec, never a
 * verdict on the input). Callers must not catch it to turn it into a rejection.
 */
export class SpecInvariantError extends Error {
  /** @param message - which invariant broke */
  constructor(message: string) {
    super(message);
    this.name = 'SpecInvariantError';
  }
}

/**
 * Is this value a {@link Rejection}? Used where a step returns either a new value or a
 * rejection.
 *
 * @param value - a step's result
 * @returns true when it is a rejection
 * @example
 * const result = applyTransfers(ledger, payload);
 * if (isRejection(result)) return result;
 */
export function isRejection(value: object): value is Rejection {
  return 'code' in value && 'rule' in value;
}

/**
 * Which public input an {@link InvalidInputError} is about:
 *
 * - `InvalidContext`: the block context (R5);
 * - `InvalidState`: the pre-state (R1-R3);
 * - `InvalidTransactions`: the list of transaction bytes (not the bytes' content, which
 *   R17 judges per transaction);
 * - `InvalidOptions`: an implementation's construction options.
 */
export type InvalidInputCode = 'InvalidContext' | 'InvalidState' | 'InvalidTransactions' | 'InvalidOptions';

/**
 * Thrown by a public entry (the spec's `applyBlock`, `createState`, `stateFromJson`, the
 * executor) when what it was given is not an input the rules define: a context field out
 * of range, an impossible state, a transaction that is not bytes. It is a misuse of the
 * API, not a verdict: no receipt, no block error, nothing written.
 *
 * `path` names the first offending field, the same way in the spec and in every
 * implementation: `context.miner`, `state.accounts[<key>].balances[<asset>]`,
 * `transactions[3]`, `options.batchSize`. A key that is not a string is written
 * `<type>` (e.g. `state.accounts[<number>]`).
 */
export class InvalidInputError extends Error {
  /**
   * @param code - which input is wrong
   * @param path - the offending field
   * @param detail - what is wrong with it, for people
   */
  constructor(
    readonly code: InvalidInputCode,
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'InvalidInputError';
  }
}

/**
 * An {@link InvalidInputError} about a state (code `InvalidState`): thrown by
 * `createState` and `stateFromJson` for an impossible description, and by `applyBlock`
 * (and the executor) for an impossible pre-state. One class for one misuse, whichever
 * entry caught it.
 */
export class InvalidStateError extends InvalidInputError {
  /**
   * @param path - the offending field, e.g. `state.accounts[<key>].nonce`
   * @param detail - what is wrong with it, for people
   */
  constructor(path: string, detail: string) {
    super('InvalidState', path, detail);
    this.name = 'InvalidStateError';
  }
}

/**
 * How a map key appears in an {@link InvalidInputError} path: a string as it is, any
 * other value as `<its type>`.
 *
 * @param key - a key from the input
 * @returns its text in a path
 * @example
 * `state.accounts[${keyInPath(key)}]`
 */
export function keyInPath(key: unknown): string {
  return typeof key === 'string' ? key : `<${key === null ? 'null' : typeof key}>`;
}
