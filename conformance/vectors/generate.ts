/**
 * The vector generator: `npm run vectors` writes `vectors/<category>/<id>.json` and
 * `vectors/index.json`; `npm run vectors -- --check` regenerates in memory and exits
 * non-zero listing every file that differs, is missing or is extra.
 *
 * - Generated categories: `rules`, `rejections`, `precedence`, `ledger`, `wire`,
 *   `workloads`. Stale `*.json` files in their directories are deleted on write.
 * - `regressions/` is never written or deleted here: its files (shrunk counterexamples
 *   written by the conformance suite) are kept as they are and indexed.
 * - Output is byte-identical on every run: deterministic keys and signatures (R16), no
 *   clock, collections sorted explicitly.
 *
 * @module vector-generate
 */

import { blake3 } from '@noble/hashes/blake3.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ALL_REJECTION_CODES, bytesToHex } from '../../spec/index.ts';
import { canonicalJson, GENERATOR_NAME, GENERATOR_VERSION, VECTOR_FORMAT_VERSION, type Vector } from './format.ts';
import type { CategorisedVector } from './builder.ts';
import { ledgerVectors } from './scenarios-ledger.ts';
import { precedenceVectors } from './scenarios-precedence.ts';
import { rejectionVectors } from './scenarios-rejections.ts';
import { ruleVectors } from './scenarios-rules.ts';
import { wireVectors } from './scenarios-wire.ts';
import { workloadVectors } from './workloads.ts';

/** The `vectors/` directory of this repository. */
export const VECTORS_DIR: string = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'vectors');

/** Categories the generator writes, in index order. */
export const GENERATED_CATEGORIES = ['rules', 'rejections', 'precedence', 'ledger', 'wire', 'workloads'] as const;
/** The category kept as is and only indexed. */
export const REGRESSIONS_CATEGORY = 'regressions';
/** All categories, in index order. */
export const CATEGORIES: readonly string[] = [...GENERATED_CATEGORIES, REGRESSIONS_CATEGORY];

/** Rule ids R1..R33, in order. */
export const RULE_IDS: readonly string[] = Array.from({ length: 33 }, (_, index) => `R${index + 1}`);
/** Every code counted in the index: the 21 rejection codes, then `BlockOverflow`. */
export const INDEX_CODES: readonly string[] = [...ALL_REJECTION_CODES, 'BlockOverflow'];

/** One entry of `index.json`. */
export interface IndexEntry {
  readonly id: string;
  readonly category: string;
  /** Path relative to `vectors/`. */
  readonly path: string;
  readonly hash: string;
  readonly source: string;
  readonly rules: readonly string[];
  readonly tags: readonly string[];
}

/** `vectors/index.json`. */
export interface VectorIndex {
  readonly formatVersion: number;
  readonly generator: string;
  readonly generatorVersion: string;
  /** BLAKE3 of the canonical JSON of `[[id, hash], ...]` sorted by id. */
  readonly rootHash: string;
  readonly total: number;
  readonly counts: {
    /** Vectors per category (every category listed). */
    readonly categories: Readonly<Record<string, number>>;
    /** Vectors listing each rule R1..R33. */
    readonly rules: Readonly<Record<string, number>>;
    /** Vectors in which each code is the error of at least one receipt (BlockOverflow: the block error). */
    readonly codes: Readonly<Record<string, number>>;
  };
  /** Every vector, by category (in {@link CATEGORIES} order) then id. */
  readonly vectors: readonly IndexEntry[];
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The text of a vector file: 2-space indented JSON in the key order `makeVector` builds, trailing newline. */
export function vectorFileText(vector: Vector): string {
  return `${JSON.stringify(vector, null, 2)}\n`;
}

/** All generated vectors, in category order. Throws if an id repeats. */
export function generateVectors(): CategorisedVector[] {
  const all = [...ruleVectors(), ...rejectionVectors(), ...precedenceVectors(), ...ledgerVectors(), ...wireVectors(), ...workloadVectors()];
  const seen = new Set<string>();
  for (const { vector } of all) {
    if (seen.has(vector.id)) throw new Error(`vector id ${vector.id} appears twice`);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(vector.id)) throw new Error(`vector id ${vector.id} is not a slug`);
    seen.add(vector.id);
  }
  return all;
}

/** The regression vectors present in `vectors/regressions/`, as they are, with their file names. */
export function readRegressions(root: string = VECTORS_DIR): { file: string; vector: Vector }[] {
  const directory = join(root, REGRESSIONS_CATEGORY);
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort(compare)
    .map((file) => ({ file, vector: JSON.parse(readFileSync(join(directory, file), 'utf8')) as Vector }));
}

/** Count, per key, the entries whose `keys` contain it; every key of `universe` is listed. */
function countBy(universe: readonly string[], lists: readonly (readonly string[])[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of universe) counts[key] = 0;
  for (const list of lists) for (const key of new Set(list)) if (key in counts) counts[key] = counts[key]! + 1;
  return counts;
}

/** The codes a vector expects: receipt errors, or the block error. */
export function expectedCodes(vector: Vector): string[] {
  if (!vector.expected.ok) return [vector.expected.error];
  return vector.expected.receipts.flatMap((receipt) => (receipt.error === null ? [] : [receipt.error]));
}

/**
 * The index root hash: BLAKE3 over the canonical JSON of the list of `[id, hash]` pairs
 * sorted by id (UTF-16 code unit order, the same as byte order for these ASCII ids).
 */
