/**
 * The damage campaign's child: for each damaged store directory it is given, runs every
 * path a user has on a store and reports how each one ended, one line per case:
 *
 * 1. `state-root --db <store>` (the CLI command, in this process): its exit code and its
 *    last output line;
 * 2. `LmdbStorage.open` for writing (root check and read probe on), `readState`,
 *    `inspect`, then one more chain block committed from the spec (`commitChainBlock`).
 *
 * A typed failure is a {@link StorageError}; any other throw is reported as untyped. A
 * crash kills this process: the parent sees which case was in progress (`begin` line) and
 * restarts a child for the rest.
 *
 * Usage: tsx scripts/damage-child.ts <chain seed> probe|no-probe <store directory>...
 *
 * With `no-probe`, `LmdbStorage.open` skips the read probe (to measure what it prevents);
 * `state-root` always runs with it.
 *
 * Output lines (written synchronously): `begin <store>`, then `result <json>`.
 */
import { writeSync } from 'node:fs';
import { LmdbStorage, StorageError } from '../impl/index.ts';
import { stateToJson } from '../spec/index.ts';
import { chainStart, commitChainBlock } from '../conformance/storage-chain.ts';
import { stateRootCommand } from '../conformance/storage-commands.ts';
import { stateDigest, type DamageChildResult } from './damage-harness.ts';

const say = (line: string): void => void writeSync(1, line + '\n');

async function runStateRoot(store: string): Promise<DamageChildResult['stateRoot']> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeError = process.stderr.write.bind(process.stderr);
  const capture = ((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    const exit = await stateRootCommand(['--db', store]);
    return { exit, lastLine: chunks.join('').trim().split('\n').at(-1) ?? '' };
  } catch (error) {
    return { exit: undefined, lastLine: chunks.join('').trim().split('\n').at(-1) ?? '', untyped: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeError;
  }
}

async function runStore(store: string, seed: number, probe: boolean): Promise<Omit<DamageChildResult, 'store' | 'stateRoot'>> {
  let stage: NonNullable<DamageChildResult['stage']> = 'open';
  let storage: LmdbStorage | undefined;
  try {
    storage = LmdbStorage.open(store, { probe });
    stage = 'readState';
    const topoheight = storage.readMeta()!.topoheight;
    const digest = stateDigest(stateToJson(storage.readState()));
    stage = 'inspect';
    const matches = storage.inspect().matches;
    stage = 'block';
    const block = commitChainBlock(storage, chainStart(seed), seed, { minTransactions: 4, maxTransactions: 8 });
    stage = 'close';
    await storage.close();
    return { outcome: 'accepted', topoheight: topoheight.toString(), stateDigest: digest, matches, block: { specRoot: block.specRoot, storeRoot: block.storeRoot } };
  } catch (error) {
    await storage?.close().catch(() => undefined);
    if (error instanceof StorageError) return { outcome: 'typed', stage, code: error.code, message: error.message };
    return { outcome: 'untyped', stage, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

const [seedText, probeText, ...stores] = process.argv.slice(2);
const seed = Number(seedText);
const probe = probeText !== 'no-probe';
for (const store of stores) {
  say(`begin ${store}`);
  // Without the probe, the writer's path runs first: state-root's probe would refuse the
  // damage before the unprobed open meets it.
  const stateRoot = probe ? await runStateRoot(store) : undefined;
  const rest = await runStore(store, seed, probe);
  const result: DamageChildResult = { store, stateRoot: stateRoot ?? (await runStateRoot(store)), ...rest };
  say(`result ${JSON.stringify(result)}`);
}
say('end');
