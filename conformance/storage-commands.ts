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
 * as one line on stderr, `tos-conformance: <code>: <message>`, with exit code 3 (the
 * store could not be used): never a stack trace. A root that does not match, or a block
 * that disagrees with the spec, exits 1. With `--json`, one JSON object on stdout
 * (vectors/schema/state-root-report.schema.json, demo-report.schema.json). Both read the whole store in a child process before mapping it (the read
 * probe), so a damaged file is refused instead of crashing the command.
 *
 * @module conformance/storage-commands
 */

import { existsSync } from 'node:fs';
import { LmdbStorage, ParallelExecutor, StorageError } from '../impl/index.ts';
import { answerOrParse, PROCESS_IO, type CommandIo, type OptionValues } from './cli-args.ts';
import { DEMO_COMMAND, STATE_ROOT_COMMAND } from './commands.ts';
import { EXIT_CODES, UsageError, type ExitCode } from './exit-codes.ts';
import { chainStart, nextChainBlock } from './storage-chain.ts';
import { toolIdentity, type ToolIdentity } from './version.ts';

/** Report a typed storage failure on one line; returns the exit code (3: the store could not be used). */
function reportStorageError(error: StorageError, io: CommandIo): number {
  io.err(`tos-conformance: ${error.code}: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
  return EXIT_CODES.cannotRun;
}

function requireDb(values: OptionValues, command: string): string {
  const path = values.string('db');
  if (path === undefined) throw new UsageError(`${command} needs --db PATH`);
  return path;
}

/** The JSON object `state-root --json` prints. */
export interface StateRootReport {
  /** The tool and the vector set it carries. */
  readonly tool: ToolIdentity;
  /** Always `state-root`. */
  readonly command: 'state-root';
  /** The store. */
  readonly store: string;
  /** The stored topoheight (decimal string, a u64). */
  readonly topoheight: string;
  /** The stored state root. */
  readonly stateRoot: string;
  /** Accounts in the store. */
  readonly accounts: number;
  /** The root recomputed from the stored records. */
  readonly recomputedRoot: string;
  /** Whether they match. */
  readonly matches: boolean;
  /** The exit code. */
  readonly exitCode: ExitCode;
}

/** One block of `demo --json`. */
export interface DemoBlock {
  /** Its topoheight (decimal string). */
  readonly topoheight: string;
  /** Transactions in it. */
  readonly transactions: number;
  /** Applied and rejected transactions. */
  readonly applied: number;
  readonly rejected: number;
  /** The executor's state root, or `null` when the block was refused. */
  readonly stateRoot: string | null;
  /** Whether it equals the spec's. */
  readonly agrees: boolean;
  /** The refusal code, when refused. */
  readonly refused: string | null;
}

/** The JSON object `demo --json` prints. */
export interface DemoReport {
  /** The tool and the vector set it carries. */
  readonly tool: ToolIdentity;
  /** Always `demo`. */
  readonly command: 'demo';
  /** The store. */
  readonly store: string;
  /** The chain's seed. */
  readonly seed: number;
  /** The topoheight before the first block (decimal string). */
  readonly startTopoheight: string;
  /** Every block executed. */
  readonly blocks: readonly DemoBlock[];
  /** Whether every block agreed with the spec. */
  readonly passed: boolean;
  /** The exit code. */
  readonly exitCode: ExitCode;
}

/**
 * `state-root --db <path>`: print the stored topoheight, state root, account count and
 * whether the recomputed root matches.
 *
 * @param args - arguments after the subcommand
 * @param io - where to print (default: the process's stdout and stderr)
 * @returns 0 when the roots match, 1 when they do not, 3 when the store cannot be read
 * @throws UsageError on a usage error, or when there is no store at the path
 * @example
 * process.exitCode = await stateRootCommand(['--db', './chain.lmdb']);
 */
export async function stateRootCommand(args: readonly string[], io: CommandIo = PROCESS_IO): Promise<number> {
  const values = answerOrParse(STATE_ROOT_COMMAND, args, io);
  if (values === 0) return 0;
  const path = requireDb(values, 'state-root');
  if (!existsSync(path)) throw new UsageError(`state-root: no store at ${path}`);
  let storage: LmdbStorage;
  try {
    // The comparison is this command's own output, so open without the open-time root
    // check, but with the read probe: a damaged file must not crash the command.
    storage = LmdbStorage.open(path, { readOnly: true, verify: false, probe: true });
  } catch (error) {
    if (error instanceof StorageError) return reportStorageError(error, io);
    throw error;
  }
  try {
    const info = storage.inspect();
    const exitCode = info.matches ? EXIT_CODES.passed : EXIT_CODES.difference;
    const human = values.flag('json') ? io.err : io.out;
    human(
      [
        `store: ${path}`,
        `topoheight: ${info.topoheight}`,
        `state root: ${info.stateRoot}`,
        `accounts: ${info.accountCount}`,
        `recomputed root: ${info.recomputedRoot}`,
        `matches: ${info.matches ? 'yes' : 'NO'}`,
      ].join('\n') + '\n',
    );
    if (values.flag('json')) {
      const report: StateRootReport = {
        tool: toolIdentity(),
        command: 'state-root',
        store: path,
        topoheight: info.topoheight.toString(),
        stateRoot: info.stateRoot,
        accounts: info.accountCount,
        recomputedRoot: info.recomputedRoot,
        matches: info.matches,
        exitCode,
      };
      io.out(JSON.stringify(report) + '\n');
    }
    return exitCode;
  } catch (error) {
    if (error instanceof StorageError) return reportStorageError(error, io);
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
 * @param io - where to print (default: the process's stdout and stderr)
 * @returns 0 when every block agreed with the spec, 1 when one did not, 3 when the store cannot be used
 * @throws UsageError on a usage error
 * @example
 * process.exitCode = await demoCommand(['--db', './chain.lmdb', '--blocks', '5']);
 */
export async function demoCommand(args: readonly string[], io: CommandIo = PROCESS_IO): Promise<number> {
  const values = answerOrParse(DEMO_COMMAND, args, io);
  if (values === 0) return 0;
  const path = requireDb(values, 'demo');
  const blocks = values.integer('blocks') ?? 5;
  const seed = values.integer('seed') ?? 1;
  const json = values.flag('json');
  const human = json ? io.err : io.out;
  const executed: DemoBlock[] = [];
  const start = chainStart(seed);
  let storage: LmdbStorage;
  try {
    storage = LmdbStorage.open(path, { genesis: { state: start.state, topoheight: 0n } });
  } catch (error) {
    if (error instanceof StorageError) return reportStorageError(error, io);
    throw error;
  }
  const executor = new ParallelExecutor({ workers: 0 });
  let failures = 0;
  let first = 0n;
  try {
    first = storage.readTopoheight();
    human(`store: ${path} at topoheight ${first}, ${storage.accountCount()} accounts (seed ${seed})\n`);
    for (let topoheight = first + 1n; topoheight <= first + BigInt(blocks); topoheight++) {
      const pre = storage.readState();
      const { block, stateRoot: specRoot } = nextChainBlock(start, pre, topoheight, seed, { minTransactions: 4, maxTransactions: 16 });
      const result = await executor.executeBlockOn(storage, block.context, block.transactions);
      if (!result.ok) {
        human(`topoheight ${topoheight}: refused (${result.error.code})\n`);
        executed.push({ topoheight: topoheight.toString(), transactions: block.transactions.length, applied: 0, rejected: 0, stateRoot: null, agrees: false, refused: result.error.code });
        failures++;
        break;
      }
      const accepted = result.receipts.filter((receipt) => receipt.status === 'applied').length;
      // nextChainBlock applied the block with the spec already (it only returns blocks the spec accepts).
      const agrees = result.stateRoot === specRoot;
      if (!agrees) failures++;
      executed.push({
        topoheight: topoheight.toString(),
        transactions: block.transactions.length,
        applied: accepted,
        rejected: block.transactions.length - accepted,
        stateRoot: result.stateRoot,
        agrees,
        refused: null,
      });
      human(
        `topoheight ${topoheight}: ${block.transactions.length} transactions, ${accepted} accepted, ${block.transactions.length - accepted} rejected, state root ${result.stateRoot}${agrees ? '' : ' (DIFFERS from the spec)'}\n`,
      );
    }
  } catch (error) {
    if (error instanceof StorageError) return reportStorageError(error, io);
    throw error;
  } finally {
    await executor.close();
    await storage.close();
  }
  const exitCode = failures === 0 ? EXIT_CODES.passed : EXIT_CODES.difference;
  if (json) {
    const report: DemoReport = { tool: toolIdentity(), command: 'demo', store: path, seed, startTopoheight: first.toString(), blocks: executed, passed: failures === 0, exitCode };
    io.out(JSON.stringify(report) + '\n');
  }
  return exitCode;
}
