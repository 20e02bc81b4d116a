/**
 * An independent ustar reader for the release tests: it parses every header field the
 * writer sets, checks the header checksum and the end-of-archive marker, and returns the
 * entries as they would be unpacked. It shares no code with scripts/ustar.ts.
 */

/** One entry read back from an archive. */
export interface ReadEntry {
  /** Full path (prefix + "/" + name when a prefix is set); directories end in "/". */
  readonly path: string;
  /** The type flag character: "0" file, "5" directory. */
  readonly type: string;
  /** Permission bits. */
  readonly mode: number;
  /** Numeric owner. */
  readonly uid: number;
  /** Numeric group. */
  readonly gid: number;
  /** Owner name (empty when not recorded). */
  readonly uname: string;
  /** Group name (empty when not recorded). */
  readonly gname: string;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
  /** Magic and version fields, e.g. "ustar\0" and "00". */
  readonly magic: string;
  /** The version field. */
  readonly version: string;
  /** The file bytes (empty for a directory). */
  readonly data: Uint8Array;
}

const decoder = new TextDecoder('ascii');

/** A NUL-terminated string field. */
function text(block: Uint8Array, offset: number, width: number): string {
  const field = block.subarray(offset, offset + width);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

/** An octal number field (digits, then NUL or space). */
function octal(block: Uint8Array, offset: number, width: number): number {
  const digits = text(block, offset, width).trim();
  if (!/^[0-7]+$/.test(digits)) throw new Error(`bad octal field at ${offset}: ${JSON.stringify(digits)}`);
  return Number.parseInt(digits, 8);
}

/**
 * Read every entry of an uncompressed ustar archive.
 *
 * @param archive the tar bytes
 * @returns the entries in archive order
 * @throws when a header checksum is wrong, a field is malformed or the archive does not
 *   end with two zero blocks
 */
export function readTar(archive: Uint8Array): ReadEntry[] {
  const entries: ReadEntry[] = [];
  let offset = 0;
  for (;;) {
    if (offset + 1024 > archive.length) throw new Error('archive ends without two zero blocks');
    const block = archive.subarray(offset, offset + 512);
    if (block.every((byte) => byte === 0)) {
      if (!archive.subarray(offset + 512, offset + 1024).every((byte) => byte === 0)) throw new Error('a lone zero block');
      if (!archive.subarray(offset).every((byte) => byte === 0)) throw new Error('data after the end-of-archive marker');
      return entries;
    }
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    const stored = octal(block, 148, 8);
    if (stored !== sum) throw new Error(`header checksum ${stored} but the header sums to ${sum}`);
    const name = text(block, 0, 100);
    const prefix = text(block, 345, 155);
    const size = octal(block, 124, 12);
    const dataStart = offset + 512;
    entries.push({
      path: prefix === '' ? name : `${prefix}/${name}`,
      type: String.fromCharCode(block[156]!),
      mode: octal(block, 100, 8),
      uid: octal(block, 108, 8),
      gid: octal(block, 116, 8),
      uname: text(block, 265, 32),
      gname: text(block, 297, 32),
      mtime: octal(block, 136, 12),
      magic: decoder.decode(block.subarray(257, 263)),
      version: decoder.decode(block.subarray(263, 265)),
      data: archive.slice(dataStart, dataStart + size),
    });
    offset = dataStart + Math.ceil(size / 512) * 512;
  }
}
