/**
 * The damage campaign (shared by `test/storage/damage.test.ts` and
 * `npm run damage-campaign`): build a store (a genesis and a few chain blocks committed
 * from the spec), then damage copies of it, each one way (every truncation of `data.mdb`
 * to a page boundary, and single-byte changes at random offsets), and run every path a
 * user has on each copy in a child process (`scripts/damage-child.ts`): `state-root`,
 * open, `readState`, `inspect`, one more block. Each case ends as
 *
 * - `typed`: a path was refused with a `StorageError` (and `state-root` with one line and
 *   exit code 1);
 * - `accepted`: every path succeeded, and then the state read back must be exactly the
 *   store's state before the damage and the extra block must commit the spec's root (the
 *   damage was harmless, e.g. in a free page); otherwise the case is `wrong`;
 * - `crash`: the child died of a signal, hung, or a path threw something untyped.
 *
 * Goal: 0 crashes and 0 wrong.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../bench/random.ts';
import { LmdbStorage, WRITER_LOCK_FILE } from '../impl/index.ts';
import { blake3 } from '@noble/hashes/blake3.js';
import { bytesToHex, stateToJson } from '../spec/index.ts';
import { chainStart, commitChainBlock, nextChainBlock } from '../conformance/storage-chain.ts';

/** What the child reports about one damaged store. */
export interface DamageChildResult {
  /** The store directory. */
  readonly store: string;
  /** `state-root --db`: its exit code and last output line (or the untyped error it threw). */
  readonly stateRoot: { readonly exit: number | undefined; readonly lastLine: string; readonly untyped?: string };
  /** How the open/read/block path ended. */
  readonly outcome: 'accepted' | 'typed' | 'untyped';
  /** The stage that failed (typed or untyped). */
  readonly stage?: 'open' | 'readState' | 'inspect' | 'block' | 'close';
  /** The StorageError code of a typed failure. */
  readonly code?: string;
  /** The error message of a failure. */
  readonly message?: string;
  /** For an accepted store: the topoheight it opened at. */
  readonly topoheight?: string;
  /** For an accepted store: BLAKE3 of the JSON of the state read back. */
  readonly stateDigest?: string;
  /** For an accepted store: whether `inspect` found the roots equal. */
  readonly matches?: boolean;
  /** For an accepted store: the spec's root of the extra block and the root the store committed. */
  readonly block?: { readonly specRoot: string; readonly storeRoot: string };
}

/**
 * The digest of a state as the campaign compares it.
 *
 * @param json - the state's JSON form
 * @returns hex BLAKE3 of its JSON text
 */
export function stateDigest(json: unknown): string {
  return bytesToHex(blake3(new TextEncoder().encode(JSON.stringify(json))));
}

/** Options of {@link runDamageCampaign}. */
export interface DamageOptions {
  /** Chain seed (also seeds the flip offsets). */
  readonly seed?: number;
  /** Blocks committed before the damage. */
  readonly blocks?: number;
  /** Truncations: `'all'` (every page boundary below the file's size) or how many, evenly spread. */
  readonly truncations?: 'all' | number;
  /** Single-byte changes at random offsets. */
  readonly flips?: number;
  /** Stores per child process. */
  readonly batch?: number;
  /** Open with the read probe (default true); false shows what the probe prevents. */
  readonly probe?: boolean;
  /** Progress output. */
  readonly log?: (line: string) => void;
}

/** One damaged store and how it ended. */
export interface DamageCase {
  /** What was done to the file. */
  readonly damage: string;
  /** The verdict. */
  readonly outcome: 'typed' | 'accepted' | 'wrong' | 'crash';
  /** Details: the code and stage of a typed refusal, what was wrong, how the child died. */
  readonly detail: string;
}

/** The campaign's figures. */
export interface DamageSummary {
  /** Every case. */
  readonly cases: readonly DamageCase[];
  /** The pristine data file's size and page size. */
  readonly file: { readonly size: number; readonly pageSize: number };
  /** Cases per outcome. */
  readonly counts: Readonly<Record<DamageCase['outcome'], number>>;
  /** Typed refusals per error code (of the open/read/block path). */
  readonly codes: Readonly<Record<string, number>>;
  /** Child processes started (more than the batches when a child crashed). */
  readonly children: number;
}

const CHILD = fileURLToPath(new URL('./damage-child.ts', import.meta.url));
/** A child with no progress for this long is hung (only detects a real hang). */
const HANG_MS = 300_000;

