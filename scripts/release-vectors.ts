/**
 * The vector release: `npm run release:vectors [-- --out DIR]` writes
 * `tos-conformance-vectors-<version>.tar.gz` and `SHA256SUMS` into `release/` (or DIR).
 *
 * The version is package.json's `version`. Before anything is written the release
 * refuses to build, listing every problem, unless:
 *
 * - every vector listed in `vectors/index.json` exists, its `_info.hash` is the BLAKE3 of
 *   its canonical JSON and equals the index entry's hash, and the index's `rootHash` is
 *   the root hash of those entries;
 * - `vectors/` holds nothing besides `index.json`, the schemas and the indexed vectors;
 * - the index's `formatVersion` is the generator's and its `generatorVersion` is the
 *   package version;
 * - the generator reproduces `vectors/` exactly (`npm run vectors -- --check`);
 * - CHANGELOG.md has an entry for the version with the same root hash and format version;
 * - LICENSE exists.
 *
 * The tarball is reproducible: its tar part is written by {@link writeTar} (sorted
 * entries, fixed mtime, owner, group and modes) and compressed with Node's zlib at level
 * 9, whose gzip header has no file name and mtime 0; the header's operating-system byte
 * is set to 255 ("unknown") so that it does not depend on the platform. Two builds from
 * the same commit with the same Node version are byte-identical.
 *
 * @module release-vectors
 */

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { computeVectorHash, GENERATOR_NAME, VECTOR_FORMAT_VERSION, type Vector } from '../conformance/vectors/format.ts';
import { checkVectorFiles, computeRootHash, type VectorIndex } from '../conformance/vectors/generate.ts';
import { writeTar, type TarEntry } from './ustar.ts';

/** The root of this repository. */
export const REPOSITORY_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Name of the checksum file written beside the tarball. */
export const SUMS_FILE = 'SHA256SUMS';
/** The operating-system byte written into the gzip header (RFC 1952: 255 = unknown). */
export const GZIP_OS_UNKNOWN = 255;

/** The release refused to build; nothing was written. */
export class ReleaseError extends Error {
  /** Every problem found, one line each. */
  readonly problems: readonly string[];
  /** @param problems every problem found, one line each */
  constructor(problems: readonly string[]) {
    super(`the vector release cannot be built:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ReleaseError';
    this.problems = problems;
  }
}

/** What a CHANGELOG.md entry records for one version. */
export interface ChangelogEntry {
  /** The version of the heading, e.g. `0.1.0`. */
  readonly version: string;
  /** The `Vector root hash:` line, lowercase hex, or `undefined` when missing. */
  readonly rootHash: string | undefined;
  /** The `Format version:` line, or `undefined` when missing. */
  readonly formatVersion: number | undefined;
}

/**
 * Find the entry of `version` in CHANGELOG.md text.
 *
 * An entry starts at a heading `## [<version>]` or `## <version>` (anything may follow
 * on the heading line, e.g. the date) and runs to the next `## ` heading. Inside it the
 * lines `Vector root hash: \`<64 hex>\`` and `Format version: <n>` (in a list item or
 * not) give the root hash and the format version.
 *
 * @param text the CHANGELOG.md text
 * @param version the package version to look for
 * @returns the entry, or `undefined` when there is no heading for the version
 */
export function findChangelogEntry(text: string, version: string): ChangelogEntry | undefined {
  const lines = text.split(/\r?\n/);
  const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const heading = new RegExp(`^## (\\[${escaped}\\]|${escaped})(\\s|$)`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start === -1) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith('## '));
  const body = (end === -1 ? rest : rest.slice(0, end)).join('\n');
  const root = /Vector root hash:\s*`([0-9a-f]{64})`/.exec(body);
  const format = /Format version:\s*`?(\d+)`?/.exec(body);
  return { version, rootHash: root?.[1], formatVersion: format === null ? undefined : Number(format[1]) };
}

/** The release file name of a version. */
export function tarballName(version: string): string {
  return `tos-conformance-vectors-${version}.tar.gz`;
}

/** A release built in memory, not yet written. */
export interface PreparedRelease {
  /** The package version. */
  readonly version: string;
  /** The vector format version. */
  readonly formatVersion: number;
  /** The index root hash. */
  readonly rootHash: string;
  /** Number of vectors. */
  readonly total: number;
  /** The tarball's file name. */
  readonly tarballName: string;
  /** The tarball bytes. */
  readonly tarball: Uint8Array;
  /** SHA-256 of the tarball, lowercase hex. */
  readonly sha256: string;
  /** The text of `SHA256SUMS`. */
  readonly sums: string;
  /** The archive's entry paths in archive order (directories end in `/`). */
  readonly entries: readonly string[];
}

/** Options of {@link prepareRelease} and {@link buildRelease}. */
export interface ReleaseOptions {
  /** The repository to release from; default this repository. */
  readonly root?: string;
  /**
   * Whether to run the generator and compare its output with `vectors/` (about ten
   * seconds); default `true`. The hash, index and changelog checks always run.
   */
  readonly checkGenerator?: boolean;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Every file under `directory`, as sorted `/`-separated paths relative to it. */
function listFiles(directory: string, base: string = directory): string[] {
  const out: string[] = [];
  for (const name of readdirSync(directory)) {
    const full = join(directory, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, base));
    else out.push(relative(base, full).split('\\').join('/'));
  }
  return out.sort(compare);
}

/** Parse JSON, recording a problem instead of throwing. */
function parseJson<T>(text: string, what: string, problems: string[]): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    problems.push(`${what} is not JSON: ${(error as Error).message}`);
    return undefined;
  }
}

