/**
 * The TOS T1 wire format (rules R6-R11, R17, R18) for the Burn, Transfers and MultiSig
 * payloads.
 *
 * Layout of a transaction, in order (R7):
 *
 * | field | bytes |
 * | --- | --- |
 * | version | u8, must be 1 (R18) |
 * | chainId | u8 |
 * | source | 32 |
 * | payload | tag u8, then its body (R8) |
 * | fee | u64 |
 * | feeType | u8, must be 0 (R9) |
 * | nonce | u64 |
 * | reference | hash 32, topoheight u64 |
 * | multisig | Option: count u8, then count x (id u8, signature 64) |
 * | signature | 64: `s 32 \|\| e 32`, canonical little-endian scalars (R10) |
 *
 * Payload bodies (R8): Burn (tag 0) `asset 32, amount u64`; Transfers (tag 1)
 * `count u16` in 1..500 then per transfer `asset 32, destination 32, amount u64,
 * extraData Option<len u16, bytes>` with at most 1024 bytes; MultiSig (tag 2)
 * `threshold u8` and, when the threshold is not 0, `count u8` (at least 1) and `count`
 * distinct participant keys. Tags 3..7 are `UnsupportedTransactionType` (R9).
 *
 * Integers are fixed-width big-endian and an `Option` is one byte, exactly 0 or 1, then
 * the value when 1 (R6). Decoding is one left-to-right pass and its first problem wins
 * (R8); trailing bytes are rejected (R9). Public keys are not validated here (R8).
 *
 * @module codec
 */

import { bytesToHex, hexToBytes, isHexOfLength, type Hex } from './bytes.ts';
import { reject, type Rejection } from './errors.ts';
import { computeTransactionHash } from './hash.ts';
import type { U64 } from './integers.ts';
import { isCanonicalScalar, SIGNATURE_LENGTH } from './signature.ts';
import {
  FEE_TYPE_TOS,
  TRANSACTION_VERSION,
  type MultiSigSignature,
  type Payload,
  type Transaction,
  type Transfer,
} from './transaction.ts';

/** Payload tag of Burn (R8). */
export const TAG_BURN = 0 as const;
/** Payload tag of Transfers (R8). */
export const TAG_TRANSFERS = 1 as const;
/** Payload tag of MultiSig (R8). */
export const TAG_MULTISIG = 2 as const;
/** Lowest payload tag that TOS decodes but this spec does not support: contracts, UNO, shield, unshield (R9). */
export const FIRST_UNSUPPORTED_TAG = 3;
/** Highest payload tag that TOS decodes but this spec does not support (R9). */
export const LAST_UNSUPPORTED_TAG = 7;
/** Most transfers in one Transfers payload (TOS `MAX_TRANSFER_COUNT`, R8). */
export const MAX_TRANSFER_COUNT = 500;
/** Most raw bytes of extra data that decode in one transfer (R8); more than 127 fail later, in R22. */
export const MAX_EXTRA_DATA_DECODE_SIZE = 1024;

/** A transaction that decoded, with the values derived from its bytes. */
export interface DecodedTransaction {
  /** The decoded fields. */
  readonly transaction: Transaction;
  /** The full encoding (exactly the input bytes). */
  readonly bytes: Uint8Array;
  /** BLAKE3 of the full encoding (R11). */
  readonly hash: Hex;
  /** The signing bytes: the encoding up to and including `reference` (R11). */
  readonly signingBytes: Uint8Array;
}

/** A successful {@link decodeTransaction}. */
export interface DecodeSuccess {
  /** Discriminant. */
  readonly ok: true;
  /** The decoded transaction. */
  readonly value: DecodedTransaction;
}

/** A failed {@link decodeTransaction}. */
export interface DecodeFailureResult {
  /** Discriminant. */
  readonly ok: false;
  /** Why decoding failed: `InvalidFormat` or `UnsupportedTransactionType`. */
  readonly rejection: Rejection;
}

/** The result of {@link decodeTransaction}: a transaction or a typed rejection, never an exception. */
export type DecodeResult = DecodeSuccess | DecodeFailureResult;

/** A transaction decoded by {@link decodeTransactionFields}: everything but the hash. */
export type DecodedFields = Omit<DecodedTransaction, 'hash'>;

/** A successful {@link decodeTransactionFields}. */
export interface FieldsDecodeSuccess {
  /** Discriminant. */
  readonly ok: true;
  /** The decoded fields. */
  readonly value: DecodedFields;
}

/** The result of {@link decodeTransactionFields}: the fields, or the rejection {@link decodeTransaction} would give. */
export type FieldsDecodeResult = FieldsDecodeSuccess | DecodeFailureResult;

