/**
 * `npm run storage:bench [-- --json]`: the LMDB backend's costs.
 *
 * 1. A 100,000-account pre-state: the 10,000-transaction benchmark workload's accounts
 *    (bench/workload.ts, 25% conflict) padded with funded filler accounts; written as the
 *    genesis of a fresh store. Reports the write time and the store size on disk.
 * 2. The 10,000-transaction block executed into the store with `executeBlockOn` (2
 *    workers): execution time (verify + apply), the commit's write transaction, and the
 *    streamed state root of the post-state (`stateRootAfter`), each in milliseconds, and
 *    the ratio of commit time to execution time. For comparison, the same block on a
 *    MemoryStorage (commit + `computeStateRootFast` of the whole state).
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Map as ImmutableMap } from 'immutable';
import { LmdbStorage, MemoryStorage, ParallelExecutor, type BlockWrites, type CommitMeta, type Storage } from '../impl/index.ts';
import { toU64, TOS_ASSET, type Account, type BlockContext, type PublicKey, type State, type U64 } from '../spec/index.ts';
import { createRandom } from '../bench/random.ts';
import { BENCH_ASSET, generateWorkload } from '../bench/workload.ts';

const json = process.argv.includes('--json');
const log = (line: string): void => void (json ? process.stderr : process.stdout).write(line + '\n');
const TRANSACTIONS = 10_000;
const ACCOUNTS = 100_000;

function padState(state: State, total: number): State {
  const random = createRandom(99);
  const accounts = state.accounts.withMutations((map) => {
    while (map.size < total) {
      let key = '';
      for (let i = 0; i < 8; i++) key += Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0');
      const balances: [string, U64][] = [[TOS_ASSET, toU64(BigInt(1 + Math.floor(random() * 1e12)))]];
      if (random() < 0.3) balances.push([BENCH_ASSET, toU64(BigInt(Math.floor(random() * 1e9)))]);
      const account: Account = { nonce: toU64(BigInt(Math.floor(random() * 100))), balances: ImmutableMap(balances), multisig: null };
      map.set(key as PublicKey, account);
    }
  });
  return { ...state, accounts };
}

/** A Storage that times the LMDB store's root computation and commit. */
function timed(storage: LmdbStorage, times: { rootMs: number; commitMs: number; accountsWritten: number; readMs: number; reads: number }): Storage {
  return {
    readAccount: (key) => {
      const started = performance.now();
      const account = storage.readAccount(key);
      times.readMs += performance.now() - started;
      times.reads++;
      return account;
    },
    hasAsset: (asset) => storage.hasAsset(asset),
    readBurnedSupply: () => storage.readBurnedSupply(),
    readState: () => storage.readState(),
    readMeta: () => storage.readMeta(),
    stateRootAfter: (writes: BlockWrites) => {
      const started = performance.now();
      const root = storage.stateRootAfter(writes);
      times.rootMs = performance.now() - started;
      return root;
    },
    commit: (writes: BlockWrites, meta?: CommitMeta) => {
      const started = performance.now();
      storage.commit(writes, meta);
      times.commitMs = performance.now() - started;
      times.accountsWritten = writes.accounts.size;
    },
  };
}

function directorySize(path: string): { bytes: number; allocated: number } {
  let bytes = 0;
  let allocated = 0;
  for (const file of readdirSync(path)) {
    const stat = statSync(join(path, file));
    bytes += stat.size;
    allocated += stat.blocks * 512;
  }
  return { bytes, allocated };
}

log(`generating a ${TRANSACTIONS}-transaction block and a ${ACCOUNTS}-account pre-state ...`);
const workload = generateWorkload(TRANSACTIONS, 0.25, 7);
const state = padState(workload.state, ACCOUNTS);
const context: BlockContext = { chainId: 0, topoheight: toU64(1n), miner: '7e'.repeat(32), ledger: 'immediate' };
const directory = mkdtempSync(join(tmpdir(), 'tos-storage-bench-'));
const path = join(directory, 'store');

