/**
 * `npm run bench [-- --quick] [-- --json]`: throughput of the spec, the executor in the
 * calling thread, the executor on every core, and the TOS V3 `tos-batches` scheduler, at
 * conflict ratios 0-100% under both ledger models, measured side by side in one run.
 *
 * Prints a table of ratios, writes docs/benchmarks.md and docs/benchmarks.svg, and with
 * `--json` prints one JSON object as its last line. The full run also executes a
 * 100,000-transaction block in a child process and reports its peak RSS (`--no-memory`
 * skips it; `--quick` skips it unless `--memory` is given).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ParallelExecutor } from '../impl/executor.ts';
import { computeParallelism, getAccessSet, scheduleTosBatches } from '../impl/schedule.ts';
import { verifyTransactionBytes } from '../impl/verify.ts';
import {
  applyBlock,
  computeMultiSigMessage,
  computeTransactionHash,
  decodePublicKey,
  decodeTransaction,
  decodeTransactionFields,
  LEDGER_MODELS,
  toU64,
  verifySignature,
  type BlockContext,
  type LedgerModel,
  type MultiSigConfig,
} from '../spec/index.ts';
import { compareVerifiers, verifierSamples, verifierTable } from './verifiers.ts';
import { generateWorkload, type Workload } from './workload.ts';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const json = args.has('--json');
const memory = args.has('--memory') || (!quick && !args.has('--no-memory'));
const cores = availableParallelism();
const n = quick ? 600 : 3000;
const rounds = quick ? 1 : 5;
const conflicts = [0, 25, 50, 75, 100];
const log = (line: string): void => {
  (json ? process.stderr : process.stdout).write(line + '\n');
};

interface Row {
  ledger: LedgerModel;
  conflict: number;
  scheduler: 'spec' | 'dag' | 'tos-batches';
  workers: number;
  txPerSec: number;
  speedupVsInThread: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function context(ledger: LedgerModel): BlockContext {
  return { chainId: 0, topoheight: toU64(1n), miner: '7e'.repeat(32), ledger };
}

/**
 * The stateless stage on one core with the spec's signature code (@noble/curves): decode,
 * hash, the owner signature and every multisig signature. The reference the executor's own
 * verification is compared with.
 */
function nobleVerify(bytes: Uint8Array, config: MultiSigConfig | null): boolean {
  const decoded = decodeTransactionFields(bytes);
  if (!decoded.ok) return false;
  computeTransactionHash(bytes);
  const { transaction, signingBytes } = decoded.value;
  const owner = decodePublicKey(transaction.source);
  if (owner === undefined || !verifySignature(owner, signingBytes, transaction.signature)) return false;
  if (config === null || transaction.multisig === null) return true;
  const message = computeMultiSigMessage(signingBytes);
  return transaction.multisig.every(({ id, signature }) => {
    const participant = decodePublicKey(config.participants[id]!);
    return participant !== undefined && verifySignature(participant, message, signature);
  });
}

function timeNobleVerify(workload: Workload): number {
  const started = performance.now();
  workload.transactions.forEach((bytes, index) => {
    if (!nobleVerify(bytes, workload.configs[index] ?? null)) throw new Error('benchmark transactions should verify');
  });
  return workload.transactions.length / ((performance.now() - started) / 1000);
}

/** The same stateless stage on one core with the executor's verification (impl/verify.ts). */
function timeVerifyBound(workload: Workload): number {
  const started = performance.now();
  workload.transactions.forEach((bytes, index) => verifyTransactionBytes(bytes, workload.configs[index] ?? null));
  return workload.transactions.length / ((performance.now() - started) / 1000);
}

/** Transactions of the untimed warm-up block run before each timed executor run. */
const warmUpSize = Math.max(1, Math.floor(n / 10));

async function timeExecutor(executor: ParallelExecutor, workload: Workload, ledger: LedgerModel): Promise<number> {
  // Untimed: the first tenth of the same block on the same executor, so every configuration
  // is timed warm (as when blocks arrive back to back), not straight after the seconds its
  // worker threads spent idle while the other configurations ran.
  await executor.executeBlock(workload.state, context(ledger), workload.transactions.slice(0, warmUpSize));
  const started = performance.now();
  const result = await executor.executeBlock(workload.state, context(ledger), workload.transactions);
  const seconds = (performance.now() - started) / 1000;
  if (!result.ok || result.receipts.some((receipt) => receipt.status !== 'applied')) throw new Error('benchmark block should be fully accepted');
  return workload.transactions.length / seconds;
}

function timeSpec(workload: Workload, ledger: LedgerModel): number {
  const started = performance.now();
  const result = applyBlock(workload.state, context(ledger), workload.transactions);
  const seconds = (performance.now() - started) / 1000;
  if (!result.ok) throw new Error('benchmark block should apply');
  return workload.transactions.length / seconds;
}

