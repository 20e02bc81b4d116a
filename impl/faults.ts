/**
 * Test-only fault injection for worker tasks: make a chosen task throw, hang or kill its
 * worker thread, to prove that the executor redoes the work or fails the whole block,
 * never commits part of it. Production callers never set a fault.
 *
 * @module faults
 */

/** What an injected fault does inside the worker. */
export type FaultKind = 'throw' | 'hang' | 'exit';

/** A fault planned for one task of a block. */
export interface FaultPlan {
  /** Which stage's task misbehaves. */
  readonly stage: 'verify' | 'apply';
  /** The index of the task within that stage of the next block (0 = first task). */
  readonly taskIndex: number;
  /** What it does. */
  readonly kind: FaultKind;
  /** Delay before misbehaving, so that the fault lands mid-batch (default 0). */
  readonly afterMs?: number;
}

/**
 * Misbehave as asked (worker side). Does nothing when `kind` is undefined.
 *
 * @param kind - the fault, or undefined
 * @param afterMs - wait this long first
 * @example
 * injectFault(task.fault, task.faultAfterMs);
 */
export function injectFault(kind: FaultKind | undefined, afterMs = 0): void {
  if (kind === undefined) return;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  if (afterMs > 0) Atomics.wait(sleeper, 0, 0, afterMs);
  if (kind === 'throw') throw new Error('injected fault: task threw');
  if (kind === 'exit') process.exit(7);
  // 'hang': block this thread until it is terminated.
  Atomics.wait(sleeper, 0, 0);
}
