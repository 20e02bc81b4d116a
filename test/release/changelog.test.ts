/**
 * CHANGELOG.md and LICENSE stay in step with the package and the vectors: the changelog
 * has an entry for package.json's version whose root hash and format version are those
 * of vectors/index.json (so a release cannot go out with a stale changelog), and the
 * licence file is the one package.json names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChangelogEntry } from '../../scripts/release-vectors.ts';

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; license: string };
const index = JSON.parse(readFileSync(join(root, 'vectors', 'index.json'), 'utf8')) as { rootHash: string; formatVersion: number };
const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');

describe('CHANGELOG.md', () => {
  it("has an entry for package.json's version with vectors/index.json's root hash and format version", () => {
    const entry = findChangelogEntry(changelog, pkg.version);
    expect(entry, `no "## [${pkg.version}]" entry`).toBeDefined();
    expect(entry!.rootHash).toBe(index.rootHash);
    expect(entry!.formatVersion).toBe(index.formatVersion);
  });

  it('lists versions newest first, each heading once', () => {
    const versions = [...changelog.matchAll(/^## \[(\d+)\.(\d+)\.(\d+)\]/gm)].map((match) => [Number(match[1]), Number(match[2]), Number(match[3])]);
    expect(versions.length).toBeGreaterThan(0);
    for (let i = 1; i < versions.length; i++) {
      const [a, b] = [versions[i - 1]!, versions[i]!];
      const newer = a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
      expect(newer, `${a.join('.')} before ${b.join('.')}`).toBeGreaterThan(0);
    }
  });
});

describe('findChangelogEntry', () => {
  const hash = (digit: string): string => digit.repeat(64);
  const text = [
    '# Changelog',
    '',
    '## [1.2.0] - 2030-01-02',
    '',
    `- Vector root hash: \`${hash('a')}\``,
    '- Format version: 2',
    '',
    '## [1.1.0] - 2030-01-01',
    '',
    `- Vector root hash: \`${hash('b')}\``,
    '- Format version: 1',
    '',
    '## 1.0.0',
    '',
    'No hashes here.',
    '',
  ].join('\n');

  it('reads the root hash and format version of the requested entry only', () => {
    expect(findChangelogEntry(text, '1.2.0')).toEqual({ version: '1.2.0', rootHash: hash('a'), formatVersion: 2 });
    expect(findChangelogEntry(text, '1.1.0')).toEqual({ version: '1.1.0', rootHash: hash('b'), formatVersion: 1 });
  });

  it('reports an entry without the lines as missing fields, and an absent version as undefined', () => {
    expect(findChangelogEntry(text, '1.0.0')).toEqual({ version: '1.0.0', rootHash: undefined, formatVersion: undefined });
    expect(findChangelogEntry(text, '1.3.0')).toBeUndefined();
    // A version is matched exactly: "1.1" is not "1.1.0", and "." is not a wildcard.
    expect(findChangelogEntry(text, '1.1')).toBeUndefined();
    expect(findChangelogEntry(text, '1x2.0')).toBeUndefined();
  });
});

describe('LICENSE', () => {
  it("is the MIT licence package.json names, held by the tos-conformance authors", () => {
    const license = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(pkg.license).toBe('MIT');
    expect(license.split('\n')[0]).toBe('MIT License');
    expect(license).toMatch(/^Copyright \(c\) \d{4} the tos-conformance authors$/m);
    expect(license).toContain('Permission is hereby granted, free of charge');
  });
});