log(`tos-conformance benchmark: ${cores} cores (${cpus()[0]?.model ?? 'unknown cpu'}), ${n} transactions per block, ${rounds} round(s), Node ${process.version}`);
log('generating workloads...');
const workloads = new Map<number, Workload>();
for (const conflict of conflicts) workloads.set(conflict, generateWorkload(n, conflict / 100, 7));

const inThread = new ParallelExecutor({ workers: 0 });
const parallel = new ParallelExecutor({ workers: cores });
const batches = new ParallelExecutor({ workers: cores, scheduler: 'tos-batches' });
// Warm up on a full-size block, twice: worker start-up, JIT in every thread, the cost model.
const warm = workloads.get(50)!;
for (let pass = 0; pass < 2; pass++) {
  for (const executor of [inThread, parallel, batches]) await executor.executeBlock(warm.state, context('immediate'), warm.transactions);
}
timeSpec(warm, 'immediate');

const samples = new Map<string, number[]>();
const record = (key: string, value: number): void => {
  samples.set(key, [...(samples.get(key) ?? []), value]);
};
for (let round = 0; round < rounds; round++) {
  for (const conflict of conflicts) {
    const workload = workloads.get(conflict)!;
    const noble = timeNobleVerify(workload);
    record(`noble/${conflict}`, noble);
    record(`bound/${conflict}`, timeVerifyBound(workload));
    for (const ledger of LEDGER_MODELS) {
      // Side by side: each configuration runs on the same block within moments of the
      // others, in forward order in even rounds and reverse order in odd ones, so that no
      // configuration always runs first or last.
      const runs: [string, () => Promise<number> | number][] = [
        ['spec', () => timeSpec(workload, ledger)],
        ['dag0', () => timeExecutor(inThread, workload, ledger)],
        ['dagN', () => timeExecutor(parallel, workload, ledger)],
        ['tosN', () => timeExecutor(batches, workload, ledger)],
      ];
      const rates = new Map<string, number>();
      for (const [name, run] of round % 2 === 0 ? runs : [...runs].reverse()) {
        const rate = await run();
        rates.set(name, rate);
        record(`${name}/${ledger}/${conflict}`, rate);
      }
      // The paired ratios of this round: both rates measured within seconds of each other.
      record(`dagN/dag0/${ledger}/${conflict}`, rates.get('dagN')! / rates.get('dag0')!);
      record(`tosN/dag0/${ledger}/${conflict}`, rates.get('tosN')! / rates.get('dag0')!);
      record(`spec/dag0/${ledger}/${conflict}`, rates.get('spec')! / rates.get('dag0')!);
      record(`dag0/noble/${ledger}/${conflict}`, rates.get('dag0')! / noble);
    }
    log(`  round ${round + 1}/${rounds}, conflict ${conflict}%: done`);
  }
}
await Promise.all([inThread.close(), parallel.close(), batches.close()]);
log('comparing the verification backends...');
const verifiers = verifierTable(compareVerifiers(verifierSamples(quick ? 100 : 300, 11), rounds));

const get = (key: string): number => median(samples.get(key)!);
/** The median of a paired ratio over the rounds, with its lowest and highest round. */
const ratio = (key: string): string => {
  const values = samples.get(key)!;
  const text = `${median(values).toFixed(2)}x`;
  return values.length < 2 ? text : `${text} (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)})`;
};
const rows: Row[] = [];
const lines: string[] = [];
const header = `| ledger | conflict | spec tx/s | executor 0 workers tx/s | executor ${cores} workers tx/s | tos-batches ${cores} workers tx/s | noble verify tx/s | verify bound tx/s | 0w / noble verify | ${cores}w / 0w | tos-batches / 0w | 0w / bound |`;
lines.push(header, '|' + ' --- |'.repeat(12));
for (const ledger of LEDGER_MODELS) {
  for (const conflict of conflicts) {
    const bound = get(`bound/${conflict}`);
    const noble = get(`noble/${conflict}`);
    const spec = get(`spec/${ledger}/${conflict}`);
    const dag0 = get(`dag0/${ledger}/${conflict}`);
    const dagN = get(`dagN/${ledger}/${conflict}`);
    const tosN = get(`tosN/${ledger}/${conflict}`);
    rows.push(
      { ledger, conflict, scheduler: 'spec', workers: 0, txPerSec: spec, speedupVsInThread: get(`spec/dag0/${ledger}/${conflict}`) },
      { ledger, conflict, scheduler: 'dag', workers: 0, txPerSec: dag0, speedupVsInThread: 1 },
      { ledger, conflict, scheduler: 'dag', workers: cores, txPerSec: dagN, speedupVsInThread: get(`dagN/dag0/${ledger}/${conflict}`) },
      { ledger, conflict, scheduler: 'tos-batches', workers: cores, txPerSec: tosN, speedupVsInThread: get(`tosN/dag0/${ledger}/${conflict}`) },
    );
    lines.push(
      `| ${ledger} | ${conflict}% | ${spec.toFixed(0)} | ${dag0.toFixed(0)} | ${dagN.toFixed(0)} | ${tosN.toFixed(0)} | ${noble.toFixed(0)} | ${bound.toFixed(0)} | ${ratio(`dag0/noble/${ledger}/${conflict}`)} | ${ratio(`dagN/dag0/${ledger}/${conflict}`)} | ${ratio(`tosN/dag0/${ledger}/${conflict}`)} | ${((100 * dag0) / bound).toFixed(0)}% |`,
    );
  }
}

