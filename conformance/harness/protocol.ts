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
import { describeSchemaErrors, type SchemaErrorDescription } from '../schema-errors.ts';
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
/** The parsed schema the validators were compiled from (the same object: error reports match its nodes). */
let compiledSchema: Record<string, unknown> | undefined;
/** The value each validator last validated, as ajv keeps its last `errors`. */
const lastValidated = new WeakMap<ValidateFunction, { readonly value: unknown }>();

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

/** A validator that also remembers the value it last validated, for {@link validationMessage}. */
function remembering<T>(validate: ValidateFunction<T>): ValidateFunction<T> {
  const wrapped = function (this: unknown, data: unknown, dataCxt?: Parameters<ValidateFunction<T>>[1]): data is T {
    const valid = validate.call(this, data, dataCxt);
    wrapped.errors = validate.errors ?? null;
    lastValidated.set(wrapped, { value: data });
    return valid;
  } as ValidateFunction<T>;
  wrapped.schema = validate.schema;
  wrapped.schemaEnv = validate.schemaEnv;
  wrapped.errors = null;
  return wrapped;
}

/**
 * The compiled validators of every message (cached). They report every error
 * (`allErrors`, `verbose`), so that {@link describeProtocolErrors} can pick the one that
 * matters; which messages they accept does not depend on it.
 *
 * @returns the validators
 * @example
 * if (!protocolValidators().helloReply(message)) throw new Error('bad hello');
 */
export function protocolValidators(): ProtocolValidators {
  if (validators) return validators;
  const schema = protocolSchema();
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
  ajv.addSchema(schema);
  const compile = <T>(name: string): ValidateFunction<T> => remembering(ajv.compile<T>({ $ref: `${PROTOCOL_SCHEMA_ID}#/$defs/${name}` }));
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
    anyMessage: remembering(ajv.compile<HarnessMessage | AdapterMessage>({ $ref: PROTOCOL_SCHEMA_ID })),
  };
  compiledSchema = schema;
  return validators;
}

/**
 * Why a message failed one of the {@link protocolValidators}, in words and in parts (see
 * `describeSchemaErrors` in `conformance/schema-errors.ts`): the member, what the schema
 * allows there and the actual value. In a union (a receipt's `status`, a reply's `type`
 * and `ok`) only the branch the message selects counts.
 *
 * @param validate - a protocol validator that just failed
 * @param value - the message (default: the value it last validated; another value is validated again)
 * @param rootName - how to name the message itself (`message: must be an object, ...`)
 * @returns the most relevant problem
 * @example
 * describeProtocolErrors(protocolValidators().executeReply, reply).path // 'receipts[0].fee'
 */
export function describeProtocolErrors(validate: ValidateFunction, value: unknown = lastValidated.get(validate)?.value, rootName = 'message'): SchemaErrorDescription {
  const last = lastValidated.get(validate);
  const known = last !== undefined && compiledSchema !== undefined;
  // The errors must be those of this value: validate it again if it is not the value last validated.
  if (known && last.value !== value) validate(value);
  return describeSchemaErrors(validate.errors, value, {
    rootName,
    ...(known ? { schema: validate.schema, schemas: [compiledSchema!] } : {}),
  });
}

/**
 * Describe the validation error of a validator that just failed, in one line: the member,
 * what is allowed there and the actual value ({@link describeProtocolErrors}).
 *
 * @param validate - a validator that just failed
 * @param value - the value it validated (default: the value a protocol validator last validated)
 * @returns e.g. `receipts[0].fee: must be a u64 as a decimal string without sign or leading zeros, got the number 10`
 * @example
 * validationMessage(protocolValidators().executeReply)
 */
export function validationMessage(validate: ValidateFunction, value?: unknown): string {
  if ((validate.errors ?? []).length === 0) return 'does not match the protocol schema';
  return (value === undefined ? describeProtocolErrors(validate) : describeProtocolErrors(validate, value)).message;
}

/** What kind of answer to execute a message claims to be, by `type` and `ok`. */
function replyKind(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { type, ok } = value as { type?: unknown; ok?: unknown };
  if (type === 'result') return ok === false ? 'refused result' : ok === true ? 'applied result' : 'result';
  return type === 'error' || type === 'skip' ? type : undefined;
}

/**
 * Check an answer to `execute` against the schema, reporting the problem of the message
 * kind it claims to be (by `type` and `ok`), not of every alternative: the member, what
 * is allowed there and the actual value.
 *
 * @param value - a parsed reply line
 * @returns `undefined` when valid, else what is wrong
 * @example
 * executeReplyProblem({ id: 1, type: 'skip' }) // "skip reply: reason: is missing; must be a string of at most 65536 characters"
 */
export function executeReplyProblem(value: unknown): string | undefined {
  const v = protocolValidators();
  if (v.executeReply(value)) return undefined;
  const kind = replyKind(value);
  const message = describeProtocolErrors(v.executeReply, value, 'reply').message;
  return kind === undefined ? message : `${kind} reply: ${message}`;
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
