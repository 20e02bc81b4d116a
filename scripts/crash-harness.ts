/**
 * The crash test (shared by `test/storage/crash.test.ts` and `npm run crash-test`): a
 * child process executes a deterministic chain of blocks into an LMDB store; the parent
 * SIGKILLs it at random moments (after a random delay, right when the child reports being
 * inside a commit's write transaction with every write made, or between two writes of one
 * block's commit); after every kill the store is reopened
 * (read-only, with the root check) and must hold exactly the spec's state after some
 * whole number of blocks, with the matching state root. The next trial continues from
 * what the store holds (a store that reached the chain's end is started afresh).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LmdbStorage, StorageError } from '../impl/index.ts';
import { bytesToHex, computeStateRoot, stateToJson } from '../spec/index.ts';
import { generateSpecChain, type SpecChain } from '../conformance/storage-chain.ts';
import { createRandom } from '../bench/random.ts';
import type { CrashChainFile } from './crash-child.ts';

/** Options of {@link runCrashTrials}. */
export interface CrashOptions {
  /** Kill trials. */
  readonly trials: number;
  /** Blocks in the chain. */
  readonly blocks?: number;
  /** Chain and kill-timing seed. */
  readonly seed?: number;
  /** Progress output. */
  readonly log?: (line: string) => void;
}

/**
 * How a trial's kill is timed: after a random delay from the open (`timer`), when the
 * child reports every write of a commit made but not committed (`in-txn`), or when it
 * reports some of a commit's writes made and the rest not (`mid-write`).
 */
export type CrashMode = 'timer' | 'in-txn' | 'mid-write';

/** The outcome of one trial. */
export interface CrashTrial {
  /** How the kill was timed. */
  readonly mode: CrashMode;
  /** The child's last progress line before it died. */
  readonly lastLine: string;
  /** Whether the kill landed inside a write transaction (`in-txn` or `mid-write` was the last line). */
  readonly midCommit: boolean;
  /** The stored topoheight after the kill (0 when nothing was initialised). */
  readonly topoheight: number;
  /** For a mid-commit kill: whether the in-flight block was rolled back (else it had committed). */
  readonly rolledBack: boolean | undefined;
  /** Whether the child was killed (else it finished the chain first). */
  readonly killed: boolean;
  /** Whether the reopened store held exactly the spec's state at `topoheight` with its root. */
  readonly ok: boolean;
  /** What was wrong, when not ok. */
  readonly problem?: string;
}

/** The summary of a crash run. */
export interface CrashSummary {
  /** Every trial. */
  readonly trials: readonly CrashTrial[];
  /** Trials whose store was exactly a spec state. */
  readonly passed: number;
  /** Trials killed inside a commit's write transaction. */
  readonly midCommit: number;
  /** Of those, trials killed between two writes of one block (`mid-write`). */
  readonly midWrite: number;
}

function writeChainFile(chain: SpecChain, path: string): void {
  const file: CrashChainFile = {
    genesis: stateToJson(chain.start.state),
    blocks: chain.blocks.map((block) => ({
      chainId: block.context.chainId,
      topoheight: block.context.topoheight.toString(),
      miner: block.context.miner,
      ledger: block.context.ledger,
      transactions: block.transactions.map(bytesToHex),
    })),
  };
  writeFileSync(path, JSON.stringify(file));
}

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** Run the child until it is killed (or ends); returns its progress lines and whether it was killed. */
function runChild(chainFile: string, store: string, seed: number, mode: CrashMode, random: () => number): Promise<{ lines: string[]; killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, chainFile, store, String(seed), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let pending = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    const killAfterInTxn = 1 + Math.floor(random() * 4);
    let inTxnSeen = 0;
    const kill = (): void => void child.kill('SIGKILL');
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.startsWith('open ') && mode === 'timer') killTimer = setTimeout(kill, Math.floor(random() * 400));
        if (line.startsWith('in-txn ') && mode === 'in-txn' && ++inTxnSeen === killAfterInTxn) kill();
        if (line.startsWith('mid-write ') && mode === 'mid-write' && ++inTxnSeen === killAfterInTxn) kill();
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      if (pending) lines.push(pending);
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`crash child failed (code ${code}): ${stderr}`));
      else resolve({ lines, killed: signal === 'SIGKILL', stderr });
    });
  });
}

