/**
 * The storage subcommands of the command line:
 *
 * - `state-root --db <path>`: the stored topoheight, state root and account count, and
 *   whether the root recomputed from the stored data matches.
 * - `demo --db <path> [--blocks N] [--seed S]`: execute a generated chain of blocks into
 *   an LMDB store (initialised with a generated pre-state when empty), printing each
 *   block's topoheight, accepted and rejected counts and state root.
 *
 * Both report any {@link StorageError} (a damaged, locked or unusable store, a full disk)
 * as one line on stderr, `tos-conformance: <code>: <message>`, with exit code 1: never a
 * stack trace. Both read the whole store in a child process before mapping it (the read
 * probe), so a damaged file is refused instead of crashing the command.
 *
 * @module conformance/storage-commands
 */

import { existsSync } from 'node:fs';
import { LmdbStorage, ParallelExecutor, StorageError } from '../impl/index.ts';
import { chainStart, nextChainBlock } from './storage-chain.ts';

function readOption(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

function readInteger(args: readonly string[], name: string, fallback: number): number {
  const text = readOption(args, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got ${text}`);
  return value;
}

/** Report a typed storage failure on one line; returns the exit code (1). */
function reportStorageError(error: StorageError): number {
  process.stderr.write(`tos-conformance: ${error.code}: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
  return 1;
}

function requireDb(args: readonly string[]): string {
  const path = readOption(args, '--db');
  if (path === undefined) throw new Error('--db <path> is required');
  return path;
}

/**
 * `state-root --db <path>`: print the stored topoheight, state root, account count and
 * whether the recomputed root matches.
 *
 * @param args - arguments after the subcommand
 * @returns 0 when the roots match, 1 when they do not (or the store is corrupt)
 * @example
 * process.exitCode = await stateRootCommand(['--db', './chain.lmdb']);
 */
export async function stateRootCommand(args: readonly string[]): Promise<number> {
  const path = requireDb(args);
  if (!existsSync(path)) throw new Error(`no store at ${path}`);
  let storage: LmdbStorage;
  try {
    // The comparison is this command's own output, so open without the open-time root
    // check, but with the read probe: a damaged file must not crash the command.
    storage = LmdbStorage.open(path, { readOnly: true, verify: false, probe: true });
  } catch (error) {
    if (error instanceof StorageError) return reportStorageError(error);
    throw error;
  }
  try {
    const info = storage.inspect();
    process.stdout.write(
      [
        `store: ${path}`,
        `topoheight: ${info.topoheight}`,
        `state root: ${info.stateRoot}`,
        `accounts: ${info.accountCount}`,
        `recomputed root: ${info.recomputedRoot}`,
        `matches: ${info.matches ? 'yes' : 'NO'}`,
      ].join('\n') + '\n',
    );
    return info.matches ? 0 : 1;
  } catch (error) {
    if (error instanceof StorageError) return reportStorageError(error);
    throw error;
  } finally {
    await storage.close();
  }
}

/**
 * `demo --db <path> [--blocks N] [--seed S]`: execute a generated chain into a store
 * (creating it with the seed's generated pre-state at topoheight 0 when empty, else
 * continuing after its topoheight), checking each block against the spec.
 *
 * @param args - arguments after the subcommand
 * @returns 0 when every block agreed with the spec
 * @example
 * process.exitCode = await demoCommand(['--db', './chain.lmdb', '--blocks', '5']);
 */
export async function demoCommand(args: readonly string[]): Promise<number> {
  const path = requireDb(args);
  const blocks = readInteger(args, '--blocks', 5);
  const seed = readInteger(args, '--seed', 1);
  const start = chainStart(seed);
  let storage: LmdbStorage;
  try {
    storage = LmdbStorage.open(path, { genesis: { state: start.state, topoheight: 0n } });
  } catch (error) {
    if (error instanceof StorageError) return reportStorageError(error);
    throw error;
  }
  const executor = new ParallelExecutor({ workers: 0 });
  let failures = 0;
  try {
    const first = storage.readTopoheight();
    process.stdout.write(`store: ${path} at topoheight ${first}, ${storage.accountCount()} accounts (seed ${seed})\n`);
    for (let topoheight = first + 1n; topoheight <= first + BigInt(blocks); topoheight++) {
      const pre = storage.readState();
      const { block, stateRoot: specRoot } = nextChainBlock(start, pre, topoheight, seed, { minTransactions: 4, maxTransactions: 16 });
      const result = await executor.executeBlockOn(storage, block.context, block.transactions);
      if (!result.ok) {
        process.stdout.write(`topoheight ${topoheight}: refused (${result.error.code})\n`);
        failures++;
        break;
      }
      const accepted = result.receipts.filter((receipt) => receipt.status === 'applied').length;
      // nextChainBlock applied the block with the spec already (it only returns blocks the spec accepts).
      const agrees = result.stateRoot === specRoot;
      if (!agrees) failures++;
      process.stdout.write(
        `topoheight ${topoheight}: ${block.transactions.length} transactions, ${accepted} accepted, ${block.transactions.length - accepted} rejected, state root ${result.stateRoot}${agrees ? '' : ' (DIFFERS from the spec)'}\n`,
      );
    }
  } catch (error) {
    if (error instanceof StorageError) return reportStorageError(error);
    throw error;
  } finally {
    await executor.close();
    await storage.close();
  }
  return failures === 0 ? 0 : 1;
}
