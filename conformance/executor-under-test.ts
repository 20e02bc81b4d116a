/**
 * What the conformance properties run: anything that executes a block and returns the
 * spec's `BlockResult` shape. The built-in {@link ParallelExecutor}, the deliberately
 * broken variants, and adapters for other implementations all fit.
 *
 * @module executor-under-test
 */

import { ParallelExecutor, type ExecutorOptions } from '../impl/index.ts';
import type { BlockContext, BlockResult, State } from '../spec/index.ts';

/** An implementation under test. */
export interface BlockExecutor {
  /** A short name for reports. */
  readonly name: string;
  /**
   * Execute one block.
   *
   * @param state - the pre-state
   * @param context - the block context
   * @param transactions - wire bytes in block order
   * @returns the block result, with the post-state as committed
   * @throws InvalidInputError (from spec/errors.ts) when the state, the context or the
   *   transactions are not inputs the rules define, with the spec's code and path (the
   *   input-agreement property checks it)
   */
  executeBlock(state: State, context: BlockContext, transactions: readonly Uint8Array[]): Promise<BlockResult>;
  /**
   * Release resources (worker pools, processes).
   *
   * @returns when released
   */
  close(): Promise<void>;
}

/** One configuration of the built-in executor. */
export interface ExecutorConfiguration {
  /** Name for reports, e.g. `workers=2 dag apply=workers`. */
  readonly name: string;
  /** The options. */
  readonly options: ExecutorOptions;
}

/**
 * Every configuration the agreement property covers: workers 0, 1, 2 and 4, both
 * schedulers, and `applyOn` main and workers.
 */
export const EXECUTOR_CONFIGURATIONS: readonly ExecutorConfiguration[] = [
  { name: 'workers=0 dag', options: { workers: 0 } },
  { name: 'workers=1 dag auto', options: { workers: 1 } },
  { name: 'workers=2 dag apply=workers', options: { workers: 2, applyOn: 'workers' } },
  { name: 'workers=2 dag apply=main', options: { workers: 2, applyOn: 'main' } },
  { name: 'workers=4 dag auto', options: { workers: 4 } },
  { name: 'workers=0 tos-batches', options: { workers: 0, scheduler: 'tos-batches' } },
  { name: 'workers=2 tos-batches apply=workers', options: { workers: 2, scheduler: 'tos-batches', applyOn: 'workers' } },
  { name: 'workers=4 tos-batches apply=main', options: { workers: 4, scheduler: 'tos-batches', applyOn: 'main' } },
];

/**
 * Wrap a built-in executor configuration as a {@link BlockExecutor}.
 *
 * @param configuration - name and options
 * @returns the executor under test
 * @example
 * const executor = builtInExecutor(EXECUTOR_CONFIGURATIONS[0]!);
 */
export function builtInExecutor(configuration: ExecutorConfiguration): BlockExecutor {
  const executor = new ParallelExecutor(configuration.options);
  return {
    name: configuration.name,
    executeBlock: (state, context, transactions) => executor.executeBlock(state, context, transactions),
    close: () => executor.close(),
  };
}
