/**
 * Schema errors in words (conformance/schema-errors.ts): a reply that breaks the protocol
 * schema is reported at the member that is wrong, with what is allowed there and the
 * actual value, even inside unions (a receipt's `status`, a reply's `type` and `ok`, a
 * nullable member), where ajv's first error blames another branch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeProtocolErrors,
  executeReplyProblem,
  PROTOCOL_SCHEMA_ID,
  protocolSchema,
  protocolValidators,
  validationMessage,
} from '../../conformance/harness/protocol.ts';
import { describeSchemaErrors, describeValidation, describeValue, jsonTypeOf, readablePath } from '../../conformance/schema-errors.ts';
import { loadVectors } from '../../conformance/vector-runner.ts';
import { ROOT } from './support.ts';

const HASH = 'ab'.repeat(32);
const TOS = '00'.repeat(32);
const U64 = 'a u64 as a decimal string without sign or leading zeros';
const HASH_WORDS = 'a 32-byte BLAKE3 hash, lowercase hex';
const CODES = (protocolSchema() as { $defs: { rejectionCode: { enum: string[] } } }).$defs.rejectionCode.enum;

const receipt = { hash: HASH, status: 'applied', error: null, fee: '10' };
const rejected = { hash: null, status: 'rejected', error: 'InvalidNonce', fee: '0' };
const account = { publicKey: 'cd'.repeat(32), nonce: '1', balances: [{ asset: TOS, amount: '5' }], multisig: null };
const applied = { id: 1, type: 'result', ok: true, receipts: [receipt, rejected, receipt], postState: { accounts: [account], assets: [TOS], burnedSupply: '0' }, feeTotal: '20', stateRoot: HASH };
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const changed = (edit: (copy: { [key: string]: Json } & Record<string, any>) => void, base: unknown = applied): unknown => {
  const copy = JSON.parse(JSON.stringify(base)) as { [key: string]: Json };
  edit(copy);
  return copy;
};

interface Case {
  readonly name: string;
  readonly reply: unknown;
  /** The readable member path. */
  readonly path: string;
  readonly keyword: string;
  /** What is allowed, exactly or as a pattern. */
  readonly allowed: string | RegExp;
  readonly allowedValues?: readonly unknown[];
  /** The actual value as shown. */
  readonly actual: string | RegExp;
  readonly actualType: string;
  /** The whole line `executeReplyProblem` gives. */
  readonly message: string | RegExp;
}