/** Read the package version from package.json. */
function packageVersion(root: string, problems: string[]): string | undefined {
  const path = join(root, 'package.json');
  if (!existsSync(path)) {
    problems.push('package.json is missing');
    return undefined;
  }
  const json = parseJson<{ version?: unknown }>(readFileSync(path, 'utf8'), 'package.json', problems);
  if (json === undefined) return undefined;
  const { version } = json;
  if (typeof version !== 'string' || !/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.test(version)) {
    problems.push(`package.json version ${JSON.stringify(version)} is not MAJOR.MINOR.PATCH`);
    return undefined;
  }
  return version;
}

/** The README placed at the top of the archive. */
export function releaseReadme(release: { version: string; formatVersion: number; rootHash: string; index: VectorIndex }): string {
  const { version, formatVersion, rootHash, index } = release;
  const counts = Object.entries(index.counts.categories)
    .map(([category, count]) => `| \`${category}\` | ${count} |`)
    .join('\n');
  return `# tos-conformance vectors ${version}

JSON test vectors for TOS transaction execution (Burn, Transfers and MultiSig payloads),
generated from the tos-conformance reference specification. Each vector is one block:
context, pre-state, transactions as wire bytes, and the expected receipts, post-state,
fee total and state root (or the block error).

- Release: ${version}
- Vector format version: ${formatVersion}
- Vectors: ${index.total}
- Root hash: \`${rootHash}\`

| category | vectors |
| --- | --- |
${counts}

## Contents

\`\`\`
index.json            every vector (id, category, path, hash, rules, tags), counts, root hash
schema/               JSON Schemas (draft 2020-12) of a vector, of index.json and of the adapter protocol
<category>/<id>.json  one vector per file
LICENSE               MIT
\`\`\`

## Verifying

1. The download: \`sha256sum -c SHA256SUMS\` (or \`shasum -a 256 -c SHA256SUMS\`) in the
   directory holding the tarball and the SHA256SUMS file published with it.
2. The content: recompute the root hash from \`index.json\` (BLAKE3 of the canonical JSON
   of the \`[id, hash]\` pairs sorted by id) and compare it with the root hash above and
   with the one you pinned; then check each vector's \`_info.hash\` (BLAKE3 of the
   canonical JSON of the vector without \`_info\`) against its index entry.

A consumer should refuse a \`formatVersion\` it does not know. Format version ${formatVersion} is
documented field by field, with the canonical JSON, the hashes, per-language recompute
recipes and the pinning procedure, in \`docs/vectors.md\` of the tos-conformance
repository at the commit tagged \`v${version}\`; what changed between releases is in its
CHANGELOG.md.
`;
}

/** Set the operating-system byte of a gzip member and check the header has no name and mtime 0. */
function normaliseGzipHeader(gzip: Uint8Array): Uint8Array {
  const [id1, id2, method, flags, m0, m1, m2, m3] = gzip;
  if (id1 !== 0x1f || id2 !== 0x8b || method !== 8) throw new Error('zlib did not write a deflate gzip member');
  if (flags !== 0) throw new Error(`zlib wrote gzip header flags ${flags}; expected none (no name, comment or extra field)`);
  if (m0 !== 0 || m1 !== 0 || m2 !== 0 || m3 !== 0) throw new Error('zlib wrote a gzip mtime; expected 0');
  const out = Uint8Array.from(gzip);
  out[9] = GZIP_OS_UNKNOWN;
  return out;
}

/**
 * Check the repository and build the release in memory.
 *
 * @param options the repository and whether to run the generator check
 * @returns the tarball, its SHA-256, the SHA256SUMS text and what they describe
 * @throws {@link ReleaseError} listing every problem found; nothing is written either way
 */