// Available parallelism of each workload's DAG (weights: signatures to verify).
const parallelismLines = ['| conflict | total work | critical path | available parallelism | predicted 4 cores | predicted 16 cores | predicted 64 cores | tos-batches batches |', '|' + ' --- |'.repeat(8)];
for (const conflict of conflicts) {
  const workload = workloads.get(conflict)!;
  const accessSets = workload.transactions.map((bytes) => {
    const decoded = decodeTransaction(bytes);
    return getAccessSet(decoded.ok ? decoded.value : null);
  });
  const p = computeParallelism(accessSets, workload.weights);
  // Brent's bound: T_P <= T_1 / P + T_inf, so the DAG predicts at least T_1 / (T_1 / P + T_inf).
  const predict = (cores: number): string => (p.totalWork / (p.totalWork / cores + p.criticalPath)).toFixed(2);
  parallelismLines.push(
    `| ${conflict}% | ${p.totalWork} | ${p.criticalPath} | ${p.available.toFixed(1)} | ${predict(4)}x | ${predict(16)}x | ${predict(64)}x | ${scheduleTosBatches(accessSets).length} |`,
  );
}

let memoryLine = 'Not measured in this run (`npm run bench` without `--quick` measures it).';
if (memory) {
  log('measuring a 100,000-transaction block in a child process (this takes a few minutes)...');
  const output = execFileSync(process.execPath, [...process.execArgv, new URL('./memory.ts', import.meta.url).pathname, '100000'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  memoryLine = output.trim().split('\n').pop()!;
}

const minSpeedup = Math.min(...rows.filter((row) => row.scheduler === 'dag' && row.workers === cores).map((row) => row.speedupVsInThread));
const minNobleRatio = Math.min(...LEDGER_MODELS.flatMap((ledger) => conflicts.map((conflict) => get(`dag0/noble/${ledger}/${conflict}`))));
const minBoundShare = Math.min(...LEDGER_MODELS.flatMap((ledger) => conflicts.map((conflict) => get(`dag0/${ledger}/${conflict}`) / get(`bound/${conflict}`))));
const summary = [
  `- Lowest speed of the executor on 0 workers over the spec's single-core noble verification: ${minNobleRatio.toFixed(2)}x (goal: at least 3.0x).`,
  `- Lowest speed-up of the executor on ${cores} workers over 0 workers: ${minSpeedup.toFixed(2)}x (goal: at least 1.8x on 2 cores).`,
  `- Lowest share of the single-core verification bound reached by the executor on 0 workers: ${(100 * minBoundShare).toFixed(0)}% (goal: at least 90%).`,
  `- Peak RSS, 100,000-transaction block: ${memoryLine}`,
];

const markdown = `# Benchmarks

Generated by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}: ${cores} cores, ${n} transactions per block, median of ${rounds} round(s), Node ${process.version}. All configurations run on the same blocks, side by side in one run, so the ratios are meaningful on a noisy machine even when the absolute numbers are not. Rates (tx/s) are medians over the rounds. A speed-up is paired: each round divides the two rates it measured seconds apart, and the table gives the median of those per-round ratios with, in brackets, the lowest and highest round; a slow spell on the machine then moves both rates of a round, not the ratio. Within a round the configurations run in forward order in even rounds and in reverse order in odd ones. Each timed executor run (0 workers, ${cores} workers, tos-batches alike) follows an untimed run of the first ${warmUpSize} transactions of the same block on the same executor, so that every configuration is timed warm, as when blocks arrive back to back, rather than straight after the seconds its worker threads sat idle while the others ran.

Workload: 70% transfers with 1-3 outputs, 10% burns, 5% multisig setups, 15% 2-of-3 multisig spends; \`conflict\` is the share of transactions touching the hot wallet (at 100% every transaction conflicts with the one before it). Two single-core rates of the stateless stage (decoding, hashing and every signature check) frame the executor's: \`noble verify\` runs it with the spec's signature code (@noble/curves, pure JavaScript BigInt arithmetic), \`verify bound\` with the executor's own (impl/ristretto.ts: libsodium's Ristretto255 in WebAssembly). The first is the reference the executor is measured against (\`0w / noble verify\`, goal at least 3.0x); the second is the floor of the executor's own cost on one core (\`0w / bound\`).

## Summary

${summary.join('\n')}

## Throughput

${lines.join('\n')}

![speed-up over the in-thread executor](benchmarks.svg)

## Verification backends

The candidates for the executor's signature verification, side by side on the same signatures (random keys, 200-byte messages), one core, median of ${rounds} round(s); \`npm run bench:verifiers\` runs this table alone, and bench/verifiers.ts says what each candidate is. The executor uses the fastest, libsodium's WebAssembly build called on fixed buffers in its memory (impl/ristretto.ts); the spec keeps @noble/curves as the readable reference.

${verifiers}

## Available parallelism of the dependency DAG

Work is weighted by signatures to verify. The prediction is Brent's bound for a scheduler that verified along the DAG; this executor verifies statelessly first, so its speed-up is not limited by the critical path at all. \`tos-batches batches\` is how many sequential batches the TOS V3 greedy scheduler makes of the same block.

${parallelismLines.join('\n')}
`;
writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), markdown);
writeFileSync(new URL('../docs/benchmarks.svg', import.meta.url), renderChart(rows));

