/**
 * Test fixtures: named deterministic keys, a default block context and a transaction
 * builder that signs with the test keys (R16). Builders only make *inputs*; expected
 * results in the tests are worked out by hand from the rules.
 */
import {
  computeRequiredFee,
  createTestKey,
  encodeTransaction,
  signTransaction,
  toU64,
  TOS_ASSET,
  type BlockContext,
  type Payload,
  type TestKey,
  type Transaction,
  type Transfer,
} from '../../spec/index.ts';

export const alice = createTestKey('alice');
export const bob = createTestKey('bob');
export const carol = createTestKey('carol');
export const dave = createTestKey('dave');
export const erin = createTestKey('erin');
export const miner = createTestKey('miner');

/** A registered non-TOS asset used across tests. */
export const ASSET_A = 'aa'.repeat(32);
/** An asset that is never registered. */
export const ASSET_UNREGISTERED = 'bb'.repeat(32);
/** 32 bytes that are not a valid Ristretto encoding (non-canonical field element). */
export const INVALID_POINT = 'ff'.repeat(32);

export const MAX = (1n << 64n) - 1n;

export function context(overrides: Partial<BlockContext> = {}): BlockContext {
  return { chainId: 0, topoheight: toU64(10n), miner: miner.publicKey, ledger: 'immediate', ...overrides };
}

/** A Transfers payload. */
export function pay(...transfers: Transfer[]): Payload {
  return { kind: 'transfers', transfers };
}

/** A Burn payload (TOS by default). */
export function burn(amount: bigint, asset: string = TOS_ASSET): Payload {
  return { kind: 'burn', asset, amount: toU64(amount) };
}

/** A MultiSig payload (threshold 0 deletes). */
export function multisig(threshold: number, participants: readonly string[]): Payload {
  return { kind: 'multisig', threshold, participants };
}

/** `n` raw bytes of extra data, as hex. */
export function extra(n: number): string {
  return 'ab'.repeat(n);
}

export function transfer(destination: string, amount: bigint, asset: string = TOS_ASSET, extraData: string | null = null): Transfer {
  return { asset, destination, amount: toU64(amount), extraData };
}

export interface BuildOptions {
  readonly source?: TestKey;
  /** Override the source key bytes (e.g. an invalid point); the signature is still made with `source`'s secret. */
  readonly sourceKey?: string;
  readonly payload: Payload;
  /** The fee; by default exactly the required fee. */
  readonly fee?: bigint;
  readonly nonce?: bigint;
  readonly chainId?: number;
  readonly referenceTopoheight?: bigint;
  readonly version?: number;
  readonly feeType?: number;
  /** Participants that sign, in wire order; `null` (default) omits the multisig field. */
  readonly multisigSigners?: readonly { readonly id: number; readonly key: TestKey }[] | null;
  /** Sign the owner signature with this key instead of `source`. */
  readonly signer?: TestKey;
}

/** Build and sign a transaction. With no `fee`, the fee is exactly the required fee (an input, computed from the formula). */
export function build(options: BuildOptions): Transaction {
  const source = options.source ?? alice;
  const unsigned: Transaction = {
    version: options.version ?? 1,
    chainId: options.chainId ?? 0,
    source: options.sourceKey ?? source.publicKey,
    payload: options.payload,
    fee: toU64(options.fee ?? 0n),
    feeType: options.feeType ?? 0,
    nonce: toU64(options.nonce ?? 0n),
    reference: { hash: '00'.repeat(32), topoheight: toU64(options.referenceTopoheight ?? 0n) },
    multisig: null,
    signature: '00'.repeat(64),
  };
  const signers = options.multisigSigners?.map(({ id, key }) => ({ id, secret: key.secret })) ?? null;
  const withFee =
    options.fee === undefined
      ? { ...unsigned, fee: computeRequiredFee({ ...unsigned, multisig: signers?.map((s) => ({ id: s.id, signature: '' })) ?? null }, sizeOf(unsigned, signers?.length ?? null)) }
      : unsigned;
  return signTransaction(withFee, (options.signer ?? source).secret, signers);
}

function sizeOf(transaction: Transaction, signatureCount: number | null): number {
  const multisig = signatureCount === null ? null : Array.from({ length: signatureCount }, (_, id) => ({ id, signature: '00'.repeat(64) }));
  return encodeTransaction({ ...transaction, multisig }).length;
}

/** Build, sign and encode. */
export function encode(options: BuildOptions): Uint8Array {
  return encodeTransaction(build(options));
}
