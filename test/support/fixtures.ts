/**
 * Test fixtures: named deterministic keys, a default block context and a transaction
 * builder that signs with the test keys (R16). Builders only make *inputs*; expected
 * results in the tests are worked out by hand from the rules.
 */
import {
  computeRequiredFee,
  encodeTransaction,
  toU64,
  type Payload,
  type Transaction,
} from '../../spec/index.ts';
import { signTransaction, type TestKey } from '../../spec/test-keys.ts';
import { alice } from '../../conformance/vectors/builder.ts';

// The named keys (R16), shared constants, the default block context and the payload
// builders are the vector scenarios' own: one definition for tests and vectors alike.
export {
  alice,
  ASSET_A,
  ASSET_UNREGISTERED,
  bob,
  burn,
  carol,
  context,
  dave,
  erin,
  extra,
  INVALID_POINT,
  MAX,
  miner,
  multisig,
  pay,
  transfer,
} from '../../conformance/vectors/builder.ts';

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