log('');
log(lines.join('\n'));
log('');
log(verifiers);
log('');
log(parallelismLines.join('\n'));
log('');
log(summary.join('\n'));
log('wrote docs/benchmarks.md and docs/benchmarks.svg');
if (json) {
  const bound = median(conflicts.map((conflict) => get(`bound/${conflict}`)));
  const noble = median(conflicts.map((conflict) => get(`noble/${conflict}`)));
  process.stdout.write(JSON.stringify({ cores, results: rows, nobleVerifyTxPerSec: noble, verifyBoundTxPerSec: bound }) + '\n');
}

function renderChart(data: readonly Row[]): string {
  const width = 720;
  const height = 300;
  const left = 50;
  const bottom = 250;
  const top = 30;
  const series: { label: string; color: string; pick: (row: Row) => boolean }[] = [
    { label: `dag, ${cores} workers, immediate`, color: '#2b6cb0', pick: (row) => row.scheduler === 'dag' && row.workers === cores && row.ledger === 'immediate' },
    { label: `dag, ${cores} workers, deferred-credits`, color: '#63b3ed', pick: (row) => row.scheduler === 'dag' && row.workers === cores && row.ledger === 'deferred-credits' },
    { label: `tos-batches, ${cores} workers, immediate`, color: '#c05621', pick: (row) => row.scheduler === 'tos-batches' && row.ledger === 'immediate' },
    { label: `tos-batches, ${cores} workers, deferred-credits`, color: '#f6ad55', pick: (row) => row.scheduler === 'tos-batches' && row.ledger === 'deferred-credits' },
  ];
  const maxY = Math.max(2, ...data.map((row) => row.speedupVsInThread));
  const y = (value: number): number => bottom - ((bottom - top) * value) / maxY;
  const groupWidth = (width - left - 20) / conflicts.length;
  const barWidth = (groupWidth - 20) / series.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 60}" font-family="sans-serif" font-size="12">`,
    `<text x="${left}" y="18">Speed-up over the executor on 0 workers (higher is better)</text>`,
    `<line x1="${left}" y1="${bottom}" x2="${width - 10}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333"/>`,
  ];
  for (let tick = 0; tick <= maxY; tick += 0.5) {
    parts.push(`<line x1="${left - 4}" y1="${y(tick)}" x2="${width - 10}" y2="${y(tick)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 8}" y="${y(tick) + 4}" text-anchor="end">${tick.toFixed(1)}x</text>`);
  }
  conflicts.forEach((conflict, groupIndex) => {
    const x0 = left + 10 + groupIndex * groupWidth;
    series.forEach((s, seriesIndex) => {
      const row = data.find((candidate) => s.pick(candidate) && candidate.conflict === conflict);
      if (!row) return;
      const x = x0 + seriesIndex * barWidth;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y(row.speedupVsInThread).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(bottom - y(row.speedupVsInThread)).toFixed(1)}" fill="${s.color}"><title>${s.label}, ${conflict}%: ${row.speedupVsInThread.toFixed(2)}x</title></rect>`);
    });
    parts.push(`<text x="${(x0 + (groupWidth - 20) / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${conflict}% conflict</text>`);
  });
  series.forEach((s, index) => {
    const x = left + (index % 2) * 320;
    const yy = bottom + 36 + Math.floor(index / 2) * 18;
    parts.push(`<rect x="${x}" y="${yy - 10}" width="12" height="12" fill="${s.color}"/><text x="${x + 18}" y="${yy}">${s.label}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
