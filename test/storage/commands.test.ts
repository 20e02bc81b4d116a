/**
 * The storage commands of the CLI (R4, R33): `demo` executes a generated chain into an
 * LMDB store and `state-root` reads it back, recomputing the root from what is stored.
 */
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../conformance/cli.ts';
import { LmdbStorage } from '../../impl/index.ts';
import { chainStart, commitChainBlock } from '../../conformance/storage-chain.ts';

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

  it('a truncated store: state-root and demo each report one typed line and exit 3, never a crash', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'tos-truncated-')), 'store');
    const storage = LmdbStorage.open(store, { genesis: { state: chainStart(5).state, topoheight: 0n } });
    for (let block = 0; block < 2; block++) commitChainBlock(storage, chainStart(5), 5);
    await storage.close();
    // This truncation made state-root die of SIGSEGV before the size check.
    truncateSync(join(store, 'data.mdb'), 4096);
    for (const argv of [['state-root', '--db', store], ['demo', '--db', store, '--blocks', '1']]) {
      const result = await run(argv);
      expect(result.code).toBe(3);
      expect(result.text).toBe(`tos-conformance: CorruptState: corrupt store at ${store}: data.mdb: the file holds 4096 bytes, less than its two meta pages of 4096\n`);
    }
  });

  it('demo on a path that cannot hold a store is a prompt BadPath line: a file, a directory under /proc', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tos-file-')), 'plain');
    writeFileSync(file, 'not a store');
    const onFile = await run(['demo', '--db', file, '--blocks', '1']);
    expect(onFile).toEqual({ code: 3, text: `tos-conformance: BadPath: the store path ${file} is not a directory\n` });
    // A recursive mkdir spins forever on /proc; the store creates one level at a time.
    const onProc = await run(['demo', '--db', '/proc/tos-no-such-store', '--blocks', '1']);
    expect(onProc.code).toBe(3);
    expect(onProc.text).toMatch(/^tos-conformance: BadPath: cannot create the store directory \/proc\/tos-no-such-store: ENOENT[^\n]*\n$/);
  });

  it('demo on a store another writer holds is a Locked line', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'tos-locked-')), 'store');
    const holder = LmdbStorage.open(store, { genesis: { state: chainStart(5).state, topoheight: 0n } });
    try {
      const result = await run(['demo', '--db', store, '--blocks', '1']);
      expect(result).toEqual({ code: 3, text: `tos-conformance: Locked: the store at ${store} is already open for writing in this process\n` });
    } finally {
      await holder.close();
    }
  });
});