interface Expected {
  readonly topoheight: string;
  readonly stateDigest: string;
  readonly nextRoot: string;
}

/** Run one child over `stores`; returns the results it reported and, if it died, which store it was on. */
function runChild(seed: number, probe: boolean, stores: readonly string[]): Promise<{ results: DamageChildResult[]; died?: { store: string; how: string } }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(seed), probe ? 'probe' : 'no-probe', ...stores], { stdio: ['ignore', 'pipe', 'pipe'] });
    const results: DamageChildResult[] = [];
    let current: string | undefined;
    let pending = '';
    let stderr = '';
    let hung = false;
    let timer = setTimeout(() => ((hung = true), child.kill('SIGKILL')), HANG_MS);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const line of parts) {
        clearTimeout(timer);
        timer = setTimeout(() => ((hung = true), child.kill('SIGKILL')), HANG_MS);
        if (line.startsWith('begin ')) current = line.slice(6);
        else if (line.startsWith('result ')) {
          results.push(JSON.parse(line.slice(7)) as DamageChildResult);
          current = undefined;
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (current !== undefined) {
        const how = hung ? `hung (no progress in ${HANG_MS / 1000} s)` : signal !== null ? `killed by ${signal}` : `exit code ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`;
        resolve({ results, died: { store: current, how } });
      } else if (code !== 0) reject(new Error(`damage child failed outside any case (code ${code}, signal ${signal}): ${stderr}`));
      else resolve({ results });
    });
  });
}

function classify(result: DamageChildResult, expected: Expected): Pick<DamageCase, 'outcome' | 'detail'> {
  const { stateRoot } = result;
  if (stateRoot.untyped !== undefined) return { outcome: 'crash', detail: `state-root threw ${stateRoot.untyped}` };
  // state-root refuses a store it cannot read with one typed line and exit 3, or reports a
  // root mismatch as `matches: NO` with exit 1 (docs/cli.md, exit codes).
  const stateRootTyped =
    (stateRoot.exit === 3 && /^tos-conformance: [A-Za-z]+: /.test(stateRoot.lastLine)) || (stateRoot.exit === 1 && stateRoot.lastLine === 'matches: NO');
  if (result.outcome === 'untyped') return { outcome: 'crash', detail: `${result.stage} threw ${result.message}` };
  if (result.outcome === 'typed') {
    if (stateRoot.exit !== 0 && !stateRootTyped) return { outcome: 'crash', detail: `state-root exit ${stateRoot.exit} without a typed line: ${stateRoot.lastLine}` };
    return { outcome: 'typed', detail: `${result.stage}: ${result.code}: ${result.message}` };
  }
  const problems: string[] = [];
  if (result.topoheight !== expected.topoheight) problems.push(`opened at topoheight ${result.topoheight}, not ${expected.topoheight}`);
  if (result.stateDigest !== expected.stateDigest) problems.push('the state read back differs from the stored state');
  if (result.matches !== true) problems.push('inspect found the roots different');
  if (result.block?.storeRoot !== expected.nextRoot || result.block.specRoot !== expected.nextRoot) problems.push('the extra block did not commit the spec root');
  if (stateRoot.exit !== 0 && !stateRootTyped) problems.push(`state-root exit ${stateRoot.exit}: ${stateRoot.lastLine}`);
  return problems.length === 0 ? { outcome: 'accepted', detail: stateRoot.exit === 0 ? 'harmless' : `harmless for the writer; state-root refused: ${stateRoot.lastLine}` } : { outcome: 'wrong', detail: problems.join('; ') };
}

/**
 * Run the campaign.
 *
 * @param options - seed, chain length, how many truncations and flips, batch size, progress output
 * @returns every case and the figures
 */