/** Raised inside the decoder to stop at the first problem; never escapes {@link decodeTransactionFields}. */
class DecodeFailure extends Error {
  constructor(readonly rejection: Rejection) {
    super(rejection.detail);
  }
}

function failFormat(offset: number, detail: string): never {
  throw new DecodeFailure(reject('InvalidFormat', 'R17', `${detail} (at byte ${offset})`));
}

/** A left-to-right reader over the input; every read either succeeds or fails with `InvalidFormat`. */
function createReader(bytes: Uint8Array) {
  let offset = 0;
  const take = (length: number, field: string): Uint8Array => {
    if (offset + length > bytes.length) {
      failFormat(offset, `truncated: ${field} needs ${length} bytes, ${bytes.length - offset} left`);
    }
    const slice = bytes.subarray(offset, offset + length);
    offset += length;
    return slice;
  };
  return {
    offset: (): number => offset,
    u8: (field: string): number => take(1, field)[0]!,
    u16: (field: string): number => {
      const b = take(2, field);
      return (b[0]! << 8) | b[1]!;
    },
    u64: (field: string): U64 => {
      const b = take(8, field);
      let value = 0n;
      for (const byte of b) {
        value = (value << 8n) | BigInt(byte);
      }
      return value as U64;
    },
    hex: (length: number, field: string): Hex => bytesToHex(take(length, field)),
    /** R6: an Option byte is exactly 0 or 1. */
    option: (field: string): boolean => {
      const at = offset;
      const flag = take(1, field)[0]!;
      if (flag > 1) {
        failFormat(at, `${field}: option byte ${flag} is neither 0 nor 1`);
      }
      return flag === 1;
    },
    /** R10: `s || e`, each a canonical little-endian scalar. */
    signature: (field: string): Hex => {
      const at = offset;
      const b = take(SIGNATURE_LENGTH, field);
      if (!isCanonicalScalar(b.subarray(0, 32)) || !isCanonicalScalar(b.subarray(32, 64))) {
        failFormat(at, `${field}: signature scalar is not canonical`);
      }
      return bytesToHex(b);
    },
  };
}

type Reader = ReturnType<typeof createReader>;

function readBurn(reader: Reader): Payload {
  const asset = reader.hex(32, 'burn asset');
  const amount = reader.u64('burn amount');
  return { kind: 'burn', asset, amount };
}

function readTransfers(reader: Reader): Payload {
  const at = reader.offset();
  const count = reader.u16('transfer count');
  if (count < 1 || count > MAX_TRANSFER_COUNT) {
    failFormat(at, `transfer count ${count} is outside 1..${MAX_TRANSFER_COUNT}`);
  }
  const transfers: Transfer[] = [];
  for (let index = 0; index < count; index++) {
    const asset = reader.hex(32, `transfer ${index} asset`);
    const destination = reader.hex(32, `transfer ${index} destination`);
    const amount = reader.u64(`transfer ${index} amount`);
    let extraData: Hex | null = null;
    if (reader.option(`transfer ${index} extra data`)) {
      const lengthAt = reader.offset();
      const length = reader.u16(`transfer ${index} extra data length`);
      if (length > MAX_EXTRA_DATA_DECODE_SIZE) {
        failFormat(lengthAt, `transfer ${index} extra data of ${length} bytes exceeds ${MAX_EXTRA_DATA_DECODE_SIZE}`);
      }
      extraData = reader.hex(length, `transfer ${index} extra data`);
    }
    transfers.push({ asset, destination, amount, extraData });
  }
  return { kind: 'transfers', transfers };
}

function readMultiSig(reader: Reader): Payload {
  const threshold = reader.u8('multisig threshold');
  if (threshold === 0) {
    return { kind: 'multisig', threshold, participants: [] };
  }
  const countAt = reader.offset();
  const count = reader.u8('multisig participant count');
  if (count === 0) {
    failFormat(countAt, 'multisig participant count is 0 with a non-zero threshold');
  }
  const participants: Hex[] = [];
  for (let index = 0; index < count; index++) {
    const at = reader.offset();
    const participant = reader.hex(32, `multisig participant ${index}`);
    if (participants.includes(participant)) {
      failFormat(at, `multisig participant ${index} is a duplicate`);
    }
    participants.push(participant);
  }
  return { kind: 'multisig', threshold, participants };
}

function readMultiSigField(reader: Reader): MultiSigSignature[] | null {
  if (!reader.option('multisig field')) {
    return null;
  }
  const count = reader.u8('multisig signature count');
  const signatures: MultiSigSignature[] = [];
  for (let index = 0; index < count; index++) {
    const at = reader.offset();
    const id = reader.u8(`multisig signature ${index} id`);
    if (signatures.some((existing) => existing.id === id)) {
      failFormat(at, `multisig signature id ${id} is a duplicate`);
    }
    const signature = reader.signature(`multisig signature ${index}`);
    signatures.push({ id, signature });
  }
  return signatures;
}

