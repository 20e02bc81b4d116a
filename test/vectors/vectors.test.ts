/**
 * The committed JSON test vectors (vectors/): schema, hashes, expectations, index,
 * coverage and drift against the generator.
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_REJECTION_CODES, applyBlock, decodeTransaction, hexToBytes, MAX_U64 } from '../../spec/index.ts';
import {
  canonicalJson,
  computeVectorHash,
  readVectorBlock,
  resultToJson,
  transactionToJson,
  type Vector,
} from '../../conformance/vectors/format.ts';
import {
  buildIndex,
  checkVectorFiles,
  generateVectorFiles,
  generateVectors,
  GENERATED_CATEGORIES,
  REGRESSIONS_CATEGORY,
  VECTORS_DIR,
  writeVectorFiles,
  type VectorIndex,
} from '../../conformance/vectors/generate.ts';
import type { CategorisedVector } from '../../conformance/vectors/builder.ts';

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

interface OnDisk {
  readonly category: string;
  readonly path: string;
  readonly text: string;
  readonly vector: Vector;
}

/** Every vector file on disk, in every category directory (generated and regressions). */
function loadVectors(): OnDisk[] {
  const out: OnDisk[] = [];
  for (const category of [...GENERATED_CATEGORIES, REGRESSIONS_CATEGORY]) {
    const directory = join(VECTORS_DIR, category);
    if (!existsSync(directory)) continue;
    for (const file of readdirSync(directory).filter((name) => name.endsWith('.json')).sort()) {
      const text = readFileSync(join(directory, file), 'utf8');
      out.push({ category, path: `${category}/${file}`, text, vector: JSON.parse(text) as Vector });
    }
  }
  return out;
}

const vectors = loadVectors();
const index = readJson<VectorIndex>(join(VECTORS_DIR, 'index.json'));
const MAX = MAX_U64 as bigint;
const U64_FIELDS = new Set(['topoheight', 'nonce', 'amount', 'burnedSupply', 'fee', 'feeTotal']);

