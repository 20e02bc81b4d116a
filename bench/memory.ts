/**
 * Execute one large block on every core and report peak RSS (run by `npm run bench`, or
 * alone: `npx tsx bench/memory.ts [transactions]`). The last line is the result.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ParallelExecutor } from '../impl/executor.ts';
import { toU64 } from '../spec/index.ts';
import { generateWorkload } from './workload.ts';

const n = Number(process.argv[2] ?? 100_000);
const started = performance.now();
const workload = generateWorkload(n, 0.25, 3);
const generated = performance.now();
process.stderr.write(`generated ${n} transactions in ${((generated - started) / 1000).toFixed(0)} s\n`);
const executor = new ParallelExecutor({ workers: availableParallelism() });
const result = await executor.executeBlock(workload.state, { chainId: 0, topoheight: toU64(1n), miner: '7e'.repeat(32), ledger: 'deferred-credits' }, workload.transactions);
const seconds = (performance.now() - generated) / 1000;
await executor.close();
if (!result.ok) throw new Error(`the memory block was refused: ${result.error.code}`);
const rejected = result.receipts.filter((receipt) => receipt.status !== 'applied');
if (rejected.length > 0) {
  const codes = new Map<string, number>();
  for (const receipt of rejected) codes.set(receipt.error!, (codes.get(receipt.error!) ?? 0) + 1);
  throw new Error(`the memory block should be fully accepted; rejected: ${JSON.stringify([...codes])}`);
}
const peakMiB = process.resourceUsage().maxRSS / 1024;
console.log(
  `${peakMiB.toFixed(0)} MiB peak RSS (goal: under 1536 MiB) for ${n} transactions and ${result.state.accounts.size} accounts, executed on ${availableParallelism()} workers in ${seconds.toFixed(1)} s (${(n / seconds).toFixed(0)} tx/s), generation included in the peak`,
);