export async function runDamageCampaign(options: DamageOptions = {}): Promise<DamageSummary> {
  const seed = options.seed ?? 5;
  const log = options.log ?? (() => undefined);
  const directory = mkdtempSync(join(tmpdir(), 'tos-damage-'));
  try {
    // The pristine store.
    const pristine = join(directory, 'pristine');
    const start = chainStart(seed);
    const constraints = { minTransactions: 4, maxTransactions: 8 };
    const storage = LmdbStorage.open(pristine, { genesis: { state: start.state, topoheight: 0n } });
    for (let block = 0; block < (options.blocks ?? 3); block++) commitChainBlock(storage, start, seed, constraints);
    const meta = storage.readMeta()!;
    const state = storage.readState();
    await storage.close();
    const expected: Expected = {
      topoheight: meta.topoheight.toString(),
      stateDigest: stateDigest(stateToJson(state)),
      nextRoot: nextChainBlock(start, state, meta.topoheight + 1n, seed, constraints).stateRoot,
    };
    const data = readFileSync(join(pristine, 'data.mdb'));
    const pageSize = data.readUInt32LE(48);
    const size = statSync(join(pristine, 'data.mdb')).size;

    // The damages.
    const damages: { name: string; apply: (file: string) => void }[] = [];
    const pages = Math.floor(size / pageSize);
    const cuts = Array.from({ length: pages }, (_, page) => page * pageSize);
    const wanted = options.truncations ?? 'all';
    const chosen = wanted === 'all' || wanted >= cuts.length ? cuts : Array.from({ length: wanted }, (_, index) => cuts[Math.floor((index * cuts.length) / wanted)]!);
    for (const cut of chosen) damages.push({ name: `truncate to ${cut} bytes (page ${cut / pageSize} of ${pages})`, apply: (file) => truncateSync(file, cut) });
    // Half the changes land anywhere in the file; the other half in the used part of a page
    // (its header and pointers below `lower`, its nodes from `upper`), where live records are.
    const used: [number, number][] = [];
    for (let page = 0; page < pages; page++) {
      const at = page * pageSize;
      const lower = data.readUInt16LE(at + 20);
      const upper = data.readUInt16LE(at + 22);
      used.push([at, at + Math.max(24, Math.min(lower, pageSize))]);
      if (upper > lower && upper < pageSize) used.push([at + upper, at + pageSize]);
    }
    const usedBytes = used.reduce((total, [from, to]) => total + to - from, 0);
    const random = createRandom(seed * 31 + 7);
    for (let flip = 0; flip < (options.flips ?? 300); flip++) {
      let offset = Math.floor(random() * size);
      if (flip % 2 === 1) {
        let pick = Math.floor(random() * usedBytes);
        for (const [from, to] of used) {
          if (pick < to - from) {
            offset = from + pick;
            break;
          }
          pick -= to - from;
        }
      }
      const mask = 1 + Math.floor(random() * 255);
      damages.push({
        name: `byte ${offset} (page ${Math.floor(offset / pageSize)}, offset ${offset % pageSize}) xor 0x${mask.toString(16).padStart(2, '0')}`,
        apply: (file) => {
          const bytes = readFileSync(file);
          bytes[offset] = bytes[offset]! ^ mask;
          writeFileSync(file, bytes);
        },
      });
    }

    // One copy per damage.
    const stores = damages.map((damage, index) => {
      const store = join(directory, `case-${index}`);
      cpSync(pristine, store, { recursive: true });
      rmSync(join(store, WRITER_LOCK_FILE), { force: true });
      damage.apply(join(store, 'data.mdb'));
      return store;
    });
    const byStore = new Map(stores.map((store, index) => [store, damages[index]!.name]));

    const cases: DamageCase[] = [];
    let children = 0;
    const batch = options.batch ?? 40;
    const queue = [...stores];
    const record = (store: string, verdict: Pick<DamageCase, 'outcome' | 'detail'>): void => {
      const entry: DamageCase = { damage: byStore.get(store)!, ...verdict };
      cases.push(entry);
      log(`${String(cases.length).padStart(4)} ${entry.outcome.padEnd(8)} ${entry.damage}: ${entry.detail}`);
    };
    while (queue.length > 0) {
      const slice = queue.splice(0, batch);
      children++;
      const { results, died } = await runChild(seed, options.probe ?? true, slice);
      for (const result of results) record(result.store, classify(result, expected));
      if (died !== undefined) {
        record(died.store, { outcome: 'crash', detail: died.how });
        const done = results.length + 1;
        queue.unshift(...slice.slice(done));
      }
    }

    const counts = { typed: 0, accepted: 0, wrong: 0, crash: 0 };
    const codes: Record<string, number> = {};
    for (const entry of cases) {
      counts[entry.outcome]++;
      if (entry.outcome === 'typed') {
        const code = /^[a-zA-Z]+: ([A-Za-z]+):/.exec(entry.detail)?.[1] ?? '?';
        codes[code] = (codes[code] ?? 0) + 1;
      }
    }
    return { cases, file: { size, pageSize }, counts, codes, children };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