export function prepareRelease(options: ReleaseOptions = {}): PreparedRelease {
  const root = options.root ?? REPOSITORY_ROOT;
  const vectorsDir = join(root, 'vectors');
  const problems: string[] = [];
  const version = packageVersion(root, problems);

  const indexPath = join(vectorsDir, 'index.json');
  if (!existsSync(indexPath)) throw new ReleaseError([...problems, 'vectors/index.json is missing']);
  const indexText = readFileSync(indexPath, 'utf8');
  const index = parseJson<VectorIndex>(indexText, 'vectors/index.json', problems);
  if (index === undefined || !Array.isArray(index.vectors)) throw new ReleaseError([...problems, 'vectors/index.json has no vectors list']);

  if (index.formatVersion !== VECTOR_FORMAT_VERSION) {
    problems.push(`vectors/index.json formatVersion ${index.formatVersion} is not the generator's ${VECTOR_FORMAT_VERSION}`);
  }
  if (index.generator !== GENERATOR_NAME) problems.push(`vectors/index.json generator ${JSON.stringify(index.generator)} is not ${GENERATOR_NAME}`);
  if (version !== undefined && index.generatorVersion !== version) {
    problems.push(`vectors/index.json generatorVersion ${index.generatorVersion} is not the package version ${version}`);
  }
  if (index.total !== index.vectors.length) problems.push(`vectors/index.json total ${index.total} but ${index.vectors.length} entries`);

  // Every indexed vector: present, hash recomputed, matching its entry.
  const files = new Map<string, Uint8Array>();
  const pairs: [string, string][] = [];
  for (const entry of index.vectors) {
    pairs.push([entry.id, entry.hash]);
    const full = join(vectorsDir, entry.path);
    if (typeof entry.path !== 'string' || !/^[a-z]+\/[A-Za-z0-9._-]+\.json$/.test(entry.path) || !existsSync(full)) {
      problems.push(`vector ${entry.id}: file vectors/${entry.path} is missing`);
      continue;
    }
    const bytes = readFileSync(full);
    files.set(entry.path, bytes);
    const vector = parseJson<Vector>(bytes.toString('utf8'), `vectors/${entry.path}`, problems);
    if (vector === undefined) continue;
    if (vector.id !== entry.id) problems.push(`vectors/${entry.path}: id ${vector.id} but the index says ${entry.id}`);
    const hash = computeVectorHash(vector);
    if (vector._info?.hash !== hash) problems.push(`vectors/${entry.path}: _info.hash ${vector._info?.hash} but the content hashes to ${hash}`);
    if (entry.hash !== hash) problems.push(`vectors/${entry.path}: the index says ${entry.hash} but the content hashes to ${hash}`);
    if (vector._info?.formatVersion !== index.formatVersion) {
      problems.push(`vectors/${entry.path}: formatVersion ${vector._info?.formatVersion} but the index says ${index.formatVersion}`);
    }
  }
  const rootHash = computeRootHash(pairs);
  if (index.rootHash !== rootHash) problems.push(`vectors/index.json rootHash ${index.rootHash} but its entries hash to ${rootHash}`);

  // Nothing unindexed, and the schemas.
  const schemas: string[] = [];
  for (const path of listFiles(vectorsDir)) {
    if (path === 'index.json' || files.has(path)) continue;
    if (/^schema\/[A-Za-z0-9._-]+\.json$/.test(path)) schemas.push(path);
    else problems.push(`vectors/${path} is not in vectors/index.json`);
  }
  if (schemas.length === 0) problems.push('vectors/schema/ has no schemas');

  if (options.checkGenerator ?? true) {
    const drift = checkVectorFiles(vectorsDir);
    for (const path of drift.missing) problems.push(`the generator writes vectors/${path}, which is missing (run \`npm run vectors\`)`);
    for (const path of drift.different) problems.push(`vectors/${path} differs from what the generator writes (run \`npm run vectors\`)`);
    for (const path of drift.extra) problems.push(`vectors/${path} is not written by the generator (run \`npm run vectors\`)`);
  }

  // The changelog and the licence.
  const changelogPath = join(root, 'CHANGELOG.md');
  if (!existsSync(changelogPath)) problems.push('CHANGELOG.md is missing');
  else if (version !== undefined) {
    const entry = findChangelogEntry(readFileSync(changelogPath, 'utf8'), version);
    if (entry === undefined) problems.push(`CHANGELOG.md has no entry for ${version}`);
    else {
      if (entry.rootHash !== index.rootHash) problems.push(`CHANGELOG.md ${version}: vector root hash ${entry.rootHash ?? '(none)'} but vectors/index.json has ${index.rootHash}`);
      if (entry.formatVersion !== index.formatVersion) {
        problems.push(`CHANGELOG.md ${version}: format version ${entry.formatVersion ?? '(none)'} but vectors/index.json has ${index.formatVersion}`);
      }
    }
  }
  const licensePath = join(root, 'LICENSE');
  if (!existsSync(licensePath)) problems.push('LICENSE is missing');

  if (problems.length > 0 || version === undefined) throw new ReleaseError(problems);

  // The archive: everything under one top-level directory named after the release.
  const top = `tos-conformance-vectors-${version}`;
  const entries: TarEntry[] = [];
  const directories = new Set<string>([top]);
  const addFile = (path: string, data: Uint8Array): void => {
    const full = `${top}/${path}`;
    for (let slash = full.indexOf('/'); slash !== -1; slash = full.indexOf('/', slash + 1)) directories.add(full.slice(0, slash));
    entries.push({ type: 'file', path: full, data });
  };
  const encoder = new TextEncoder();
  addFile('README.md', encoder.encode(releaseReadme({ version, formatVersion: index.formatVersion, rootHash, index })));
  addFile('LICENSE', readFileSync(licensePath));
  addFile('index.json', encoder.encode(indexText));
  for (const path of schemas) addFile(path, readFileSync(join(vectorsDir, path)));
  for (const [path, bytes] of files) addFile(path, bytes);
  for (const directory of directories) entries.push({ type: 'directory', path: directory });

  const tar = writeTar(entries);
  const tarball = normaliseGzipHeader(gzipSync(tar, { level: 9 }));
  const sha256 = createHash('sha256').update(tarball).digest('hex');
  const name = tarballName(version);
  const archived = entries.map((entry) => (entry.type === 'directory' ? `${entry.path}/` : entry.path)).sort(compare);
  return {
    version,
    formatVersion: index.formatVersion,
    rootHash,
    total: index.vectors.length,
    tarballName: name,
    tarball,
    sha256,
    sums: `${sha256}  ${name}\n`,
    entries: archived,
  };
}

