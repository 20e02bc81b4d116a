/**
 * Checks of an LMDB data file that need no mapping: the two meta pages are read with plain
 * file reads and the file's size is compared with what they describe, so a truncated or
 * foreign file is refused before LMDB maps it (LMDB trusts its file; a page number beyond
 * the end of the file is a SIGBUS or SIGSEGV in the native code, not an error).
 *
 * Meta page layout (LMDB 0.9 as built by the `lmdb` package, data version 2, 64-bit):
 * a 24-byte page header (page number u64, transaction id u64, pad u16, flags u16 with
 * `P_META` = 0x08, lower/upper u16), then the meta record: magic u32 `0xBEEFC0DE`, version
 * u32, fixed address u64, map size u64, the free-page and main B-tree descriptors (48
 * bytes each; the page size is the first field of the free-page one), last used page u64,
 * transaction id u64. All little-endian. Page 1 starts one page size into the file.
 *
 * @module lmdb-file-check
 */

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** LMDB's file magic. */
const MAGIC = 0xbeefc0de;
/** LMDB's data version (`MDB_DATA_VERSION`) of the bundled library. */
const DATA_VERSION = 2;
/** The meta page flag. */
const P_META = 0x08;
const HEADER = 24;
const OFFSET_FLAGS = 18;
const OFFSET_MAGIC = HEADER;
const OFFSET_VERSION = HEADER + 4;
const OFFSET_PAGE_SIZE = HEADER + 24;
const OFFSET_FREE_ROOT = HEADER + 24 + 40;
const OFFSET_MAIN_ROOT = HEADER + 24 + 48 + 40;
const OFFSET_LAST_PAGE = HEADER + 24 + 96;
const OFFSET_TXNID = HEADER + 24 + 104;
const META_BYTES = OFFSET_TXNID + 8;

/** One decoded meta page. */
export interface LmdbMetaPage {
  /** Which page (0 or 1). */
  readonly page: number;
  /** The page size in bytes. */
  readonly pageSize: number;
  /** The last page the data file uses. */
  readonly lastPage: bigint;
  /** The transaction id that wrote this meta page. */
  readonly txnid: bigint;
}

/** What {@link checkLmdbDataFile} found. */
export type DataFileCheck =
  /** The file looks whole: its newest meta page and its size agree. */
  | { readonly ok: true; readonly size: number; readonly meta: LmdbMetaPage }
  /** The file is damaged or not an LMDB file; `problem` says how. */
  | { readonly ok: false; readonly problem: string };

function decodeMeta(bytes: Buffer, page: number, pageSize: number | undefined): LmdbMetaPage | string {
  if (bytes.length < META_BYTES) return `meta page ${page} is cut short`;
  if (bytes.readUInt32LE(OFFSET_MAGIC) !== MAGIC) return `meta page ${page} has no LMDB magic`;
  if ((bytes.readUInt32LE(OFFSET_VERSION) & 0xffff) !== DATA_VERSION) return `meta page ${page} has data version ${bytes.readUInt32LE(OFFSET_VERSION) & 0xffff}, not ${DATA_VERSION}`;
  if ((bytes.readUInt16LE(OFFSET_FLAGS) & P_META) === 0) return `page ${page} is not flagged as a meta page`;
  if (bytes.readBigUInt64LE(0) !== BigInt(page)) return `meta page ${page} carries page number ${bytes.readBigUInt64LE(0)}`;
  const size = bytes.readUInt32LE(OFFSET_PAGE_SIZE);
  if (size < 512 || size > 65_536 || (size & (size - 1)) !== 0) return `meta page ${page} has page size ${size}`;
  if (pageSize !== undefined && size !== pageSize) return `meta page ${page} has page size ${size}, meta page 0 has ${pageSize}`;
  const lastPage = bytes.readBigUInt64LE(OFFSET_LAST_PAGE);
  // Each tree's root is either absent (all ones) or a data page the file holds.
  for (const [name, offset] of [['free-page', OFFSET_FREE_ROOT], ['main', OFFSET_MAIN_ROOT]] as const) {
    const root = bytes.readBigUInt64LE(offset);
    if (root !== 0xffff_ffff_ffff_ffffn && (root < 2n || root > lastPage)) return `meta page ${page} has its ${name} tree at page ${root}, outside pages 2..${lastPage}`;
  }
  return { page, pageSize: size, lastPage, txnid: bytes.readBigUInt64LE(OFFSET_TXNID) };
}

/**
 * Check an LMDB data file without mapping it: both meta pages decode (magic, version, meta
 * flag, page number, a power-of-two page size they agree on, the main tree's root inside
 * the file) and the file is at least as long as the newest meta page's last page.
 *
 * @param file - the `data.mdb` path
 * @returns the verdict
 * @throws Error from the file system when the file cannot be opened or read
 * @example
 * const check = checkLmdbDataFile('./chain/data.mdb');
 * if (!check.ok) console.log(check.problem);
 */
export function checkLmdbDataFile(file: string): DataFileCheck {
  const descriptor = openSync(file, 'r');
  try {
    const size = fstatSync(descriptor).size;
    const read = (position: number): Buffer => {
      const bytes = Buffer.alloc(META_BYTES);
      const count = readSync(descriptor, bytes, 0, META_BYTES, position);
      return bytes.subarray(0, count);
    };
    const first = decodeMeta(read(0), 0, undefined);
    if (typeof first === 'string') return { ok: false, problem: first };
    if (size < 2 * first.pageSize) return { ok: false, problem: `the file holds ${size} bytes, less than its two meta pages of ${first.pageSize}` };
    const second = decodeMeta(read(first.pageSize), 1, first.pageSize);
    if (typeof second === 'string') return { ok: false, problem: second };
    const newest = second.txnid > first.txnid ? second : first;
    const needed = (newest.lastPage + 1n) * BigInt(newest.pageSize);
    if (BigInt(size) < needed) {
      return { ok: false, problem: `the file holds ${size} bytes, but meta page ${newest.page} (transaction ${newest.txnid}) uses pages up to ${newest.lastPage}, ${needed} bytes` };
    }
    return { ok: true, size, meta: newest };
  } finally {
    closeSync(descriptor);
  }
}
