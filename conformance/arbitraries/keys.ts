/**
 * The deterministic key pool and the named constants every conformance arbitrary shares
 * (rules R2, R16).
 *
 * - {@link keyPool}: {@link KEY_POOL_SIZE} test keys `pool-0` ... derived once at module
 *   load with the spec's R16 derivation, so every generated block can be regenerated
 *   byte for byte from its seed.
 * - {@link MINER_KEY}: the usual miner, outside the pool.
 * - {@link NOT_A_POINT}: 32 bytes that do not decode as a Ristretto255 point; an account
 *   under that key passes R21 but fails R26 (`InvalidPublicKey`).
 * - Assets: the extra asset {@link ASSET_X} (registered in most pre-states), the never
 *   registered {@link ASSET_UNREGISTERED}, and {@link IDLE_ASSETS} (registered, held by
 *   nobody: spending one always gives `NoPreviousBalanceFound`).
 *
 * @module conformance/arbitraries/keys
 */

import { MAX_U64, TOS_ASSET, type AssetId, type PublicKey } from '../../spec/index.ts';
import { createTestKey, type TestKey } from '../../spec/test-keys.ts';

/** Number of keys in {@link keyPool}: room for a 50-account universe plus fresh keys. */
export const KEY_POOL_SIZE = 64;

/**
 * The precomputed deterministic key pool (R16): `pool-0` to `pool-63`.
 *
 * @example
 * const alice = keyPool[0]!; // { name: 'pool-0', secret, publicKey }
 */
export const keyPool: readonly TestKey[] = Array.from({ length: KEY_POOL_SIZE }, (_, index) => createTestKey(`pool-${index}`));

/** The usual miner of generated blocks, a key outside {@link keyPool}. */
export const MINER_KEY: TestKey = createTestKey('conformance-miner');

/** 32 bytes that are not a canonical Ristretto255 encoding (R26 `InvalidPublicKey`). */
export const NOT_A_POINT: PublicKey = 'ff'.repeat(32);

/** The key that signs for the {@link NOT_A_POINT} account (its signatures can never be checked). */
export const NOT_A_POINT_SIGNER: TestKey = createTestKey('conformance-not-a-point');

/** The extra asset, registered in most pre-states. */
export const ASSET_X: AssetId = 'aa'.repeat(32);

/** An asset that is never registered (R28 `AssetNotFound`). */
export const ASSET_UNREGISTERED: AssetId = 'bb'.repeat(32);

/** Assets that pre-states may register but nobody holds (R28 `NoPreviousBalanceFound`). */
export const IDLE_ASSETS: readonly AssetId[] = ['cc'.repeat(32), 'dd'.repeat(32)];

/** `2^64 - 2^32`: a balance at or above this counts as a u64-edge value. */
export const U64_EDGE_THRESHOLD: bigint = MAX_U64 - (1n << 32n) + 1n;

const KEY_BY_PUBLIC = new Map<PublicKey, TestKey>([
  ...[...keyPool, MINER_KEY].map((key) => [key.publicKey, key] as const),
  [NOT_A_POINT, NOT_A_POINT_SIGNER] as const,
]);

/**
 * Is a balance a u64-edge value (`>= 2^64 - 2^32`)?
 *
 * @param value - an amount
 * @returns true when it is at the top edge of the u64 range
 * @example
 * isU64Edge(MAX_U64) // true
 */
export function isU64Edge(value: bigint): boolean {
  return value >= U64_EDGE_THRESHOLD;
}

/**
 * The test key that signs for a public key of the pool, the miner or {@link NOT_A_POINT}.
 *
 * @param publicKey - a public key
 * @returns its test key, or `undefined` for a key the arbitraries do not know
 * @example
 * findTestKey(keyPool[3]!.publicKey)?.name // 'pool-3'
 */
export function findTestKey(publicKey: PublicKey): TestKey | undefined {
  return KEY_BY_PUBLIC.get(publicKey);
}

/**
 * Is this key one of {@link keyPool}?
 *
 * @param publicKey - a public key
 * @returns its index in the pool, or -1
 * @example
 * poolIndexOf(keyPool[5]!.publicKey) // 5
 */
export function poolIndexOf(publicKey: PublicKey): number {
  return keyPool.findIndex((key) => key.publicKey === publicKey);
}

/**
 * A short display name for a key, for intents and counterexamples.
 *
 * @param publicKey - a public key
 * @returns `k3` for pool key 3, `miner`, `NaP`, or a hex prefix
 * @example
 * nameOfKey(keyPool[3]!.publicKey) // 'k3'
 */
export function nameOfKey(publicKey: PublicKey): string {
  if (publicKey === NOT_A_POINT) return 'NaP';
  if (publicKey === MINER_KEY.publicKey) return 'miner';
  const index = poolIndexOf(publicKey);
  return index >= 0 ? `k${index}` : publicKey.slice(0, 8);
}

/**
 * A short display name for an asset.
 *
 * @param asset - an asset id
 * @returns `TOS`, `X`, `UNREG`, `IDLE0`... or a hex prefix
 * @example
 * nameOfAsset(TOS_ASSET) // 'TOS'
 */
export function nameOfAsset(asset: AssetId): string {
  if (asset === TOS_ASSET) return 'TOS';
  if (asset === ASSET_X) return 'X';
  if (asset === ASSET_UNREGISTERED) return 'UNREG';
  const idle = IDLE_ASSETS.indexOf(asset);
  return idle >= 0 ? `IDLE${idle}` : asset.slice(0, 8);
}