let started = performance.now();
let storage = LmdbStorage.open(path, { genesis: { state, topoheight: 0n } });
const genesisMs = performance.now() - started;
await storage.close();
const size = directorySize(path);
const openTimed = async (options: { verify?: boolean; probe?: boolean }): Promise<number> => {
  const at = performance.now();
  await LmdbStorage.open(path, options).close();
  return performance.now() - at;
};
const openBareMs = await openTimed({ verify: false, probe: false });
const openProbeMs = await openTimed({ verify: false, probe: true });
const openCheckMs = await openTimed({ verify: true, probe: false });
started = performance.now();
storage = LmdbStorage.open(path);
const openMs = performance.now() - started;
log(`genesis: ${ACCOUNTS} accounts written in ${genesisMs.toFixed(0)} ms; store on disk ${(size.bytes / 2 ** 20).toFixed(1)} MiB (allocated ${(size.allocated / 2 ** 20).toFixed(1)} MiB)`);
log(`reopen: with root check and read probe (the default) ${openMs.toFixed(0)} ms; root check only ${openCheckMs.toFixed(0)} ms; probe only ${openProbeMs.toFixed(0)} ms; neither ${openBareMs.toFixed(0)} ms`);

const executor = new ParallelExecutor({ workers: 2 });
// Warm the worker pool and the JIT on a small block against a throwaway memory store.
await executor.executeBlock(state, context, workload.transactions.slice(0, 200));
const times = { rootMs: 0, commitMs: 0, accountsWritten: 0, readMs: 0, reads: 0 };
started = performance.now();
const result = await executor.executeBlockOn(timed(storage, times), context, workload.transactions);
const totalMs = performance.now() - started;
if (!result.ok) throw new Error('the benchmark block was refused');
const stats = executor.stats!;
const executionMs = stats.verifyMs + stats.applyMs;
const accepted = result.receipts.filter((receipt) => receipt.status === 'applied').length;
const sizeAfter = directorySize(path);
log(`block: ${TRANSACTIONS} transactions (${accepted} applied), ${times.accountsWritten} accounts written`);
log(`  execution (verify + apply): ${executionMs.toFixed(0)} ms (verify ${stats.verifyMs.toFixed(0)}, apply ${stats.applyMs.toFixed(0)}); executeBlockOn total ${totalMs.toFixed(0)} ms`);
log(`  account reads from the store during execution: ${times.reads} in ${times.readMs.toFixed(0)} ms`);
log(`  commit (one write transaction): ${times.commitMs.toFixed(1)} ms = ${((100 * times.commitMs) / executionMs).toFixed(1)}% of execution`);
log(`  state root streamed from the store + writes: ${times.rootMs.toFixed(1)} ms; commit + root = ${((100 * (times.commitMs + times.rootMs)) / executionMs).toFixed(1)}% of execution`);
log(`  store on disk after the block: ${(sizeAfter.bytes / 2 ** 20).toFixed(1)} MiB`);

// The same block on the in-memory store, for comparison.
started = performance.now();
const memoryResult = await executor.executeBlockOn(new MemoryStorage(state), context, workload.transactions);
const memoryStats = executor.stats!;
if (!memoryResult.ok || memoryResult.stateRoot !== result.stateRoot) throw new Error('the memory store disagrees with the LMDB store');
log(`  MemoryStorage: commit + computeStateRootFast(readState()) ${memoryStats.commitMs.toFixed(1)} ms (execution ${(memoryStats.verifyMs + memoryStats.applyMs).toFixed(0)} ms: verify ${memoryStats.verifyMs.toFixed(0)}, apply ${memoryStats.applyMs.toFixed(0)}); same root`);

await storage.close();
await executor.close();
LmdbStorage.destroy(directory);
if (json) {
  process.stdout.write(
    JSON.stringify({
      accounts: ACCOUNTS,
      transactions: TRANSACTIONS,
      accountsWritten: times.accountsWritten,
      genesisMs,
      openWithCheckMs: openMs,
      openRootCheckOnlyMs: openCheckMs,
      openProbeOnlyMs: openProbeMs,
      openBareMs,
      storeBytes: size.bytes,
      storeAllocatedBytes: size.allocated,
      executionMs,
      commitMs: times.commitMs,
      rootMs: times.rootMs,
      commitRatio: times.commitMs / executionMs,
      commitAndRootRatio: (times.commitMs + times.rootMs) / executionMs,
      memoryCommitAndRootMs: memoryStats.commitMs,
    }) + '\n',
  );
}