async function inspectStore(store: string, chain: SpecChain): Promise<{ topoheight: number; problem?: string }> {
  let storage: LmdbStorage;
  try {
    storage = LmdbStorage.open(store, { readOnly: true });
  } catch (error) {
    if (error instanceof StorageError && error.code === 'EmptyStore') return { topoheight: 0 };
    return { topoheight: -1, problem: `reopening failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const meta = storage.readMeta()!;
    const topoheight = Number(meta.topoheight);
    const expected = chain.states[topoheight];
    if (expected === undefined) return { topoheight, problem: `topoheight ${topoheight} is beyond the chain` };
    if (meta.stateRoot !== chain.roots[topoheight]) return { topoheight, problem: `stored root ${meta.stateRoot} is not the spec's ${chain.roots[topoheight]}` };
    const state = storage.readState();
    if (computeStateRoot(state) !== meta.stateRoot) return { topoheight, problem: 'the stored state does not hash to the stored root' };
    if (JSON.stringify(stateToJson(state)) !== JSON.stringify(stateToJson(expected))) return { topoheight, problem: `the stored state differs from the spec's state after ${topoheight} blocks` };
    return { topoheight };
  } finally {
    await storage.close();
  }
}

/**
 * Run the crash trials.
 *
 * @param options - trials, chain length, seed, progress output
 * @returns every trial's outcome
 */
export async function runCrashTrials(options: CrashOptions): Promise<CrashSummary> {
  const seed = options.seed ?? 2024;
  const log = options.log ?? (() => undefined);
  const chain = generateSpecChain(seed, options.blocks ?? 30, { minTransactions: 6, maxTransactions: 12 });
  const directory = mkdtempSync(join(tmpdir(), 'tos-crash-'));
  const chainFile = join(directory, 'chain.json');
  writeChainFile(chain, chainFile);
  let store = join(directory, 'store-0');
  let stores = 0;
  const random = createRandom(seed);
  const trials: CrashTrial[] = [];
  try {
    for (let index = 0; index < options.trials; index++) {
      const modes: readonly CrashMode[] = ['in-txn', 'timer', 'mid-write'];
      const mode = modes[index % 3]!;
      const { lines, killed } = await runChild(chainFile, store, seed + index, mode, random);
      const lastLine = lines.at(-1) ?? '(none)';
      const midCommit = killed && (lastLine.startsWith('in-txn ') || lastLine.startsWith('mid-write '));
      const inspected = await inspectStore(store, chain);
      let problem = inspected.problem;
      const lastDone = Math.max(-1, ...lines.filter((line) => line.startsWith('done ')).map((line) => Number(line.slice(5))));
      const lastBegin = Math.max(-1, ...lines.filter((line) => line.startsWith('begin ')).map((line) => Number(line.slice(6))));
      if (problem === undefined && lastDone >= 0 && inspected.topoheight < lastDone) problem = `block ${lastDone} was reported committed but the store is at ${inspected.topoheight}`;
      if (problem === undefined && lastBegin >= 0 && inspected.topoheight > lastBegin) problem = `the store is at ${inspected.topoheight}, past the last block begun (${lastBegin})`;
      const inFlight = midCommit ? Number(lastLine.split(' ')[1]) : undefined;
      const trial: CrashTrial = {
        mode,
        lastLine,
        midCommit,
        topoheight: inspected.topoheight,
        rolledBack: inFlight === undefined ? undefined : inspected.topoheight === inFlight - 1,
        killed,
        ok: problem === undefined,
        ...(problem === undefined ? {} : { problem }),
      };
      trials.push(trial);
      log(
        `trial ${String(index + 1).padStart(3)}: ${mode.padEnd(9)} ${killed ? 'killed' : 'ended '} after "${lastLine}" -> store at topoheight ${inspected.topoheight}` +
          `${trial.rolledBack === undefined ? '' : trial.rolledBack ? ' (in-flight block rolled back)' : ' (in-flight block committed)'}: ${trial.ok ? 'OK' : `FAIL ${problem}`}`,
      );
      if (inspected.topoheight >= chain.blocks.length) {
        // The chain is complete: start again from an empty store.
        store = join(directory, `store-${++stores}`);
      }
    }
  } finally {
    LmdbStorage.destroy(directory);
  }
  return {
    trials,
    passed: trials.filter((trial) => trial.ok).length,
    midCommit: trials.filter((trial) => trial.midCommit).length,
    midWrite: trials.filter((trial) => trial.midCommit && trial.lastLine.startsWith('mid-write ')).length,
  };
}
