/**
 * The crash test's child: opens the store (initialising it with the chain's genesis when
 * empty), then executes and commits the chain's blocks after the stored topoheight, one
 * by one, until killed or done. Inside each commit's write transaction it sleeps a few
 * milliseconds (the test-only `beforeCommitEnd` hook) so that kills land mid-commit too;
 * in `mid-write` mode it also sleeps after one write of each block's commit, chosen at
 * random (the `afterWrite` hook), so that kills land between the writes of one block.
 *
 * Usage: tsx scripts/crash-child.ts <chain.json> <store directory> <seed> [mid-write]
 *
 * Progress lines on stdout (written synchronously): `open T`, `begin T`,
 * `mid-write T N` (after the N-th write of block T), `in-txn T`, `done T`, `end`.
 */
import { readFileSync, writeSync } from 'node:fs';
import { createRandom } from '../bench/random.ts';
import { LmdbStorage, ParallelExecutor } from '../impl/index.ts';
import { hexToBytes, stateFromJson, toU64, type BlockContext, type StateJson } from '../spec/index.ts';

/** The chain file the parent writes. */
export interface CrashChainFile {
  /** The genesis state (topoheight 0). */
  readonly genesis: StateJson;
  /** Blocks 1..n. */
  readonly blocks: readonly { readonly chainId: number; readonly topoheight: string; readonly miner: string; readonly ledger: BlockContext['ledger']; readonly transactions: readonly string[] }[];
}

const [chainFile, storePath, seedText, mode] = process.argv.slice(2);
if (chainFile === undefined || storePath === undefined) throw new Error('usage: crash-child.ts <chain.json> <store> <seed>');
const chain = JSON.parse(readFileSync(chainFile, 'utf8')) as CrashChainFile;
const nextRandom = createRandom(Number(seedText ?? 1));
const say = (line: string): void => void writeSync(1, line + '\n');
const sleeper = new Int32Array(new SharedArrayBuffer(4));

let pauseAt = 0;
const storage = LmdbStorage.open(storePath, {
  genesis: { state: stateFromJson(chain.genesis), topoheight: 0n },
  ...(mode === 'mid-write'
    ? {
        afterWrite: (topoheight: bigint, writes: number) => {
          if (writes !== pauseAt) return;
          say(`mid-write ${topoheight} ${writes}`);
          // Some of the block's writes are in the transaction, the rest are not made yet.
          Atomics.wait(sleeper, 0, 0, 5 + Math.floor(nextRandom() * 20));
        },
      }
    : {}),
  beforeCommitEnd: (topoheight) => {
    say(`in-txn ${topoheight}`);
    // Every write of the block is in the transaction; none is committed yet.
    Atomics.wait(sleeper, 0, 0, 5 + Math.floor(nextRandom() * 20));
  },
});
const executor = new ParallelExecutor({ workers: 0 });
const start = storage.readTopoheight();
say(`open ${start}`);
for (let topoheight = Number(start) + 1; topoheight <= chain.blocks.length; topoheight++) {
  const block = chain.blocks[topoheight - 1]!;
  const context: BlockContext = { chainId: block.chainId, topoheight: toU64(BigInt(block.topoheight)), miner: block.miner, ledger: block.ledger };
  say(`begin ${topoheight}`);
  pauseAt = 1 + Math.floor(nextRandom() * 24);
  const result = await executor.executeBlockOn(storage, context, block.transactions.map(hexToBytes));
  if (!result.ok) throw new Error(`block ${topoheight} refused: ${result.error.code}`);
  say(`done ${topoheight}`);
}
say('end');
await storage.close();
await executor.close();