const cases: readonly Case[] = [
  {
    name: 'a receipt fee as a JSON number',
    reply: changed((r) => void (r['receipts'][2].fee = 10)),
    path: 'receipts[2].fee',
    keyword: 'type',
    allowed: U64,
    actual: 'the number 10',
    actualType: 'number',
    message: `applied result reply: receipts[2].fee: must be ${U64}, got the number 10`,
  },
  {
    name: 'a receipt status misspelt',
    reply: changed((r) => void (r['receipts'][0].status = 'aplied')),
    path: 'receipts[0].status',
    keyword: 'enum',
    allowed: '"applied" or "rejected"',
    allowedValues: ['applied', 'rejected'],
    actual: 'the string "aplied"',
    actualType: 'string',
    message: 'applied result reply: receipts[0].status: must be "applied" or "rejected", got the string "aplied"',
  },
  {
    name: 'a receipt without status',
    reply: changed((r) => void delete r['receipts'][1].status),
    path: 'receipts[1].status',
    keyword: 'required',
    allowed: '"applied" or "rejected"',
    allowedValues: ['applied', 'rejected'],
    actual: 'missing',
    actualType: 'missing',
    message: 'applied result reply: receipts[1].status: is missing; must be "applied" or "rejected"',
  },
  {
    name: 'a receipt without fee',
    reply: changed((r) => void delete r['receipts'][0].fee),
    path: 'receipts[0].fee',
    keyword: 'required',
    allowed: U64,
    actual: 'missing',
    actualType: 'missing',
    message: `applied result reply: receipts[0].fee: is missing; must be ${U64}`,
  },
  {
    name: 'an extra member of the reply',
    reply: changed((r) => void (r['extra'] = 1)),
    path: 'extra',
    keyword: 'additionalProperties',
    allowed: 'no such member (the members are id, type, ok, receipts, postState, feeTotal, stateRoot)',
    actual: 'the number 1',
    actualType: 'number',
    message: 'applied result reply: extra: is not an allowed member (the members are id, type, ok, receipts, postState, feeTotal, stateRoot), got the number 1',
  },
  {
    name: 'an extra member of a rejected receipt',
    reply: changed((r) => void (r['receipts'][1].reason = 'nonce')),
    path: 'receipts[1].reason',
    keyword: 'additionalProperties',
    allowed: 'no such member (the members are hash, status, error, fee)',
    actual: 'the string "nonce"',
    actualType: 'string',
    message: 'applied result reply: receipts[1].reason: is not an allowed member (the members are hash, status, error, fee), got the string "nonce"',
  },
  {
    name: 'a stateRoot too short',
    reply: changed((r) => void (r['stateRoot'] = 'ab'.repeat(31))),
    path: 'stateRoot',
    keyword: 'pattern',
    allowed: HASH_WORDS,
    actual: /^the string "(ab)+a?… \(62 characters\)$/,
    actualType: 'string',
    message: /^applied result reply: stateRoot: must be a 32-byte BLAKE3 hash, lowercase hex, got the string "abab.*… \(62 characters\)$/,
  },
  {
    name: 'a reply that is not an object',
    reply: 5,
    path: '',
    keyword: 'oneOf',
    allowed: 'an object',
    actual: 'the number 5',
    actualType: 'number',
    message: 'reply: must be an object, got the number 5',
  },
  {
    name: 'a reply that is an array',
    reply: [{ id: 1 }],
    path: '',
    keyword: 'oneOf',
    allowed: 'an object',
    actual: 'an array of 1 item [{"id":1}]',
    actualType: 'array',
    message: 'reply: must be an object, got an array of 1 item [{"id":1}]',
  },
  {
    name: 'a post-state balance amount as a JSON number',
    reply: changed((r) => void (r['postState'].accounts[0].balances[0].amount = 5)),
    path: 'postState.accounts[0].balances[0].amount',
    keyword: 'type',
    allowed: U64,
    actual: 'the number 5',
    actualType: 'number',
    message: `applied result reply: postState.accounts[0].balances[0].amount: must be ${U64}, got the number 5`,
  },
  {
    name: 'a rejection code not in the enum',
    reply: changed((r) => void (r['receipts'][1].error = 'NoSuchCode')),
    path: 'receipts[1].error',
    keyword: 'enum',
    allowed: `one of ${CODES.map((code) => JSON.stringify(code)).join(', ')}`,
    allowedValues: CODES,
    actual: 'the string "NoSuchCode"',
    actualType: 'string',
    message: /^applied result reply: receipts\[1\]\.error: must be one of "InvalidFormat", "UnsupportedTransactionType", .*, "Overflow", got the string "NoSuchCode"$/,
  },
  {
    name: 'a skip without reason',
    reply: { id: 1, type: 'skip' },
    path: 'reason',
    keyword: 'required',
    allowed: 'a string of at most 65536 characters',
    actual: 'missing',
    actualType: 'missing',
    message: 'skip reply: reason: is missing; must be a string of at most 65536 characters',
  },
  {
    name: 'a reply type that does not answer execute',
    reply: { id: 1, type: 'hello', protocolVersion: 1 },
    path: 'type',
    keyword: 'enum',
    allowed: 'one of "result", "error", "skip"',
    allowedValues: ['result', 'error', 'skip'],
    actual: 'the string "hello"',
    actualType: 'string',
    message: 'type: must be one of "result", "error", "skip", got the string "hello"',
  },
  {
    name: 'a reply without type',
    reply: { id: 1, reason: 'x' },
    path: 'type',
    keyword: 'required',
    allowed: 'one of "result", "error", "skip"',
    actual: 'missing',
    actualType: 'missing',
    message: 'type: is missing; must be one of "result", "error", "skip"',
  },
  {
    name: 'a result with ok neither true nor false',
    reply: { id: 1, type: 'result', ok: 'true', error: 'BlockOverflow' },
    path: 'ok',
    keyword: 'enum',
    allowed: 'true or false',
    allowedValues: [true, false],
    actual: 'the string "true"',
    actualType: 'string',
    message: 'result reply: ok: must be true or false, got the string "true"',
  },
  {
    name: 'a refused result with another error',
    reply: { id: 1, type: 'result', ok: false, error: 'Overflow' },
    path: 'error',
    keyword: 'const',
    allowed: '"BlockOverflow"',
    allowedValues: ['BlockOverflow'],
    actual: 'the string "Overflow"',
    actualType: 'string',
    message: 'refused result reply: error: must be "BlockOverflow", got the string "Overflow"',
  },
  {
    name: 'a refused result with the members of an applied one',
    reply: { id: 1, type: 'result', ok: false, error: 'BlockOverflow', receipts: [] },
    path: 'receipts',
    keyword: 'additionalProperties',
    allowed: 'no such member (the members are id, type, ok, error)',
    actual: 'an empty array []',
    actualType: 'array',
    message: 'refused result reply: receipts: is not an allowed member (the members are id, type, ok, error), got an empty array []',
  },
  {
    name: 'a rejected receipt with a fee',
    reply: changed((r) => void (r['receipts'][1].fee = '5')),
    path: 'receipts[1].fee',
    keyword: 'const',
    allowed: '"0"',
    allowedValues: ['0'],
    actual: 'the string "5"',
    actualType: 'string',
    message: 'applied result reply: receipts[1].fee: must be "0", got the string "5"',
  },
  {
    name: 'a rejected receipt whose hash is a number (a nullable member)',
    reply: changed((r) => void (r['receipts'][1].hash = 5)),
    path: 'receipts[1].hash',
    keyword: 'oneOf',
    allowed: `null or ${HASH_WORDS}`,
    actual: 'the number 5',
    actualType: 'number',
    message: `applied result reply: receipts[1].hash: must be null or ${HASH_WORDS}, got the number 5`,
  },
  {
    name: 'an applied receipt with an error code',
    reply: changed((r) => void (r['receipts'][0].error = 'InvalidNonce')),
    path: 'receipts[0].error',
    keyword: 'type',
    allowed: 'null',
    actual: 'the string "InvalidNonce"',
    actualType: 'string',
    message: 'applied result reply: receipts[0].error: must be null, got the string "InvalidNonce"',
  },
  {
    name: 'a multisig threshold out of range (inside a nullable member)',
    reply: changed((r) => void (r['postState'].accounts[0].multisig = { threshold: 0, participants: ['ef'.repeat(32)] })),
    path: 'postState.accounts[0].multisig.threshold',
    keyword: 'minimum',
    allowed: 'an integer from 1 to 255',
    actual: 'the number 0',
    actualType: 'number',
    message: 'applied result reply: postState.accounts[0].multisig.threshold: must be an integer from 1 to 255, got the number 0',
  },
  {
    name: 'a u64 longer than 20 digits',
    reply: changed((r) => void (r['feeTotal'] = '1'.repeat(21))),
    path: 'feeTotal',
    keyword: 'maxLength',
    allowed: `${U64} (at most 20 characters)`,
    actual: `the string "${'1'.repeat(21)}"`,
    actualType: 'string',
    message: `applied result reply: feeTotal: must be ${U64} (at most 20 characters), got the string "${'1'.repeat(21)}"`,
  },
  {
    name: 'a request id out of range',
    reply: changed((r) => void (r['id'] = -1)),
    path: 'id',
    keyword: 'minimum',
    allowed: 'an integer from 0 to 9007199254740991',
    actual: 'the number -1',
    actualType: 'number',
    message: 'applied result reply: id: must be an integer from 0 to 9007199254740991, got the number -1',
  },
  {
    name: 'a duplicated asset',
    reply: changed((r) => void (r['postState'].assets = [TOS, TOS])),
    path: 'postState.assets',
    keyword: 'uniqueItems',
    allowed: 'an array of at least 1 item without duplicates',
    actual: /^an array of 2 items \["0000/,
    actualType: 'array',
    message: /^applied result reply: postState\.assets: must be an array of at least 1 item without duplicates \(items 0 and 1 are equal\), got an array of 2 items/,
  },
  {
    name: 'a prototype key (an own member after JSON.parse)',
    reply: JSON.parse('{"__proto__":{"polluted":true},"id":1,"type":"skip","reason":"no"}') as unknown,
    path: '__proto__',
    keyword: 'additionalProperties',
    allowed: 'no such member (the members are id, type, reason)',
    actual: 'an object {"polluted":true}',
    actualType: 'object',
    message: 'skip reply: __proto__: is not an allowed member (the members are id, type, reason), got an object {"polluted":true}',
  },
  {
    name: 'a member name that is not an identifier',
    reply: { id: 1, type: 'error', message: 'x', 'a b/c~': true },
    path: '["a b/c~"]',
    keyword: 'additionalProperties',
    allowed: 'no such member (the members are id, type, message)',
    actual: 'the boolean true',
    actualType: 'boolean',
    message: 'error reply: ["a b/c~"]: is not an allowed member (the members are id, type, message), got the boolean true',
  },
];

describe('schema errors of execute replies', () => {
  it('the base reply is valid', () => {
    expect(executeReplyProblem(applied)).toBeUndefined();
  });

  it.each(cases)('$name: names $path, what is allowed and the actual value', ({ reply, path, keyword, allowed, allowedValues, actual, actualType, message }) => {
    const { executeReply } = protocolValidators();
    expect(executeReply(reply)).toBe(false);
    const description = describeProtocolErrors(executeReply, reply);
    expect(description.path).toBe(path);
    expect(description.keyword).toBe(keyword);
    if (typeof allowed === 'string') expect(description.allowed).toBe(allowed);
    else expect(description.allowed).toMatch(allowed);
    if (allowedValues) expect(description.allowedValues).toEqual(allowedValues);
    if (typeof actual === 'string') expect(description.actual).toBe(actual);
    else expect(description.actual).toMatch(actual);
    expect(description.actualType).toBe(actualType);
    expect(description.more).toBe(0);
    const problem = executeReplyProblem(reply);
    if (typeof message === 'string') expect(problem).toBe(message);
    else expect(problem).toMatch(message);
  });

  it('ajv alone blames another branch for a receipt fee sent as a number; the description does not', () => {
    const ajv = new Ajv2020({ allErrors: false, strict: true });
    ajv.addSchema(protocolSchema());
    const plain = ajv.compile({ $ref: `${PROTOCOL_SCHEMA_ID}#/$defs/appliedResult` });
    const reply = changed((r) => void (r['receipts'][0].fee = 10));
    expect(plain(reply)).toBe(false);
    expect(plain.errors!.map((error) => error.instancePath)).toContain('/receipts/0/status');
    expect(executeReplyProblem(reply)).toBe(`applied result reply: receipts[0].fee: must be ${U64}, got the number 10`);
  });

  it('several problems: the deepest is described and the others counted', () => {
    const reply = changed((r) => {
      r['receipts'][0].fee = 1;
      delete r['postState'];
    });
    const description = describeProtocolErrors(protocolValidators().executeReply, reply);
    expect(description).toMatchObject({ path: 'receipts[0].fee', more: 1 });
    expect(description.message).toBe(`receipts[0].fee: must be ${U64}, got the number 1 (and 1 more problem)`);
  });

  it('a long actual value is truncated, with its length', () => {
    const reply = changed((r) => void (r['stateRoot'] = 'x'.repeat(100_000)));
    const problem = executeReplyProblem(reply)!;
    expect(problem.length).toBeLessThan(200);
    expect(problem).toMatch(/got the string "x+… \(100000 characters\)$/);
  });
});

describe('schema errors of the other messages (hello, bye, requests, any message)', () => {
  it('a validator remembers what it validated: validationMessage needs no value', () => {
    const v = protocolValidators();
    expect(v.helloReply({ id: 1, type: 'hello', protocolVersion: 1, name: 'x', version: '1', ledgers: ['instant'] })).toBe(false);
    expect(validationMessage(v.helloReply)).toBe('ledgers[0]: must be "immediate" or "deferred-credits", got the string "instant"');
    expect(v.helloReply({ id: 1, type: 'hello', protocolVersion: 1, name: '', version: '1', ledgers: ['immediate'] })).toBe(false);
    expect(validationMessage(v.helloReply)).toBe('name: must be a string of 1 to 200 characters, got the string ""');
    expect(v.byeReply({ id: 1, type: 'bye', bye: true })).toBe(false);
    expect(validationMessage(v.byeReply)).toBe('bye: is not an allowed member (the members are id, type), got the boolean true');
  });

  it('any message: the branch the type selects, across both directions', () => {
    const { anyMessage } = protocolValidators();
    expect(anyMessage({ id: 1, type: 'hello' })).toBe(false);
    expect(validationMessage(anyMessage)).toBe('protocolVersion: is missing; must be 1');
    expect(anyMessage({ id: 1, type: 'goodbye' })).toBe(false);
    expect(describeProtocolErrors(anyMessage)).toMatchObject({ path: 'type', allowedValues: ['hello', 'execute', 'bye', 'result', 'error', 'skip'] });
  });

  it('an execute request with a bad pre-state names the nested member', () => {
    const { executeRequest } = protocolValidators();
    const request = { id: 2, type: 'execute', context: { chainId: 256, topoheight: '1', miner: HASH, ledger: 'immediate' }, preState: applied.postState, transactions: ['0'] };
    expect(executeRequest(request)).toBe(false);
    const description = describeProtocolErrors(executeRequest);
    expect(description).toMatchObject({ path: 'context.chainId', allowed: 'an integer from 0 to 255', actual: 'the number 256', more: 1 });
    expect(describeProtocolErrors(executeRequest, { ...request, context: { ...request.context, chainId: 0 } })).toMatchObject({
      path: 'transactions[0]',
      allowed: 'bytes as lowercase hex, two characters per byte (possibly empty)',
      actual: 'the string "0"',
    });
  });
});

describe('compiling with allErrors and verbose changes no verdict', () => {
  it('the harness validators and plain ajv accept and reject the same replies', () => {
    const ajv = new Ajv2020({ allErrors: false, strict: true });
    ajv.addSchema(protocolSchema());
    const plain = ajv.compile({ $ref: `${PROTOCOL_SCHEMA_ID}#/$defs/executeReply` });
    const { executeReply } = protocolValidators();
    const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] =>
      Array.isArray(value)
        ? [prefix, ...value.flatMap((item, index) => paths(item, [...prefix, index]))]
        : value !== null && typeof value === 'object'
          ? [prefix, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))]
          : [prefix];
    const all = paths(applied).filter((path) => path.length > 0);
    const mutated = fc.tuple(fc.constantFrom(...all), fc.jsonValue({ maxDepth: 2 })).map(([path, replacement]) => {
      const copy = JSON.parse(JSON.stringify(applied)) as Record<string | number, unknown>;
      const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, copy);
      parent[path[path.length - 1]!] = replacement;
      return copy as unknown;
    });
    let rejected = 0;
    fc.assert(
      fc.property(fc.oneof(mutated, fc.jsonValue({ maxDepth: 3 })), (value) => {
        const verdict = plain(value);
        expect(executeReply(value)).toBe(verdict);
        if (!verdict) {
          rejected++;
          // Total, and the message starts at the member it describes.
          const description = describeProtocolErrors(executeReply, value, 'reply');
          expect(description.message.startsWith(`${description.path || 'reply'}: `)).toBe(true);
        }
      }),
      { numRuns: 400, seed: 20_261_203 },
    );
    expect(rejected).toBeGreaterThan(100);
  });
});

