/**
 * A small seeded PRNG (mulberry32), shared by the benchmark's workload generator and the
 * storage scripts; it has no dependencies, so the crash test's child processes load it
 * without building any keys.
 *
 * @module random
 */

/**
 * A seeded generator of numbers in [0, 1).
 *
 * @param seed - any number; only its low 32 bits count
 * @returns the next number of the sequence on each call
 * @example
 * const random = createRandom(7);
 * random(); // the same first value for seed 7, every time
 */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
