/**
 * The production parallel executor: observably equal to the spec's `applyBlock`, fast on
 * worker threads. Start at {@link ParallelExecutor}.
 *
 * @module impl
 */

export * from './executor.ts';
export * from './validate.ts';
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