/**
 * Decode a transaction from its wire bytes (R6-R10, R17, R18) and hash it (R11).
 *
 * One left-to-right pass; the first problem wins (R8). Never throws: every outcome is a
 * decoded transaction or a rejection with code `InvalidFormat` or
 * `UnsupportedTransactionType`.
 *
 * @param bytes - the candidate encoding
 * @returns the decoded transaction with its hash and signing bytes, or a rejection
 * @example
 * const result = decodeTransaction(bytes);
 * if (result.ok) console.log(result.value.hash);
 */
export function decodeTransaction(bytes: Uint8Array): DecodeResult {
  const result = decodeTransactionFields(bytes);
  if (!result.ok) return result;
  const { transaction, signingBytes } = result.value;
  return { ok: true, value: { transaction, bytes, hash: computeTransactionHash(bytes), signingBytes } };
}

/**
 * {@link decodeTransaction} without the transaction hash: the same checks and the same
 * outcome, minus the one BLAKE3 pass over the bytes. For code that only checks signatures
 * (which sign the signing bytes, not the hash) and has no receipt to write.
 *
 * @param bytes - the candidate encoding
 * @returns the decoded fields and signing bytes, or the same rejection as {@link decodeTransaction}
 * @example
 * const result = decodeTransactionFields(bytes);
 * if (result.ok) verifySignature(key, result.value.signingBytes, result.value.transaction.signature);
 */
export function decodeTransactionFields(bytes: Uint8Array): FieldsDecodeResult {
  try {
    const reader = createReader(bytes);
    const versionAt = reader.offset();
    const version = reader.u8('version');
    if (version !== TRANSACTION_VERSION) {
      failFormat(versionAt, `version ${version} is not ${TRANSACTION_VERSION}`); // R18
    }
    const chainId = reader.u8('chain id');
    const source = reader.hex(32, 'source');
    const tagAt = reader.offset();
    const tag = reader.u8('payload tag');
    let payload: Payload;
    if (tag === TAG_BURN) {
      payload = readBurn(reader);
    } else if (tag === TAG_TRANSFERS) {
      payload = readTransfers(reader);
    } else if (tag === TAG_MULTISIG) {
      payload = readMultiSig(reader);
    } else if (tag >= FIRST_UNSUPPORTED_TAG && tag <= LAST_UNSUPPORTED_TAG) {
      throw new DecodeFailure(
        reject('UnsupportedTransactionType', 'R9', `payload tag ${tag} is outside this spec (at byte ${tagAt})`),
      );
    } else {
      failFormat(tagAt, `unknown payload tag ${tag}`);
    }
    const fee = reader.u64('fee');
    const feeTypeAt = reader.offset();
    const feeType = reader.u8('fee type');
    if (feeType !== FEE_TYPE_TOS) {
      failFormat(feeTypeAt, `fee type ${feeType} is not ${FEE_TYPE_TOS} (TOS)`); // R9
    }
    const nonce = reader.u64('nonce');
    const referenceHash = reader.hex(32, 'reference hash');
    const referenceTopoheight = reader.u64('reference topoheight');
    const signingLength = reader.offset();
    const multisig = readMultiSigField(reader);
    const signature = reader.signature('signature');
    if (reader.offset() !== bytes.length) {
      failFormat(reader.offset(), `${bytes.length - reader.offset()} trailing bytes`); // R9
    }
    const transaction: Transaction = {
      version,
      chainId,
      source,
      payload,
      fee,
      feeType,
      nonce,
      reference: { hash: referenceHash, topoheight: referenceTopoheight },
      multisig,
      signature,
    };
    return {
      ok: true,
      value: { transaction, bytes, signingBytes: bytes.subarray(0, signingLength) },
    };
  } catch (error) {
    if (error instanceof DecodeFailure) {
      return { ok: false, rejection: error.rejection };
    }
    throw error;
  }
}

