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
    expect(executeReplyProblem(applied)).toBeUndefined();
    expect(executeReplyProblem({ ...applied, feeTotal: 0 })).toMatch(/\/feeTotal must be string/);
    expect(executeReplyProblem({ ...applied, feeTotal: '01' })).toMatch(/\/feeTotal must match pattern/);
    expect(executeReplyProblem({ ...applied, stateRoot: 'AB'.repeat(32) })).toMatch(/\/stateRoot/);
    expect(executeReplyProblem({ ...applied, extra: 1 })).toMatch(/additional properties/);
    expect(executeReplyProblem({ ...applied, receipts: [{ hash: null, status: 'rejected', error: 'NoSuchCode', fee: '0' }] })).toBeDefined();
    expect(executeReplyProblem({ id: 1, type: 'result', ok: false, error: 'Overflow' })).toMatch(/refused result reply: \/error/);
    expect(executeReplyProblem({ id: 1, type: 'skip' })).toMatch(/skip reply: .*reason/);
    expect(executeReplyProblem({ id: 1, type: 'hello' })).toMatch(/type must be result, error or skip/);
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
