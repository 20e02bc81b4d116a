/**
 * The adapter protocol, version 1 (see `docs/adapter-protocol.md` and
 * `vectors/schema/adapter-protocol.schema.json`): newline-delimited JSON between the
 * conformance harness and an adapter process that wraps an implementation written in
 * any language. Every message is one JSON object on one line with a request `id` and a
 * `type`. Amounts are decimal strings, bytes lowercase hex (as in the vectors).
 *
 * @module harness/protocol
 */

import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { LedgerModel, ReceiptJson, StateJson } from '../../spec/index.ts';
import type { ContextJson, ExpectedJson } from '../vectors/format.ts';

/** The protocol version this harness speaks. */
export const PROTOCOL_VERSION = 1;

/** The `$id` of the protocol schema. */
export const PROTOCOL_SCHEMA_ID = 'urn:tos-conformance:schema:adapter-protocol:1';

/** Where the protocol schema lives. */
export const PROTOCOL_SCHEMA_URL = new URL('../../vectors/schema/adapter-protocol.schema.json', import.meta.url);

/** Harness -> adapter: the handshake, first message after every (re)start. */
export interface HelloRequest {
  readonly id: number;
  readonly type: 'hello';
  readonly protocolVersion: 1;
}

/** Adapter -> harness: the handshake answer. */
export interface HelloReply {
  readonly id: number;
  readonly type: 'hello';
  readonly protocolVersion: 1;
  /** The implementation's name, for reports. */
  readonly name: string;
  /** The implementation's version, for reports. */
  readonly version: string;
  /** The ledger models it executes (R30). */
  readonly ledgers: readonly LedgerModel[];
}

/** Harness -> adapter: execute one block. */
export interface ExecuteRequest {
  readonly id: number;
  readonly type: 'execute';
  readonly context: ContextJson;
  readonly preState: StateJson;
  /** Wire bytes of the transactions, lowercase hex, in block order. */
  readonly transactions: readonly string[];
}

/** Adapter -> harness: the block's outcome, an {@link ExpectedJson} with `id` and `type`. */
export type ResultReply = { readonly id: number; readonly type: 'result' } & ExpectedJson;

/** Adapter -> harness: the adapter failed (an internal error, not a verdict on the block). */
export interface ErrorReply {
  readonly id: number;
  readonly type: 'error';
  readonly message: string;
}

/** Adapter -> harness: the adapter does not support this request (e.g. a ledger model). */
export interface SkipReply {
  readonly id: number;
  readonly type: 'skip';
  readonly reason: string;
}

/** Harness -> adapter: finish. */
export interface ByeRequest {
  readonly id: number;
  readonly type: 'bye';
}

/** Adapter -> harness: optional answer to bye. */
export interface ByeReply {
  readonly id: number;
  readonly type: 'bye';
}

/** Any answer to `execute`. */
export type ExecuteReply = ResultReply | ErrorReply | SkipReply;

/** Any message the harness sends. */
export type HarnessMessage = HelloRequest | ExecuteRequest | ByeRequest;

/** Any message an adapter sends. */
export type AdapterMessage = HelloReply | ResultReply | ErrorReply | SkipReply | ByeReply;

/** Validators for every message, compiled once from the protocol schema. */
export interface ProtocolValidators {
  /** A hello request. */
  readonly helloRequest: ValidateFunction<HelloRequest>;
  /** A hello reply. */
  readonly helloReply: ValidateFunction<HelloReply>;
  /** An execute request. */
  readonly executeRequest: ValidateFunction<ExecuteRequest>;
  /** Any answer to execute. */
  readonly executeReply: ValidateFunction<ExecuteReply>;
  /** A result reply of an applied block. */
  readonly appliedResult: ValidateFunction<ResultReply>;
  /** A result reply of a refused block. */
  readonly refusedResult: ValidateFunction<ResultReply>;
  /** A skip reply. */
  readonly skipReply: ValidateFunction<SkipReply>;
  /** An error reply (also accepted in answer to hello). */
  readonly errorReply: ValidateFunction<ErrorReply>;
  /** A bye reply. */
  readonly byeReply: ValidateFunction<ByeReply>;
  /** Any message of the protocol (either direction). */
  readonly anyMessage: ValidateFunction<HarnessMessage | AdapterMessage>;
}

