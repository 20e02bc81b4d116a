/**
 * A minimal, deterministic POSIX ustar writer for the vector release.
 *
 * Every byte of the archive is a function of the entries' paths and contents only:
 *
 * - entries are written in ascending byte order of their paths (a directory's entry,
 *   `name/`, sorts before everything inside it);
 * - every entry has the same modification time {@link TAR_MTIME}, owner and group 0
 *   with empty owner and group names, and mode {@link FILE_MODE} (files) or
 *   {@link DIRECTORY_MODE} (directories), whatever the file system says;
 * - no extended (pax) headers, no device numbers, no link entries;
 * - the archive ends with two zero blocks and is padded with zeros to a whole
 *   {@link TAR_RECORD_SIZE}-byte record, as POSIX and GNU tar do.
 *
 * Header layout (POSIX.1-1988 ustar, 512 bytes): name 100, mode 8, uid 8, gid 8,
 * size 12, mtime 12, chksum 8, typeflag 1, linkname 100, magic `ustar\0` 6, version
 * `00` 2, uname 32, gname 32, devmajor 8, devminor 8, prefix 155, padding 12. Numbers
 * are zero-padded octal ending in NUL; the checksum is the sum of the header's bytes
 * with the checksum field read as spaces, written as six octal digits, NUL, space.
 *
 * It is written here rather than taken from a package so that the output is fixed by
 * this file alone: no dependency's defaults (uid, mtime, pax headers, ordering) can
 * change the release bytes.
 *
 * @module ustar
 */

/** Size of a tar block. */
export const TAR_BLOCK_SIZE = 512;
/** Size of a tar record: the archive is padded to a multiple of it (20 blocks). */
export const TAR_RECORD_SIZE = 10240;
/** Modification time of every entry, in seconds since the epoch: 2000-01-01T00:00:00Z. */
export const TAR_MTIME = 946_684_800;
/** Mode of every regular file entry. */
export const FILE_MODE = 0o644;
/** Mode of every directory entry. */
export const DIRECTORY_MODE = 0o755;

/** One archive entry: a regular file with its bytes, or a directory. */
export type TarEntry =
  | { readonly type: 'file'; readonly path: string; readonly data: Uint8Array }
  | { readonly type: 'directory'; readonly path: string };

/** An entry the ustar format, or this writer, cannot represent. Nothing is written. */
export class TarError extends Error {
  /** The offending entry path. */
  readonly path: string;
  /**
   * @param path the offending entry path
   * @param message what is wrong with it
   */
  constructor(path: string, message: string) {
    super(`tar entry ${JSON.stringify(path)}: ${message}`);
    this.name = 'TarError';
    this.path = path;
  }
}

const encoder = new TextEncoder();
/** Largest size an 11-digit octal field holds (8 GiB - 1). */
const MAX_SIZE = 0o77777777777;

const compareBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Write `value` as zero-padded octal into `width - 1` digits and a NUL. */
function writeOctal(header: Uint8Array, offset: number, width: number, value: number): void {
  const digits = value.toString(8).padStart(width - 1, '0');
  header.set(encoder.encode(digits), offset);
  header[offset + width - 1] = 0;
}

/** Split a path into ustar `prefix` and `name` (name at most 100 bytes, prefix at most 155). */
function splitPath(path: string): { prefix: string; name: string } {
  if (path.length <= 100) return { prefix: '', name: path };
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    const prefix = path.slice(0, slash);
    const name = path.slice(slash + 1);
    if (prefix.length <= 155 && name.length <= 100 && name.length > 0) return { prefix, name };
  }
  throw new TarError(path, 'too long for a ustar header (name 100 bytes, prefix 155)');
}

/** The entry's path as written: directories end in `/`. Validates the path. */
function entryPath(entry: TarEntry): string {
  const { path } = entry;
  if (!/^[\x21-\x7e]+$/.test(path)) throw new TarError(path, 'paths must be printable ASCII without spaces');
  if (path.startsWith('/') || path.endsWith('/') || path.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new TarError(path, 'paths must be relative, without empty, "." or ".." segments and without a trailing slash');
  }
  return entry.type === 'directory' ? `${path}/` : path;
}

/** The 512-byte ustar header of one entry. */
function header(path: string, entry: TarEntry): Uint8Array {
  const block = new Uint8Array(TAR_BLOCK_SIZE);
  const { prefix, name } = splitPath(path);
  const size = entry.type === 'file' ? entry.data.length : 0;
  if (size > MAX_SIZE) throw new TarError(entry.path, 'larger than a ustar size field holds');
  block.set(encoder.encode(name), 0);
  writeOctal(block, 100, 8, entry.type === 'file' ? FILE_MODE : DIRECTORY_MODE);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, TAR_MTIME);
  block[156] = entry.type === 'file' ? 0x30 : 0x35; // '0' regular file, '5' directory
  block.set(encoder.encode('ustar\0'), 257);
  block.set(encoder.encode('00'), 263);
  // uname (265) and gname (297) stay empty; devmajor (329) and devminor (337) are zero octal.
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  block.set(encoder.encode(prefix), 345);
  block.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  let sum = 0;
  for (const byte of block) sum += byte;
  block.set(encoder.encode(sum.toString(8).padStart(6, '0')), 148);
  block[154] = 0;
  block[155] = 0x20;
  return block;
}

/**
 * Write a ustar archive of `entries`.
 *
 * The order of `entries` does not matter: they are written sorted by path. Every
 * directory that contains an entry must itself be listed, so that an unpacked tree has
 * the documented directory modes.
 *
 * @param entries the files and directories to archive
 * @returns the archive bytes, a multiple of {@link TAR_RECORD_SIZE}
 * @throws {@link TarError} for a path that repeats, is not portable, has no directory
 *   entry for its parent, or does not fit a ustar header
 */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const byPath = new Map<string, TarEntry>();
  const seen = new Set<string>();
  for (const entry of entries) {
    const path = entryPath(entry);
    if (seen.has(entry.path)) throw new TarError(entry.path, 'listed twice');
    seen.add(entry.path);
    byPath.set(path, entry);
  }
  const directories = new Set([...byPath.values()].filter((entry) => entry.type === 'directory').map((entry) => entry.path));
  for (const entry of byPath.values()) {
    const slash = entry.path.lastIndexOf('/');
    if (slash !== -1 && !directories.has(entry.path.slice(0, slash))) throw new TarError(entry.path, 'its parent directory is not listed');
  }
  const paths = [...byPath.keys()].sort(compareBytes);
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (const path of paths) {
    const entry = byPath.get(path)!;
    const block = header(path, entry);
    chunks.push(block);
    length += block.length;
    if (entry.type === 'file') {
      const padded = Math.ceil(entry.data.length / TAR_BLOCK_SIZE) * TAR_BLOCK_SIZE;
      const body = new Uint8Array(padded);
      body.set(entry.data);
      chunks.push(body);
      length += padded;
    }
  }
  length += 2 * TAR_BLOCK_SIZE; // end-of-archive marker
  const total = Math.ceil(length / TAR_RECORD_SIZE) * TAR_RECORD_SIZE;
  const archive = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    archive.set(chunk, offset);
    offset += chunk.length;
  }
  return archive;
}