describe('the describer itself', () => {
  it('shows values with their JSON type, truncated', () => {
    expect(describeValue(10)).toBe('the number 10');
    expect(describeValue(Number.POSITIVE_INFINITY)).toBe('the number Infinity'); // what JSON.parse makes of 1e400
    expect(describeValue('aplied')).toBe('the string "aplied"');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(false)).toBe('the boolean false');
    expect(describeValue([])).toBe('an empty array []');
    expect(describeValue({})).toBe('an empty object {}');
    expect(describeValue({ a: [1, 'x'] })).toBe('an object {"a":[1,"x"]}');
    expect(describeValue('ab'.repeat(40), 20)).toBe('the string "abababababababababa… (80 characters)');
    const deep = JSON.parse('['.repeat(20_000) + ']'.repeat(20_000)) as unknown;
    expect(describeValue(deep, 10)).toBe('an array of 1 item [[[[[[[[[[…');
    expect(jsonTypeOf(1.5)).toBe('number');
  });

  it('writes JSON pointers as readable paths', () => {
    expect(readablePath('/receipts/2/fee', { receipts: [{}, {}, {}] })).toBe('receipts[2].fee');
    expect(readablePath('/0/x~1y~0', [{ 'x/y~': 1 }])).toBe('[0]["x/y~"]');
    expect(readablePath('/map/0', { map: { '0': 1 } })).toBe('map["0"]');
    expect(readablePath('')).toBe('');
  });

  it('without verbose errors or a schema, it still drops wrappers and names the deepest member', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addSchema(protocolSchema());
    const plain = ajv.compile({ $ref: `${PROTOCOL_SCHEMA_ID}#/$defs/appliedResult` });
    const reply = changed((r) => void (r['receipts'][0].fee = 10));
    expect(plain(reply)).toBe(false);
    const description = describeSchemaErrors(plain.errors, reply);
    expect(description).toMatchObject({ path: 'receipts[0].fee', keyword: 'type', allowed: 'a string', actual: 'the number 10' });
  });

  it('if/then/else and ajv discriminators: the wrapper errors are dropped, the branch taken is described', () => {
    const schema = {
      $id: 'urn:test:shapes',
      type: 'object',
      required: ['kind'],
      discriminator: { propertyName: 'kind' },
      oneOf: [
        { type: 'object', required: ['kind', 'side'], properties: { kind: { const: 'square' }, side: { $ref: '#/$defs/size' } }, additionalProperties: false },
        {
          type: 'object',
          required: ['kind', 'closed'],
          properties: { kind: { const: 'path' }, closed: { type: 'boolean' }, points: { type: 'array', minItems: 3 } },
          if: { properties: { closed: { const: true } } },
          then: { required: ['points'] },
          else: { properties: { points: { maxItems: 2 } } },
          additionalProperties: false,
        },
      ],
      $defs: { size: { type: 'string', pattern: '^[1-9][0-9]*$', description: 'A size in pixels, as a string of decimal digits.' } },
    };
    const validate = new Ajv2020({ allErrors: true, verbose: true, strict: false, discriminator: true }).compile(schema);
    const describe = (value: unknown) => {
      expect(validate(value)).toBe(false);
      return describeValidation(validate, value, { rootName: 'shape' });
    };
    expect(describe({ kind: 'square', side: 4 }).message).toBe('side: must be a size in pixels, as a string of decimal digits, got the number 4');
    expect(describe({ kind: 'circle' }).message).toBe('kind: must be "square" or "path", got the string "circle"');
    expect(describe({ side: '4' }).message).toBe('kind: is missing; must be "square" or "path"');
    expect(describe({ kind: 'path', closed: true }).message).toBe('points: is missing; must be an array of at least 3 items');
    expect(describe({ kind: 'path', closed: false, points: [1, 2, 3] })).toMatchObject({ path: 'points', keyword: 'maxItems', allowed: 'an array of at most 2 items' });
    expect(describe({ kind: 'path', closed: 'no' })).toMatchObject({ path: 'closed', allowed: 'true or false', actual: 'the string "no"' });
    expect(describe('square').message).toBe('shape: must be an object, got the string "square"');
  });

  it('is total: no errors, odd errors, any value', () => {
    expect(describeSchemaErrors([], 5).message).toBe('value: does not match the schema');
    expect(describeSchemaErrors(null, 5, { rootName: 'reply' }).message).toBe('reply: does not match the schema');
    const odd = [{ instancePath: '/a/~2', schemaPath: '#', keyword: 'mystery', params: {}, parentSchema: { $ref: '#/nowhere' } }];
    expect(describeSchemaErrors(odd, { a: 1 }, { schema: { $ref: 'urn:nowhere' } })).toMatchObject({ message: 'a["~2"]: is invalid', actual: 'missing', actualType: 'missing' });
    expect(describeSchemaErrors([{ instancePath: '/a', schemaPath: '#', keyword: 'not', params: {}, message: 'must NOT be valid' }], { a: [1] }).message).toBe(
      'a: must NOT be valid, got an array of 1 item [1]',
    );
  });
});

