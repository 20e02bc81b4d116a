/**
 * Worker entry: one named export per task, each a thin wrapper around a module that the
 * tests import directly.
 *
 * @module tasks.worker
 */
import { runApplyTask, type ApplyTask, type ApplyTaskResult } from '../apply-task.ts';
import { injectFault, type FaultKind } from '../faults.ts';
import { runVerifyTask, type VerifyTask, type VerifyTaskResult } from '../verify.ts';

/** A task as sent to a worker, with an optional test-only fault. */
type WithFault<T> = T & { readonly fault?: FaultKind; readonly faultAfterMs?: number };

/** Stateless stage: verify a packed batch. */
export function verify(task: WithFault<VerifyTask>): VerifyTaskResult {
  injectFault(task.fault, task.faultAfterMs);
  return runVerifyTask(task);
}

/** Apply stage: apply one chunk of a level. */
export function apply(task: WithFault<ApplyTask>): ApplyTaskResult {
  injectFault(task.fault, task.faultAfterMs);
  return runApplyTask(task);
}