/** Every value under a u64 field name, with where it was found. */
function u64Values(value: unknown, where: string, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(value)) value.forEach((item, i) => u64Values(item, `${where}[${i}]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) {
      if (U64_FIELDS.has(key) && typeof member === 'string') out.push([`${where}.${key}`, member]);
      else u64Values(member, `${where}.${key}`, out);
    }
  }
  return out;
}

describe('vectors: files', () => {
  it('there are at least 300 vectors, with unique ids', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(300);
    expect(new Set(vectors.map(({ vector }) => vector.id)).size).toBe(vectors.length);
  });

  it('every vector validates against vector.schema.json, and index.json against index.schema.json', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validateVector = ajv.compile(readJson<object>(join(VECTORS_DIR, 'schema', 'vector.schema.json')));
    const validateIndex = ajv.compile(readJson<object>(join(VECTORS_DIR, 'schema', 'index.schema.json')));
    const failures: string[] = [];
    for (const { path, vector } of vectors) {
      if (!validateVector(vector)) failures.push(`${path}: ${ajv.errorsText(validateVector.errors)}`);
    }
    expect(failures).toEqual([]);
    expect(validateIndex(index), ajv.errorsText(validateIndex.errors)).toBe(true);
  });

  it('the schema rejects what it must (a u64 with a leading zero, an unknown rule, an extra field, a rejected receipt with a fee)', () => {
    const ajv = new Ajv2020({ strict: true });
    const validate = ajv.compile(readJson<object>(join(VECTORS_DIR, 'schema', 'vector.schema.json')));
    const sample = vectors.find(({ vector }) => vector.id === 'rejection-invalid-nonce')!.vector;
    const clone = (): any => JSON.parse(JSON.stringify(sample));
    expect(validate(clone())).toBe(true);
    const leadingZero = clone();
    leadingZero.context.topoheight = '010';
    expect(validate(leadingZero)).toBe(false);
    const unknownRule = clone();
    unknownRule.rules = ['R34'];
    expect(validate(unknownRule)).toBe(false);
    const extraField = clone();
    extraField['comment'] = 'x';
    expect(validate(extraField)).toBe(false);
    const feeOnRejected = clone();
    feeOnRejected.expected.receipts[0].fee = '15000';
    expect(validate(feeOnRejected)).toBe(false);
  });

  it('every file is pretty JSON with a trailing newline, named after its id, and its _info.hash is computeVectorHash', () => {
    for (const { path, text, vector, category } of vectors) {
      expect(text, path).toBe(`${JSON.stringify(vector, null, 2)}\n`);
      if (category !== REGRESSIONS_CATEGORY) expect(path).toBe(`${category}/${vector.id}.json`);
      expect(vector._info.hash, path).toBe(computeVectorHash(vector));
    }
  });

  it('every u64 decimal string is at most 2^64 - 1', () => {
    for (const { path, vector } of vectors) {
      for (const [where, text] of u64Values(vector, path)) {
        expect(/^(0|[1-9][0-9]*)$/.test(text), where).toBe(true);
        expect(BigInt(text) <= MAX, where).toBe(true);
      }
    }
  });

  it('the decoded form of every transaction is what its hex decodes to (null when it does not)', () => {
    for (const { path, vector } of vectors) {
      for (const transaction of vector.transactions) {
        const decoded = decodeTransaction(hexToBytes(transaction.hex));
        expect(transaction.decoded, path).toEqual(decoded.ok ? transactionToJson(decoded.value.transaction) : null);
      }
    }
  });
});

describe('vectors: expectations', () => {
  it('re-running the spec on every vector reproduces `expected` exactly', () => {
    const mismatches: string[] = [];
    for (const { path, vector } of vectors) {
      const { preState, context, transactions } = readVectorBlock(vector);
      const actual = resultToJson(applyBlock(preState, context, transactions));
      if (canonicalJson(actual) !== canonicalJson(vector.expected)) mismatches.push(path);
    }
    expect(mismatches).toEqual([]);
  });

  it('receipts: a rejected receipt has fee 0 and a code; an undecodable transaction has hash null', () => {
    for (const { path, vector } of vectors) {
      if (!vector.expected.ok) continue;
      expect(vector.expected.receipts.length, path).toBe(vector.transactions.length);
      vector.expected.receipts.forEach((receipt, i) => {
        if (receipt.status === 'rejected') {
          expect(receipt.fee).toBe('0');
          expect(receipt.error).not.toBeNull();
        }
        if (vector.transactions[i]!.decoded === null) expect(receipt.hash, path).toBeNull();
        else expect(receipt.hash, path).toBe(Buffer.from(blake3(hexToBytes(vector.transactions[i]!.hex))).toString('hex'));
      });
    }
  });
});

describe('vectors: index', () => {
  it('index.json lists exactly the files on disk, with their hashes, rules and tags, and its counts', () => {
    expect(index).toEqual(buildIndex(vectors.map(({ category, path, vector }) => ({ category, path, vector }))));
    expect(index.total).toBe(vectors.length);
    expect(index.vectors.map((entry) => entry.path).sort()).toEqual(vectors.map(({ path }) => path).sort());
  });

  it('the root hash recomputes: BLAKE3 of the canonical JSON of the [id, hash] pairs sorted by id', () => {
    const pairs = index.vectors.map((entry) => [entry.id, entry.hash]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
    const text = `[${pairs.map(([id, hash]) => `[${JSON.stringify(id)},${JSON.stringify(hash)}]`).join(',')}]`;
    expect(Buffer.from(blake3(new TextEncoder().encode(text))).toString('hex')).toBe(index.rootHash);
  });
});

describe('vectors: coverage', () => {
  it('every rule R1-R33 is cited by at least one vector', () => {
    const cited = new Set(vectors.flatMap(({ vector }) => vector.rules));
    const missing = Array.from({ length: 33 }, (_, i) => `R${i + 1}`).filter((rule) => !cited.has(rule as `R${number}`));
    expect(missing).toEqual([]);
  });

  it('every rejection code is the expected error of at least one receipt, and BlockOverflow of at least one block', () => {
    const seen = new Set<string>();
    for (const { vector } of vectors) {
      if (!vector.expected.ok) seen.add(vector.expected.error);
      else for (const receipt of vector.expected.receipts) if (receipt.error) seen.add(receipt.error);
    }
    expect([...ALL_REJECTION_CODES, 'BlockOverflow'].filter((code) => !seen.has(code))).toEqual([]);
    expect(ALL_REJECTION_CODES.length).toBe(21);
  });

  it('both ledger models, u64 edges, multisig changes mid-block, an empty block and undecodable bytes are covered', () => {
    const ids = new Set(vectors.map(({ vector }) => vector.id));
    expect(ids.has('ledger-asset-first-received-then-spent-immediate')).toBe(true);
    expect(ids.has('ledger-asset-first-received-then-spent-deferred')).toBe(true);
    const tagged = (tag: string): number => vectors.filter(({ vector }) => vector.tags.includes(tag)).length;
    expect(tagged('deferred-credits')).toBeGreaterThan(50);
    expect(tagged('immediate')).toBeGreaterThan(50);
    expect(tagged('u64-edge')).toBeGreaterThan(10);
    expect(tagged('multisig-change')).toBeGreaterThan(10);
    expect(tagged('empty-block')).toBeGreaterThan(0);
    expect(tagged('undecodable')).toBeGreaterThan(20);
    expect(vectors.filter(({ category }) => category === 'workloads').length).toBeGreaterThanOrEqual(100);
  });
});

describe('vectors: generator', () => {
  let generated: CategorisedVector[] = [];
  let files = new Map<string, string>();
  beforeAll(() => {
    generated = generateVectors();
    files = generateVectorFiles(VECTORS_DIR, generated);
  });

  it('check mode reports no drift: regenerating in memory gives the committed files byte for byte', () => {
    expect(checkVectorFiles(VECTORS_DIR, files)).toEqual({ missing: [], different: [], extra: [] });
  });

  it('writing keeps regressions as they are (and indexes them), and deletes stale generated files', () => {
    const root = mkdtempSync(join(tmpdir(), 'tos-vectors-'));
    try {
      cpSync(VECTORS_DIR, root, { recursive: true });
      const sample = generated.find(({ vector }) => vector.id === 'rejection-invalid-nonce')!.vector;
      const { _info, ...content } = { ...sample, id: 'regression-sample-0001' };
      const regression: Vector = { ...content, _info: { ..._info, source: 'regression', hash: computeVectorHash(content) } };
      mkdirSync(join(root, REGRESSIONS_CATEGORY), { recursive: true });
      const regressionText = `${JSON.stringify(regression, null, 2)}\n`;
      writeFileSync(join(root, REGRESSIONS_CATEGORY, 'regression-sample-0001.json'), regressionText);
      writeFileSync(join(root, 'rules', 'stale-vector.json'), '{}\n');
      const before = checkVectorFiles(root, files);
      expect(before.extra).toEqual(['rules/stale-vector.json']);
      const withRegression = generateVectorFiles(root, generated);
      const { deleted } = writeVectorFiles(root, withRegression);
      expect(deleted).toEqual(['rules/stale-vector.json']);
      expect(existsSync(join(root, 'rules', 'stale-vector.json'))).toBe(false);
      expect(readFileSync(join(root, REGRESSIONS_CATEGORY, 'regression-sample-0001.json'), 'utf8')).toBe(regressionText);
      const newIndex = readJson<VectorIndex>(join(root, 'index.json'));
      expect(newIndex.total).toBe(index.total + 1);
      expect(newIndex.counts.categories[REGRESSIONS_CATEGORY]).toBe((index.counts.categories[REGRESSIONS_CATEGORY] ?? 0) + 1);
      expect(newIndex.vectors.find((entry) => entry.id === 'regression-sample-0001')?.path).toBe('regressions/regression-sample-0001.json');
      expect(checkVectorFiles(root, withRegression)).toEqual({ missing: [], different: [], extra: [] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
