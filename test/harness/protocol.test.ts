/**
 * The protocol schema and its documentation: every example in docs/adapter-protocol.md is
 * a valid message, the schema rejects what it must, and the documented minimal adapter
 * (docs/examples/minimal-adapter.mjs, plain JavaScript) runs vectors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeReplyProblem, protocolSchema, protocolValidators } from '../../conformance/harness/protocol.ts';
import { vectorsCommand } from '../../conformance/harness/vectors-command.ts';
import { capture, ROOT } from './support.ts';

const doc = readFileSync(join(ROOT, 'docs', 'adapter-protocol.md'), 'utf8');
const blocks = (language: string): string[] => [...doc.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!);

describe('the protocol schema', () => {
  it('is draft 2020-12 with a $defs entry for every message', () => {
    const schema = protocolSchema() as { $schema: string; $defs: Record<string, unknown> };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    for (const name of ['helloRequest', 'helloReply', 'executeRequest', 'appliedResult', 'refusedResult', 'errorReply', 'skipReply', 'byeRequest', 'byeReply']) {
      expect(schema.$defs).toHaveProperty(name);
    }
  });

  it('accepts every example message of docs/adapter-protocol.md (one per line, and the pretty-printed ones)', () => {
    const { anyMessage } = protocolValidators();
    const lines = blocks('jsonl').flatMap((block) => block.split('\n').filter((line) => line.trim() !== ''));
    const pretty = blocks('json');
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(pretty.length).toBe(2);
    for (const text of [...lines, ...pretty]) {
      const message: unknown = JSON.parse(text);
      expect(anyMessage(message), `${text.slice(0, 80)}: ${JSON.stringify(anyMessage.errors)}`).toBe(true);
    }
    const types = lines.map((line) => (JSON.parse(line) as { type: string }).type);
    expect(new Set(types)).toEqual(new Set(['hello', 'execute', 'result', 'error', 'skip', 'bye']));
  });

  it('rejects malformed replies, naming the field', () => {
    const applied = { id: 1, type: 'result', ok: true, receipts: [], postState: { accounts: [], assets: ['00'.repeat(32)], burnedSupply: '0' }, feeTotal: '0', stateRoot: 'ab'.repeat(32) };
    const u64 = 'a u64 as a decimal string without sign or leading zeros';
    expect(executeReplyProblem(applied)).toBeUndefined();
    expect(executeReplyProblem({ ...applied, feeTotal: 0 })).toBe(`applied result reply: feeTotal: must be ${u64}, got the number 0`);
    expect(executeReplyProblem({ ...applied, feeTotal: '01' })).toBe(`applied result reply: feeTotal: must be ${u64}, got the string "01"`);
    expect(executeReplyProblem({ ...applied, stateRoot: 'AB'.repeat(32) })).toMatch(/^applied result reply: stateRoot: must be a 32-byte BLAKE3 hash, lowercase hex, got the string "ABAB/);
    expect(executeReplyProblem({ ...applied, extra: 1 })).toBe(
      'applied result reply: extra: is not an allowed member (the members are id, type, ok, receipts, postState, feeTotal, stateRoot), got the number 1',
    );
    expect(executeReplyProblem({ ...applied, receipts: [{ hash: null, status: 'rejected', error: 'NoSuchCode', fee: '0' }] })).toMatch(
      /^applied result reply: receipts\[0\]\.error: must be one of "InvalidFormat", .*"Overflow", got the string "NoSuchCode"$/,
    );
    expect(executeReplyProblem({ id: 1, type: 'result', ok: false, error: 'Overflow' })).toBe('refused result reply: error: must be "BlockOverflow", got the string "Overflow"');
    expect(executeReplyProblem({ id: 1, type: 'skip' })).toBe('skip reply: reason: is missing; must be a string of at most 65536 characters');
    expect(executeReplyProblem({ id: 1, type: 'hello' })).toBe('type: must be one of "result", "error", "skip", got the string "hello"');
    expect(protocolValidators().helloReply({ id: 1, type: 'hello', protocolVersion: 1, name: 'x', version: '1', ledgers: [] })).toBe(false);
  });
});

describe('the documented minimal adapter', () => {
  it('is quoted in full in the documentation', () => {
    const source = readFileSync(join(ROOT, 'docs', 'examples', 'minimal-adapter.mjs'), 'utf8');
    expect(blocks('js')).toContain(source);
  });

  it('passes vectors through the documented command', async () => {
    const io = capture();
    const code = await vectorsCommand(['--adapter', `node ${ROOT}docs/examples/minimal-adapter.mjs`, '--filter', 'ledger-asset-first-received'], io);
    expect(io.stdout()).toContain('2 passed, 0 failed, 0 skipped, 0 errors');
    expect(io.stdout()).toContain('minimal-adapter (reference spec) 1.0.0');
    expect(code).toBe(0);
  });
});