/** A release written to disk. */
export interface WrittenRelease extends PreparedRelease {
  /** Where the tarball was written. */
  readonly tarballPath: string;
  /** Where SHA256SUMS was written. */
  readonly sumsPath: string;
}

/**
 * Check the repository, build the release and write the tarball and `SHA256SUMS` into
 * `outDir` (created if missing). Each file is written under a temporary name and renamed,
 * so a failed run leaves no partial file.
 *
 * @param outDir the output directory
 * @param options the repository and whether to run the generator check
 * @returns the written release
 * @throws {@link ReleaseError} when the repository is not releasable (nothing is written)
 */
export function buildRelease(outDir: string, options: ReleaseOptions = {}): WrittenRelease {
  const release = prepareRelease(options);
  mkdirSync(outDir, { recursive: true });
  const tarballPath = join(outDir, release.tarballName);
  const sumsPath = join(outDir, SUMS_FILE);
  writeFileSync(`${tarballPath}.partial`, release.tarball);
  writeFileSync(`${sumsPath}.partial`, release.sums);
  renameSync(`${tarballPath}.partial`, tarballPath);
  renameSync(`${sumsPath}.partial`, sumsPath);
  return { ...release, tarballPath, sumsPath };
}

const USAGE = 'usage: npm run release:vectors [-- --out DIR]';

/**
 * The command line: `[--out DIR]`.
 *
 * @param argv the arguments after the script name
 * @returns the exit code: 0 written, 1 refused, 2 bad arguments
 */
export function main(argv: readonly string[]): number {
  let outDir = join(REPOSITORY_ROOT, 'release');
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--out' && argv[i + 1] !== undefined && argv[i + 1] !== '') outDir = resolve(argv[++i]!);
    else if (argument === '--help' || argument === '-h') {
      console.log(USAGE);
      return 0;
    } else {
      console.error(`${argument === '--out' ? '--out needs a directory' : `unknown argument ${JSON.stringify(argument)}`}\n${USAGE}`);
      return 2;
    }
  }
  try {
    const release = buildRelease(outDir);
    console.log(`${release.tarballPath} (${release.tarball.length} bytes, ${release.entries.length} entries)`);
    console.log(`sha256      ${release.sha256}`);
    console.log(`root hash   ${release.rootHash} (${release.total} vectors, format version ${release.formatVersion})`);
    console.log(`checksums   ${release.sumsPath}`);
    return 0;
  } catch (error) {
    if (error instanceof ReleaseError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
