/**
 * The vector release (scripts/release-vectors.ts): two builds from two copies of the
 * repository that differ in file mtimes, permissions and creation order give
 * byte-identical tarballs; the archive unpacks to exactly the committed vectors, schemas
 * and index with fixed modes, owners and mtimes; SHA256SUMS verifies; and a repository
 * whose vectors, index, changelog or licence are wrong is refused with nothing written.
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease, main, prepareRelease, ReleaseError, SUMS_FILE, tarballName, type WrittenRelease } from '../../scripts/release-vectors.ts';
import { TAR_MTIME, TAR_RECORD_SIZE } from '../../scripts/ustar.ts';
import { readTar, type ReadEntry } from './tar-reader.ts';

const root = new URL('../../', import.meta.url).pathname;
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const committedIndex = JSON.parse(readFileSync(join(root, 'vectors', 'index.json'), 'utf8')) as {
  rootHash: string;
  formatVersion: number;
  vectors: { id: string; hash: string; path: string }[];
};
const top = `tos-conformance-vectors-${version}`;

/** Every file under a directory, as sorted "/"-separated relative paths. */
function listFiles(directory: string, base: string = directory): string[] {
  return readdirSync(directory)
    .flatMap((name) => (statSync(join(directory, name)).isDirectory() ? listFiles(join(directory, name), base) : [relative(base, join(directory, name))]))
    .sort();
}

/** The repository files a release reads. */
const releaseInputs = ['package.json', 'LICENSE', 'CHANGELOG.md', ...listFiles(join(root, 'vectors')).map((path) => `vectors/${path}`)];

const temporary: string[] = [];
function tempDir(label: string): string {
  const directory = mkdtempSync(join(tmpdir(), `tos-release-${label}-`));
  temporary.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of temporary) rmSync(directory, { recursive: true, force: true });
});

/** Copy the release inputs into a fresh directory, in the given order, with the given file mtime and mode. */
function copyRepository(label: string, options: { readonly reverse: boolean; readonly mtime: Date; readonly mode: number }): string {
  const target = tempDir(label);
  for (const path of options.reverse ? [...releaseInputs].reverse() : releaseInputs) {
    const to = join(target, path);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(root, path), to);
    chmodSync(to, options.mode);
    utimesSync(to, options.mtime, options.mtime);
  }
  return target;
}

