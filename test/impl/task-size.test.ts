/**
 * Verification task sizes: guided self-scheduling (each task takes 1/(2 x workers) of what
 * is left, clamped to 8..256), or the caller's fixed size.
 */
import { describe, expect, it } from 'vitest';
import { verifyTaskSize } from '../../impl/index.ts';

/** The sizes of all tasks for a block of `n` transactions. */
function plan(n: number, workers: number, batchSize?: number): number[] {
  const sizes: number[] = [];
  for (let remaining = n; remaining > 0; ) {
    const size = verifyTaskSize(remaining, workers, batchSize);
    sizes.push(size);
    remaining -= size;
  }
  return sizes;
}

describe('verifyTaskSize', () => {
  it('600 transactions on 2 workers: 150 first (600/4), then a quarter of the rest each time, ending in tasks of 8', () => {
    const sizes = plan(600, 2);
    // 600/4 = 150; 450/4 = 112.5 -> 113; 337/4 = 84.25 -> 85; 252/4 = 63.
    expect(sizes.slice(0, 4)).toEqual([150, 113, 85, 63]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(600);
    // Never growing, and the tail is made of small tasks (at most 8 each).
    sizes.slice(1).forEach((size, index) => expect(size).toBeLessThanOrEqual(sizes[index]!));
    expect(sizes.at(-1)).toBeLessThanOrEqual(8);
    expect(sizes.at(-2)).toBe(8);
  });

  it('caps a task at 256 transactions on large blocks, and never hands out more than remains', () => {
    expect(verifyTaskSize(100_000, 2, undefined)).toBe(256);
    expect(verifyTaskSize(5, 2, undefined)).toBe(5);
    expect(verifyTaskSize(1, 16, undefined)).toBe(1);
  });

  it('a fixed batch size gives equal tasks and a short last one', () => {
    expect(plan(25, 2, 10)).toEqual([10, 10, 5]);
    expect(plan(3, 4, 1)).toEqual([1, 1, 1]);
  });
});