let validators: ProtocolValidators | undefined;

/**
 * The protocol schema, parsed.
 *
 * @returns the JSON Schema (draft 2020-12)
 * @example
 * const schema = protocolSchema();
 */
export function protocolSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(PROTOCOL_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
}

/**
 * The compiled validators of every message (cached).
 *
 * @returns the validators
 * @example
 * if (!protocolValidators().helloReply(message)) throw new Error('bad hello');
 */
export function protocolValidators(): ProtocolValidators {
  if (validators) return validators;
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  ajv.addSchema(protocolSchema());
  const compile = <T>(name: string): ValidateFunction<T> => ajv.compile<T>({ $ref: `${PROTOCOL_SCHEMA_ID}#/$defs/${name}` });
  validators = {
    helloRequest: compile<HelloRequest>('helloRequest'),
    helloReply: compile<HelloReply>('helloReply'),
    executeRequest: compile<ExecuteRequest>('executeRequest'),
    executeReply: compile<ExecuteReply>('executeReply'),
    appliedResult: compile<ResultReply>('appliedResult'),
    refusedResult: compile<ResultReply>('refusedResult'),
    skipReply: compile<SkipReply>('skipReply'),
    errorReply: compile<ErrorReply>('errorReply'),
    byeReply: compile<ByeReply>('byeReply'),
    anyMessage: ajv.compile<HarnessMessage | AdapterMessage>({ $ref: PROTOCOL_SCHEMA_ID }),
  };
  return validators;
}

/**
 * Describe the first validation error of a validator, in one line.
 *
 * @param validate - a validator that just failed
 * @returns e.g. `/receipts/0/fee must match pattern "^(0|[1-9][0-9]*)$"`
 * @example
 * validationMessage(protocolValidators().executeReply)
 */
export function validationMessage(validate: ValidateFunction): string {
  const errors = validate.errors ?? [];
  if (errors.length === 0) return 'does not match the protocol schema';
  return errors
    .slice(0, 3)
    .map((error) => `${error.instancePath || '(message)'} ${error.message ?? 'is invalid'}`)
    .join('; ');
}

/**
 * Check an answer to `execute` against the schema, reporting the problems of the message
 * kind it claims to be (by `type` and `ok`), not of every alternative.
 *
 * @param value - a parsed reply line
 * @returns `undefined` when valid, else what is wrong
 * @example
 * executeReplyProblem({ id: 1, type: 'result', ok: true }) // "/ (message) must have required property 'receipts'"
 */
export function executeReplyProblem(value: unknown): string | undefined {
  const v = protocolValidators();
  if (v.executeReply(value)) return undefined;
  const { type, ok } = value as { type?: unknown; ok?: unknown };
  const specific =
    type === 'result' ? (ok === false ? v.refusedResult : v.appliedResult) : type === 'error' ? v.errorReply : type === 'skip' ? v.skipReply : undefined;
  if (!specific) return `type must be result, error or skip, got ${JSON.stringify(type) ?? 'nothing'}`;
  specific(value);
  return `${type === 'result' ? (ok === false ? 'refused result' : 'applied result') : String(type)} reply: ${validationMessage(specific)}`;
}

/**
 * The outcome part of a result reply (without `id` and `type`), as in a vector's `expected`.
 *
 * @param reply - a result reply
 * @returns the expected-outcome JSON
 * @example
 * compareOutcomes(vector.expected, outcomeOf(reply))
 */
export function outcomeOf(reply: ResultReply): ExpectedJson {
  if (!reply.ok) return { ok: false, error: reply.error };
  const receipts: ReceiptJson[] = reply.receipts.map((receipt) => ({ hash: receipt.hash, status: receipt.status, error: receipt.error, fee: receipt.fee }));
  return { ok: true, receipts, postState: reply.postState, feeTotal: reply.feeTotal, stateRoot: reply.stateRoot };
}