export function computeRootHash(pairs: readonly (readonly [string, string])[]): string {
  const sorted = [...pairs].sort(([a], [b]) => compare(a, b));
  return bytesToHex(blake3(new TextEncoder().encode(canonicalJson(sorted))));
}

/** Build the index from categorised entries. */
export function buildIndex(entries: readonly { category: string; path: string; vector: Vector }[]): VectorIndex {
  const order = new Map(CATEGORIES.map((category, index) => [category, index]));
  const sorted = [...entries].sort((a, b) => (order.get(a.category) ?? 99) - (order.get(b.category) ?? 99) || compare(a.vector.id, b.vector.id));
  const categories: Record<string, number> = {};
  for (const category of CATEGORIES) categories[category] = sorted.filter((entry) => entry.category === category).length;
  return {
    formatVersion: VECTOR_FORMAT_VERSION,
    generator: GENERATOR_NAME,
    generatorVersion: GENERATOR_VERSION,
    rootHash: computeRootHash(sorted.map(({ vector }) => [vector.id, vector._info.hash] as const)),
    total: sorted.length,
    counts: {
      categories,
      rules: countBy(RULE_IDS, sorted.map(({ vector }) => vector.rules)),
      codes: countBy(INDEX_CODES, sorted.map(({ vector }) => expectedCodes(vector))),
    },
    vectors: sorted.map(({ category, path, vector }) => ({
      id: vector.id,
      category,
      path,
      hash: vector._info.hash,
      source: vector._info.source,
      rules: [...vector.rules],
      tags: [...vector.tags],
    })),
  };
}

/** Everything the generator owns, in memory: generated files and the index (paths relative to `vectors/`). */
export function generateVectorFiles(root: string = VECTORS_DIR, generated: readonly CategorisedVector[] = generateVectors()): Map<string, string> {
  const regressions = readRegressions(root);
  const ids = new Set(generated.map(({ vector }) => vector.id));
  for (const { file, vector } of regressions) {
    if (ids.has(vector.id)) throw new Error(`regression ${file} reuses the id ${vector.id}`);
    ids.add(vector.id);
  }
  const files = new Map<string, string>();
  for (const { category, vector } of generated) files.set(`${category}/${vector.id}.json`, vectorFileText(vector));
  const index = buildIndex([
    ...generated.map(({ category, vector }) => ({ category, path: `${category}/${vector.id}.json`, vector })),
    ...regressions.map(({ file, vector }) => ({ category: REGRESSIONS_CATEGORY, path: `${REGRESSIONS_CATEGORY}/${file}`, vector })),
  ]);
  files.set('index.json', `${JSON.stringify(index, null, 2)}\n`);
  return files;
}

/** The `*.json` files on disk in the generated category directories (relative paths). */
function filesOnDisk(root: string): string[] {
  const out: string[] = [];
  for (const category of GENERATED_CATEGORIES) {
    const directory = join(root, category);
    if (!existsSync(directory)) continue;
    for (const file of readdirSync(directory)) if (file.endsWith('.json')) out.push(`${category}/${file}`);
  }
  return out.sort(compare);
}

/** What `--check` found. */
export interface DriftReport {
  readonly missing: string[];
  readonly different: string[];
  readonly extra: string[];
}

/** Compare the files the generator would write with those on disk. */
export function checkVectorFiles(root: string = VECTORS_DIR, files: Map<string, string> = generateVectorFiles(root)): DriftReport {
  const missing: string[] = [];
  const different: string[] = [];
  for (const [path, text] of [...files].sort(([a], [b]) => compare(a, b))) {
    const full = join(root, path);
    if (!existsSync(full)) missing.push(path);
    else if (readFileSync(full, 'utf8') !== text) different.push(path);
  }
  const extra = filesOnDisk(root).filter((path) => !files.has(path));
  return { missing, different, extra };
}

/** Write the files and delete stale ones in the generated category directories. */
export function writeVectorFiles(root: string = VECTORS_DIR, files: Map<string, string> = generateVectorFiles(root)): { written: number; deleted: string[] } {
  const deleted = filesOnDisk(root).filter((path) => !files.has(path));
  for (const path of deleted) rmSync(join(root, path));
  let written = 0;
  for (const [path, text] of files) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    if (existsSync(full) && readFileSync(full, 'utf8') === text) continue;
    writeFileSync(full, text);
    written++;
  }
  return { written, deleted };
}

function main(argv: readonly string[]): number {
  if (argv.includes('--check')) {
    const report = checkVectorFiles();
    const problems = [
      ...report.missing.map((path) => `missing:   vectors/${path}`),
      ...report.different.map((path) => `differs:   vectors/${path}`),
      ...report.extra.map((path) => `extra:     vectors/${path}`),
    ];
    if (problems.length > 0) {
      console.error(`vectors are out of date (${problems.length} file(s)); run \`npm run vectors\`:`);
      for (const problem of problems) console.error(`  ${problem}`);
      return 1;
    }
    console.log('vectors are up to date');
    return 0;
  }
  const { written, deleted } = writeVectorFiles();
  const index = JSON.parse(readFileSync(join(VECTORS_DIR, 'index.json'), 'utf8')) as VectorIndex;
  console.log(`${index.total} vectors (${Object.entries(index.counts.categories).map(([c, n]) => `${c} ${n}`).join(', ')}); root ${index.rootHash}`);
  console.log(`${written} file(s) written, ${deleted.length} stale file(s) deleted${deleted.length ? `: ${deleted.join(', ')}` : ''}`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