/** Collects big-endian fields into one byte array; throws on values that cannot be encoded (a bug in the caller). */
function createWriter() {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const push = (chunk: Uint8Array): void => {
    chunks.push(chunk);
    length += chunk.length;
  };
  const unsigned = (value: number | bigint, byteCount: number, field: string): void => {
    const big = BigInt(value);
    if (big < 0n || big >= 1n << BigInt(8 * byteCount)) {
      throw new RangeError(`${field}: ${value} does not fit in ${byteCount} bytes`);
    }
    const chunk = new Uint8Array(byteCount);
    for (let index = byteCount - 1, rest = big; index >= 0; index--, rest >>= 8n) {
      chunk[index] = Number(rest & 0xffn);
    }
    push(chunk);
  };
  return {
    /** A constant byte (a payload tag, an option flag) that is always in range, so it needs no field name. */
    byte: (value: 0 | 1 | 2): void => push(Uint8Array.of(value)),
    u8: (value: number, field: string): void => unsigned(value, 1, field),
    u16: (value: number, field: string): void => unsigned(value, 2, field),
    u64: (value: bigint, field: string): void => unsigned(value, 8, field),
    hex: (value: Hex, byteLength: number, field: string): void => {
      if (!isHexOfLength(value, byteLength)) {
        throw new RangeError(`${field}: expected ${byteLength} bytes of lowercase hex`);
      }
      push(hexToBytes(value));
    },
    finish: (): Uint8Array => {
      const out = new Uint8Array(length);
      let at = 0;
      for (const chunk of chunks) {
        out.set(chunk, at);
        at += chunk.length;
      }
      return out;
    },
  };
}

type Writer = ReturnType<typeof createWriter>;

function writePayload(writer: Writer, payload: Payload): void {
  switch (payload.kind) {
    case 'burn':
      writer.byte(TAG_BURN);
      writer.hex(payload.asset, 32, 'burn asset');
      writer.u64(payload.amount, 'burn amount');
      return;
    case 'transfers':
      writer.byte(TAG_TRANSFERS);
      writer.u16(payload.transfers.length, 'transfer count');
      for (const transfer of payload.transfers) {
        writer.hex(transfer.asset, 32, 'transfer asset');
        writer.hex(transfer.destination, 32, 'transfer destination');
        writer.u64(transfer.amount, 'transfer amount');
        if (transfer.extraData === null) {
          writer.byte(0);
        } else {
          writer.byte(1);
          writer.u16(transfer.extraData.length / 2, 'extra data length');
          writer.hex(transfer.extraData, transfer.extraData.length / 2, 'extra data');
        }
      }
      return;
    case 'multisig':
      writer.byte(TAG_MULTISIG);
      writer.u8(payload.threshold, 'multisig threshold');
      if (payload.threshold !== 0) {
        writer.u8(payload.participants.length, 'multisig participant count');
        for (const participant of payload.participants) {
          writer.hex(participant, 32, 'multisig participant');
        }
      }
      return;
  }
}

function writeSigningFields(writer: Writer, transaction: Transaction): void {
  writer.u8(transaction.version, 'version');
  writer.u8(transaction.chainId, 'chain id');
  writer.hex(transaction.source, 32, 'source');
  writePayload(writer, transaction.payload);
  writer.u64(transaction.fee, 'fee');
  writer.u8(transaction.feeType, 'fee type');
  writer.u64(transaction.nonce, 'nonce');
  writer.hex(transaction.reference.hash, 32, 'reference hash');
  writer.u64(transaction.reference.topoheight, 'reference topoheight');
}

/**
 * The signing bytes of a transaction (R11, R15): its encoding up to and including
 * `reference`, without the multisig field and the signature.
 *
 * @param transaction - the transaction (its signature fields are ignored)
 * @returns the bytes the owner signs
 * @throws RangeError when a field cannot be encoded (wrong hex length, integer too large)
 * @example
 * const message = encodeSigningBytes(unsignedTransaction);
 */
export function encodeSigningBytes(transaction: Transaction): Uint8Array {
  const writer = createWriter();
  writeSigningFields(writer, transaction);
  return writer.finish();
}

/**
 * Encode a transaction in the T1 wire format (R6-R10).
 *
 * Encoding is total over well-typed fields, including values that decoding would reject
 * (a version other than 1, a threshold above the participant count), so that tests can
 * build such bytes. A field that cannot be represented at all throws.
 *
 * @param transaction - the transaction
 * @returns its wire bytes
 * @throws RangeError when a field cannot be encoded (wrong hex length, integer too large)
 * @example
 * const bytes = encodeTransaction(transaction);
 * decodeTransaction(bytes); // { ok: true, value: { transaction, ... } }
 */
export function encodeTransaction(transaction: Transaction): Uint8Array {
  const writer = createWriter();
  writeSigningFields(writer, transaction);
  if (transaction.multisig === null) {
    writer.byte(0);
  } else {
    writer.byte(1);
    writer.u8(transaction.multisig.length, 'multisig signature count');
    for (const { id, signature } of transaction.multisig) {
      writer.u8(id, 'multisig signature id');
      writer.hex(signature, SIGNATURE_LENGTH, 'multisig signature');
    }
  }
  writer.hex(transaction.signature, SIGNATURE_LENGTH, 'signature');
  return writer.finish();
}
