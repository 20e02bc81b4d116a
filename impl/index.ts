/**
 * The production parallel executor: observably equal to the spec's `applyBlock`, fast on
 * worker threads. Start at {@link ParallelExecutor}.
 *
 * @module impl
 */

export * from './executor.ts';
// markValidState stays internal: a caller must not be able to mark an unchecked state as checked.
export { MAX_TASK_TIMEOUT_MS, MAX_WORKERS, validateContextInput, validateOptions, validateStateInput, validateTransactionsInput } from './validate.ts';
export * from './cost-model.ts';
export * from './storage.ts';
export * from './records.ts';
export * from './workspace.ts';
export * from './verify.ts';
export * from './schedule.ts';
export * from './apply.ts';
export * from './apply-task.ts';
export * from './state-root.ts';
export * from './lmdb-storage.ts';
