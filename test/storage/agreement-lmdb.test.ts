/**
 * Agreement (R33) with the LMDB backend: for every generated block, a fresh store holding
 * the pre-state, `executeBlockOn(lmdbStorage, ...)`, then the result and the post-state
 * read back from disk after reopening the store must equal the spec's `applyBlock`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LmdbStorage, ParallelExecutor } from '../../impl/index.ts';
import { applyBlock, stateToJson } from '../../spec/index.ts';
import { blockArbitrary } from '../../conformance/arbitraries/index.ts';
import { compareResults, formatDifference } from '../../conformance/compare.ts';
import { numRuns } from '../support/impl-blocks.ts';

const directory = mkdtempSync(join(tmpdir(), 'tos-agreement-lmdb-'));
const executors = [
  { name: 'workers=0 dag', executor: new ParallelExecutor({ workers: 0 }) },
  { name: 'workers=2 tos-batches apply=workers', executor: new ParallelExecutor({ workers: 2, scheduler: 'tos-batches', applyOn: 'workers' }) },
];
afterAll(async () => {
  await Promise.all(executors.map(({ executor }) => executor.close()));
  LmdbStorage.destroy(directory);
});

let storeCount = 0;

describe('agreement with the LMDB backend', () => {
  it('result and on-disk post-state equal the spec for every generated block', async () => {
    await fc.assert(
      fc.asyncProperty(blockArbitrary(), async (block) => {
        const expected = applyBlock(block.state, block.context, block.transactions);
        const pre = block.context.topoheight - 1n;
        for (const { name, executor } of executors) {
          const path = join(directory, `store-${storeCount++}`);
          const storage = LmdbStorage.open(path, { genesis: { state: block.state, topoheight: pre } });
          const actual = await executor.executeBlockOn(storage, block.context, block.transactions);
          const difference = compareResults(expected, actual);
          if (difference) throw new Error(`${name}: ${formatDifference(difference)}`);
          await storage.close();
          // Read the post-state back from disk.
          const reopened = LmdbStorage.open(path, { readOnly: true });
          try {
            const meta = reopened.readMeta()!;
            const onDisk = stateToJson(reopened.readState());
            if (expected.ok) {
              expect(meta).toEqual({ topoheight: block.context.topoheight, stateRoot: expected.stateRoot });
              expect(onDisk).toEqual(stateToJson(expected.state));
            } else {
              // A refused block commits nothing.
              expect(meta.topoheight).toBe(pre);
              expect(onDisk).toEqual(stateToJson(block.state));
            }
          } finally {
            await reopened.close();
            LmdbStorage.destroy(path);
          }
        }
      }),
      { numRuns: numRuns(40) },
    );
  });
});
