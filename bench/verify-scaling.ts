/**
 * `npm run bench:verify-scaling`: how signature verification alone scales from one thread
 * to two on this machine, with the executor's verifier (impl/ristretto.ts) and nothing
 * else: each of two worker threads holds its own signatures, and a round times one thread
 * verifying both halves one after the other against both threads verifying their half at
 * once. It is the ceiling of the executor's 2-worker speed-up: what the executor loses
 * below it is its own work (docs/architecture.md, "What limits the speed-up on two cores").
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { decodePublicKey, verifySignature } from '../impl/ristretto.ts';
import { getPublicKey, signWithNonce, type Hex } from '../spec/index.ts';

/** One signature over a 200-byte message. */
interface Sample {
  readonly key: Hex;
  readonly message: Uint8Array;
  readonly signature: Hex;
}

/** `count` signatures by distinct keys, deterministic in `seed`. */
function samples(count: number, seed: number): Sample[] {
  return Array.from({ length: count }, (_, index) => {
    const secret = BigInt(seed) * 1_000_003n + BigInt(index) + 7n;
    const message = new Uint8Array(200).fill(index & 0xff);
    return { key: getPublicKey(secret), message, signature: signWithNonce(secret, message, secret * 31n + 5n) };
  });
}

/** Verify every sample; the milliseconds it took. */
function verifyAll(batch: readonly Sample[]): number {
  const started = performance.now();
  for (const { key, message, signature } of batch) {
    const decoded = decodePublicKey(key);
    if (decoded === undefined || !verifySignature(decoded, message, signature)) throw new Error('a benchmark signature did not verify');
  }
  return performance.now() - started;
}

if (!isMainThread) {
  const batch = samples(workerData.count as number, workerData.seed as number);
  parentPort!.on('message', () => parentPort!.postMessage(verifyAll(batch)));
  parentPort!.postMessage('ready');
} else {
  const count = 1500;
  const rounds = 5;
  const start = (seed: number): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./verify-scaling-worker.mjs', import.meta.url), { workerData: { count, seed } });
      worker.once('error', reject);
      worker.once('message', () => resolve(worker));
    });
  const run = (worker: Worker): Promise<number> => new Promise((resolve) => worker.once('message', resolve).postMessage('run'));
  const [first, second] = await Promise.all([start(1), start(2)]);
  await Promise.all([run(first), run(second)]); // warm-up
  const ratios: number[] = [];
  console.log(`Verification alone, ${count} signatures per thread, ${rounds} rounds, Node ${process.version}`);
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    await run(first);
    await run(first);
    const one = performance.now() - started;
    started = performance.now();
    await Promise.all([run(first), run(second)]);
    const two = performance.now() - started;
    ratios.push(one / two);
    console.log(`  round ${round + 1}: one thread ${one.toFixed(0)} ms, two threads ${two.toFixed(0)} ms, ${(one / two).toFixed(2)}x`);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`two threads over one: median ${sorted[Math.floor(rounds / 2)]!.toFixed(2)}x (${sorted[0]!.toFixed(2)}-${sorted[rounds - 1]!.toFixed(2)})`);
  await Promise.all([first.terminate(), second.terminate()]);
}
