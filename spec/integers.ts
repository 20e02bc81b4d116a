/**
 * Unsigned 64-bit integers (rule R1).
 *
 * Amounts, fees, nonces, topoheights and the burned supply are u64: integers in
 * `[0, 2^64 - 1]`. They are `bigint` values carrying the {@link U64} brand, so a plain
 * `bigint` that was never range-checked cannot be passed where a u64 is expected.
 * Arithmetic on them goes through {@link checkedAdd} and {@link checkedSub}, which report
 * leaving the range instead of wrapping or clamping: a caller turns that report into an
 * `Overflow` rejection (R1, R23, R28, R29) or a `BlockOverflow` (R32).
 *
 * @module integers
 */

declare const u64Brand: unique symbol;

/** A `bigint` known to lie in `[0, 2^64 - 1]` (R1). Create one with {@link toU64}. */
export type U64 = bigint & {
  /** Type-level marker only; no such property exists at run time. */
  readonly [u64Brand]: true;
};

/** The largest u64, `2^64 - 1` (R1). */
export const MAX_U64 = ((1n << 64n) - 1n) as U64;

/** The u64 zero. */
export const ZERO = 0n as U64;

/**
 * Is `value` an integer in the u64 range (R1)?
 *
 * @param value - any bigint
 * @returns true when `0 <= value <= 2^64 - 1`
 * @example
 * isU64(5n) // true
 * isU64(-1n) // false
 */
export function isU64(value: bigint): value is U64 {
  return value >= 0n && value <= MAX_U64;
}

/**
 * Brand a bigint as a u64 after checking its range (R1).
 *
 * Out-of-range values are a bug in the caller (inputs are range-checked where they enter:
 * the codec and the state constructor), so this throws instead of returning a rejection.
 *
 * @param value - a bigint in `[0, 2^64 - 1]`
 * @returns the same value, branded
 * @throws RangeError when `value` is outside the u64 range
 * @example
 * const fee = toU64(10_000n);
 */
export function toU64(value: bigint): U64 {
  if (!isU64(value)) {
    throw new RangeError(`not a u64: ${value}`);
  }
  return value;
}

/**
 * Add two u64 values without wrapping (R1).
 *
 * @param a - first addend
 * @param b - second addend
 * @returns the sum, or `undefined` when it exceeds `2^64 - 1`
 * @example
 * checkedAdd(MAX_U64, toU64(1n)) // undefined
 * checkedAdd(toU64(2n), toU64(3n)) // 5n
 */
export function checkedAdd(a: U64, b: U64): U64 | undefined {
  const sum = a + b;
  return isU64(sum) ? sum : undefined;
}

/**
 * Subtract two u64 values without wrapping (R1).
 *
 * @param a - minuend
 * @param b - subtrahend
 * @returns the difference, or `undefined` when `b > a`
 * @example
 * checkedSub(toU64(3n), toU64(5n)) // undefined
 */
export function checkedSub(a: U64, b: U64): U64 | undefined {
  const difference = a - b;
  return isU64(difference) ? difference : undefined;
}