/** The root hash recomputed from an index text as docs/vectors.md describes it. */
function recomputeRootHash(indexText: string): string {
  const index = JSON.parse(indexText) as { vectors: { id: string; hash: string }[] };
  const pairs = index.vectors.map((entry) => [entry.id, entry.hash]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  // Canonical JSON of an array of arrays of ASCII strings is plain JSON.stringify.
  return Buffer.from(blake3(new TextEncoder().encode(JSON.stringify(pairs)))).toString('hex');
}

describe('a release built twice from differently stamped copies', () => {
  const firstMtime = new Date('2001-02-03T04:05:06Z');
  const secondMtime = new Date('2011-12-13T14:15:16Z');
  let first: WrittenRelease;
  let second: WrittenRelease;
  let firstBytes: Buffer;
  let entries: ReadEntry[];

  beforeAll(() => {
    const a = copyRepository('a', { reverse: false, mtime: firstMtime, mode: 0o600 });
    const b = copyRepository('b', { reverse: true, mtime: secondMtime, mode: 0o664 });
    first = buildRelease(join(tempDir('out-a'), 'release'), { root: a });
    second = buildRelease(join(tempDir('out-b'), 'nested', 'release'), { root: b });
    firstBytes = readFileSync(first.tarballPath);
    entries = readTar(gunzipSync(firstBytes));
  }, 600_000);

  it('gives byte-identical tarballs and checksum files', () => {
    expect(first.tarballPath.endsWith(tarballName(version))).toBe(true);
    expect(firstBytes.length).toBeGreaterThan(0);
    expect(firstBytes.equals(readFileSync(second.tarballPath))).toBe(true);
    expect(readFileSync(first.sumsPath, 'utf8')).toBe(readFileSync(second.sumsPath, 'utf8'));
  });

  it('writes a gzip header without a name, mtime 0 and operating system 255', () => {
    expect([...firstBytes.subarray(0, 4)]).toEqual([0x1f, 0x8b, 0x08, 0x00]);
    expect(firstBytes.readUInt32LE(4)).toBe(0);
    expect(firstBytes[9]).toBe(255);
  });

  it('holds exactly the README, the licence, the index, the schemas and the indexed vectors', () => {
    const files = entries.filter((entry) => entry.type === '0').map((entry) => entry.path);
    const expected = ['README.md', 'LICENSE', ...listFiles(join(root, 'vectors'))].map((path) => `${top}/${path}`).sort();
    expect([...files].sort()).toEqual(expected);
    expect(files).toEqual(expect.arrayContaining(committedIndex.vectors.map((entry) => `${top}/${entry.path}`)));
    const directories = entries.filter((entry) => entry.type === '5').map((entry) => entry.path);
    const parents = new Set(files.flatMap((path) => path.split('/').slice(0, -1).map((_, i, parts) => `${parts.slice(0, i + 1).join('/')}/`)));
    expect([...directories].sort()).toEqual([...parents].sort());
    expect(entries.map((entry) => entry.path)).toEqual([...entries.map((entry) => entry.path)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('stores every file byte for byte as committed', () => {
    for (const entry of entries.filter((entry) => entry.type === '0' && entry.path.startsWith(`${top}/`))) {
      const path = entry.path.slice(top.length + 1);
      const source = path === 'README.md' ? undefined : path === 'LICENSE' ? join(root, 'LICENSE') : join(root, 'vectors', path);
      if (source !== undefined) expect(Buffer.from(entry.data).equals(readFileSync(source)), path).toBe(true);
    }
  });

  it('gives every entry the fixed mtime, owner, group and mode, not those of the file system', () => {
    expect(TAR_MTIME).not.toBe(Math.floor(firstMtime.getTime() / 1000));
    expect(TAR_MTIME).not.toBe(Math.floor(secondMtime.getTime() / 1000));
    for (const entry of entries) {
      expect(entry.mtime, entry.path).toBe(TAR_MTIME);
      expect([entry.uid, entry.gid, entry.uname, entry.gname], entry.path).toEqual([0, 0, '', '']);
      expect(entry.mode, entry.path).toBe(entry.type === '5' ? 0o755 : 0o644);
      expect([entry.magic, entry.version]).toEqual(['ustar\0', '00']);
    }
    expect(new Date(TAR_MTIME * 1000).toISOString()).toBe('2000-01-01T00:00:00.000Z');
  });

  it('pads the tar to whole records', () => {
    expect(gunzipSync(firstBytes).length % TAR_RECORD_SIZE).toBe(0);
  });

  it("carries an index whose recomputed root hash is vectors/index.json's", () => {
    const index = entries.find((entry) => entry.path === `${top}/index.json`)!;
    const text = new TextDecoder().decode(index.data);
    expect(recomputeRootHash(text)).toBe(committedIndex.rootHash);
    expect(first.rootHash).toBe(committedIndex.rootHash);
    expect(first.formatVersion).toBe(committedIndex.formatVersion);
  });

  it('has a README giving the version, the format version and the root hash', () => {
    const readme = new TextDecoder().decode(entries.find((entry) => entry.path === `${top}/README.md`)!.data);
    expect(readme).toContain(`# tos-conformance vectors ${version}`);
    expect(readme).toContain(`Vector format version: ${committedIndex.formatVersion}`);
    expect(readme).toContain(`Root hash: \`${committedIndex.rootHash}\``);
    expect(readme).toContain('docs/vectors.md');
  });

  it('writes a SHA256SUMS that verifies the tarball', () => {
    const sums = readFileSync(join(dirname(first.tarballPath), SUMS_FILE), 'utf8');
    const match = /^([0-9a-f]{64}) {2}(\S+)\n$/.exec(sums);
    expect(match).not.toBeNull();
    expect(match![2]).toBe(tarballName(version));
    expect(match![1]).toBe(createHash('sha256').update(readFileSync(join(dirname(first.tarballPath), match![2]!))).digest('hex'));
    expect(match![1]).toBe(first.sha256);
  });
});

describe('a repository that is not releasable', () => {
  /** A copy of the release inputs; `edit` changes it before the build. */
  function refused(edit: (copy: string) => void, checkGenerator: boolean): ReleaseError {
    const copy = copyRepository('bad', { reverse: false, mtime: new Date('2001-01-01T00:00:00Z'), mode: 0o644 });
    edit(copy);
    const out = join(tempDir('bad-out'), 'release');
    let caught: unknown;
    try {
      buildRelease(out, { root: copy, checkGenerator });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ReleaseError);
    expect(existsSync(out)).toBe(false);
    return caught as ReleaseError;
  }
  const firstVector = committedIndex.vectors[0]!;

  it('is refused when a vector no longer hashes to its index entry', () => {
    const error = refused((copy) => {
      const path = join(copy, 'vectors', firstVector.path);
      writeFileSync(path, readFileSync(path, 'utf8').replace(/"description": "/, '"description": "edited '));
    }, false);
    expect(error.problems.some((problem) => problem.includes(`vectors/${firstVector.path}: _info.hash`))).toBe(true);
  });

  it('is refused when the index root hash does not match its entries', () => {
    const error = refused((copy) => {
      const path = join(copy, 'vectors', 'index.json');
      writeFileSync(path, readFileSync(path, 'utf8').replace(committedIndex.rootHash, '0'.repeat(64)));
    }, false);
    expect(error.problems.some((problem) => problem.startsWith(`vectors/index.json rootHash ${'0'.repeat(64)}`))).toBe(true);
  });

  it('is refused when vectors/ holds a file the index does not list', () => {
    const error = refused((copy) => writeFileSync(join(copy, 'vectors', 'rules', 'stray.json'), '{}\n'), false);
    expect(error.problems).toContain('vectors/rules/stray.json is not in vectors/index.json');
  });

  it('is refused when a vector file listed in the index is missing', () => {
    const error = refused((copy) => rmSync(join(copy, 'vectors', firstVector.path)), false);
    expect(error.problems).toContain(`vector ${firstVector.id}: file vectors/${firstVector.path} is missing`);
  });

  it('is refused when the changelog has no matching entry for the version', () => {
    const stale = refused((copy) => {
      const path = join(copy, 'CHANGELOG.md');
      writeFileSync(path, readFileSync(path, 'utf8').split(committedIndex.rootHash).join('f'.repeat(64)));
    }, false);
    expect(stale.problems.some((problem) => problem.startsWith(`CHANGELOG.md ${version}: vector root hash ${'f'.repeat(64)}`))).toBe(true);
    const missing = refused((copy) => {
      const path = join(copy, 'package.json');
      writeFileSync(path, readFileSync(path, 'utf8').replace(`"version": "${version}"`, '"version": "99.0.0"'));
    }, false);
    expect(missing.problems).toContain('CHANGELOG.md has no entry for 99.0.0');
    expect(missing.problems).toContain(`vectors/index.json generatorVersion ${version} is not the package version 99.0.0`);
  });

  it('is refused without a LICENSE', () => {
    const error = refused((copy) => rmSync(join(copy, 'LICENSE')), false);
    expect(error.problems).toEqual(['LICENSE is missing']);
  });

  it('is refused when vectors/ is not what the generator writes, even with every hash consistent', () => {
    const error = refused((copy) => {
      const path = join(copy, 'vectors', 'index.json');
      writeFileSync(path, `${JSON.stringify(JSON.parse(readFileSync(path, 'utf8')))}\n`);
    }, true);
    expect(error.problems).toEqual(['vectors/index.json differs from what the generator writes (run `npm run vectors`)']);
  }, 600_000);

  it('prepares nothing for a refused repository and the command exits 2 on a bad argument', () => {
    const copy = copyRepository('bad-arg', { reverse: false, mtime: new Date('2001-01-01T00:00:00Z'), mode: 0o644 });
    rmSync(join(copy, 'CHANGELOG.md'));
    expect(() => prepareRelease({ root: copy, checkGenerator: false })).toThrow(/CHANGELOG\.md is missing/);
    expect(main(['--bogus'])).toBe(2);
    expect(main(['--out'])).toBe(2);
  });
});
