/**
 * The ustar writer (scripts/ustar.ts), read back with an independent reader: order
 * independence, fixed metadata, long paths split into prefix and name, padding, and a
 * typed refusal of entries the format or the release cannot represent.
 */
import { describe, expect, it } from 'vitest';
import { DIRECTORY_MODE, FILE_MODE, TAR_BLOCK_SIZE, TAR_MTIME, TAR_RECORD_SIZE, TarError, writeTar, type TarEntry } from '../../scripts/ustar.ts';
import { readTar } from './tar-reader.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const entries: TarEntry[] = [
  { type: 'directory', path: 'top' },
  { type: 'file', path: 'top/b.json', data: bytes('{"b":1}\n') },
  { type: 'directory', path: 'top/sub' },
  { type: 'file', path: 'top/sub/a.json', data: new Uint8Array(TAR_BLOCK_SIZE + 1).fill(0x61) },
  { type: 'file', path: 'top/a-b.json', data: new Uint8Array(0) },
];

describe('writeTar', () => {
  it('writes the same bytes whatever the order of its input, sorted by path', () => {
    const forward = writeTar(entries);
    expect(writeTar([...entries].reverse())).toEqual(forward);
    expect(readTar(forward).map((entry) => entry.path)).toEqual(['top/', 'top/a-b.json', 'top/b.json', 'top/sub/', 'top/sub/a.json']);
  });

  it('stores contents, sizes and fixed metadata, and pads to whole records', () => {
    const archive = writeTar(entries);
    expect(archive.length % TAR_RECORD_SIZE).toBe(0);
    const read = readTar(archive);
    for (const entry of read) {
      expect([entry.mtime, entry.uid, entry.gid, entry.uname, entry.gname]).toEqual([TAR_MTIME, 0, 0, '', '']);
      expect(entry.mode).toBe(entry.type === '5' ? DIRECTORY_MODE : FILE_MODE);
    }
    const input = new Map(entries.filter((entry) => entry.type === 'file').map((entry) => [entry.path, entry.data]));
    for (const entry of read.filter((entry) => entry.type === '0')) expect(entry.data).toEqual(input.get(entry.path));
    expect(read.find((entry) => entry.path === 'top/sub/a.json')!.data.length).toBe(TAR_BLOCK_SIZE + 1);
  });

  it('splits a path longer than 100 bytes into prefix and name', () => {
    const parent = `d${'x'.repeat(60)}`;
    const directory = `${parent}/${'y'.repeat(58)}`;
    const path = `${directory}/${'n'.repeat(90)}.json`;
    const archive = writeTar([
      { type: 'directory', path: parent },
      { type: 'directory', path: directory },
      { type: 'file', path, data: bytes('1') },
    ]);
    // Headers in path order: the two directories, then the file (at block 2).
    const header = archive.subarray(2 * TAR_BLOCK_SIZE, 3 * TAR_BLOCK_SIZE);
    const field = (offset: number, width: number): string => new TextDecoder().decode(header.subarray(offset, offset + width)).replace(/\0+$/, '');
    expect(field(345, 155)).toBe(directory);
    expect(field(0, 100)).toBe(`${'n'.repeat(90)}.json`);
    expect(readTar(archive).map((entry) => entry.path)).toEqual([`${parent}/`, `${directory}/`, path]);
  });

  it('refuses what it cannot represent, with a TarError naming the path', () => {
    const refuse = (input: TarEntry[], path: string, message: RegExp): void => {
      let caught: unknown;
      try {
        writeTar(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TarError);
      expect((caught as TarError).path).toBe(path);
      expect((caught as TarError).message).toMatch(message);
    };
    const file = (path: string): TarEntry => ({ type: 'file', path, data: bytes('') });
    refuse([file('a'), file('a')], 'a', /listed twice/);
    refuse([{ type: 'directory', path: 'a' }, file('a')], 'a', /listed twice/);
    refuse([file('missing/a')], 'missing/a', /parent directory is not listed/);
    refuse([file('/abs')], '/abs', /relative/);
    refuse([{ type: 'directory', path: 'a' }, file('a/../b')], 'a/../b', /"\.\."/);
    refuse([file('with space')], 'with space', /printable ASCII/);
    refuse([file('é')], 'é', /printable ASCII/);
    refuse([file('n'.repeat(101))], 'n'.repeat(101), /too long/);
  });
});