describe('schema errors of vectors (the vector schema through describeValidation)', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'vectors', 'schema', 'vector.schema.json'), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, verbose: true, strict: true }).compile(schema);
  const vectors = loadVectors(join(ROOT, 'vectors'));
  const transfer = vectors.find((vector) => vector.transactions.some((t) => (t.decoded as { payload?: { kind?: string } } | null)?.payload?.kind === 'transfers'))!;
  const index = transfer.transactions.findIndex((t) => (t.decoded as { payload?: { kind?: string } } | null)?.payload?.kind === 'transfers');
  const withReceipts = vectors.find((vector) => vector.expected.ok && vector.expected.receipts.length > 0)!;
  const message = (value: unknown): string => {
    expect(validate(value)).toBe(false);
    return describeValidation(validate, value, { rootName: 'vector' }).message;
  };

  it('names the member inside the payload and receipt unions', () => {
    expect(validate(transfer) && validate(withReceipts)).toBe(true);
    expect(message(changed((v) => void (v['transactions'][index].decoded.payload.kind = 'transfer'), transfer))).toBe(
      `transactions[${index}].decoded.payload.kind: must be one of "burn", "transfers", "multisig", got the string "transfer"`,
    );
    expect(message(changed((v) => void (v['transactions'][index].decoded.payload.transfers[0].amount = 1), transfer))).toBe(
      `transactions[${index}].decoded.payload.transfers[0].amount: must be ${U64}, got the number 1`,
    );
    expect(message(changed((v) => void (v['expected'].receipts[0].fee = 10), withReceipts))).toBe(`expected.receipts[0].fee: must be ${U64}, got the number 10`);
    expect(message(changed((v) => void delete v['expected'].ok, withReceipts))).toBe('expected.ok: is missing; must be true or false');
    expect(message(changed((v) => void (v['_info'].extra = 1), withReceipts))).toBe(
      '_info.extra: is not an allowed member (the members are generator, generatorVersion, formatVersion, source, hash), got the number 1',
    );
  });
});
