/**
 * The storage commands of the CLI (R4, R33): `demo` executes a generated chain into an
 * LMDB store and `state-root` reads it back, recomputing the root from what is stored.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../conformance/cli.ts';

async function run(argv: string[]): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)),
  ];
  try {
    return { code: await main(argv), text: chunks.join('') };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

describe('storage commands', () => {
  it('R4 R33 demo commits a chain and state-root reads the same root back from disk', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'tos-demo-')), 'store');
    const demo = await run(['demo', '--db', store, '--blocks', '3', '--seed', '5']);
    expect(demo.code).toBe(0);
    const roots = [...demo.text.matchAll(/topoheight (\d+): .* state root ([0-9a-f]{64})/g)];
    expect(roots.map((match) => match[1])).toEqual(['1', '2', '3']);
    const inspect = await run(['state-root', '--db', store]);
    expect(inspect.code).toBe(0);
    expect(inspect.text).toContain('topoheight: 3');
    expect(inspect.text).toContain(`state root: ${roots[2]![2]}`);
    expect(inspect.text).toContain('matches: yes');
    // A second demo continues the same chain from topoheight 3.
    const more = await run(['demo', '--db', store, '--blocks', '1', '--seed', '6']);
    expect(more.code).toBe(0);
    expect(more.text).toMatch(/topoheight 4: /);
  });

  it('R4 state-root on a missing store is a clear error with exit code 1', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'tos-missing-')), 'nothing-here');
    const result = await run(['state-root', '--db', missing]);
    expect(result.code).not.toBe(0);
    expect(result.text.length).toBeGreaterThan(0);
  });
});
