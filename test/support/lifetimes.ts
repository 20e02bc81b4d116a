/**
 * Test resources that must be released when a test file ends: executors (their worker
 * pools) and temporary LMDB stores. Each helper registers its own `afterAll`, so call it
 * at the top level of a test file or inside a `describe`. Also {@link warmUp}, which
 * readies an executor's workers before a test gives its tasks a deadline.
 */
import { mkdtempSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { BlockExecutionError, LmdbStorage, ParallelExecutor, type ExecutorOptions } from '../../impl/index.ts';

/**
 * A factory of executors that are all closed after the enclosing file or `describe`.
 *
 * @param defaults - options every executor starts from (each call may override them)
 * @returns `make(options)`, which creates an executor
 */
export function useExecutors(defaults: ExecutorOptions = {}): (options?: ExecutorOptions) => ParallelExecutor {
  const executors: ParallelExecutor[] = [];
  afterAll(async () => {
    await Promise.all(executors.map((executor) => executor.close()));
  });
  return (options = {}) => {
    const executor = new ParallelExecutor({ ...defaults, ...options });
    executors.push(executor);
    return executor;
  };
}

/**
 * A factory of fresh temporary directories for LMDB stores, all destroyed after the
 * enclosing file or `describe`.
 *
 * @param prefix - the directory name prefix
 * @returns `freshPath()`, which creates a new empty directory
 */
export function useStorePaths(prefix: string): () => string {
  const directories: string[] = [];
  afterAll(() => directories.forEach((path) => LmdbStorage.destroy(path)));
  return () => {
    const path = mkdtempSync(join(tmpdir(), prefix));
    directories.push(path);
    return path;
  };
}

/** The key of the message a piscina worker posts once its task module has loaded. */
const PISCINA_READY = '_WORKER_READY';

/** Worker threads of this process that are still starting, as seen by {@link watchWorkerStarts}. */
export interface WorkerStarts {
  /** Worker threads created since the watch began. */
  readonly created: number;
  /** Worker threads created since the watch began that have not finished starting and are still alive. */
  readonly starting: number;
  /**
   * Wait until no worker thread is starting: each one created since the watch began has
   * posted piscina's ready message (its task module is loaded) or has exited.
   *
   * @param limitMs - give up after this long: only a real hang takes it (default 100 s)
   */
  settled(limitMs?: number): Promise<void>;
}

/**
 * Watch the worker threads this process creates (Node's `process` `'worker'` event) and
 * whether each has finished starting (piscina's ready message on the worker's parent
 * port). The watch ends after the enclosing file or `describe`.
 *
 * Why a test needs it: piscina hands a task to a worker that is still starting (its first
 * workers are counted ready from the start, and a replacement for a killed or hung worker
 * can be picked while it starts), and that start-up counts against the task's deadline
 * (`taskTimeoutMs`). Waiting for {@link WorkerStarts.settled} before a timed block keeps
 * start-up, which grows with machine load, out of every deadline.
 *
 * @returns the watch
 */
export function watchWorkerStarts(): WorkerStarts {
  const starting = new Set<Worker>();
  let created = 0;
  let waiters: (() => void)[] = [];
  const finished = (worker: Worker): void => {
    if (!starting.delete(worker) || starting.size > 0) return;
    const woken = waiters;
    waiters = [];
    woken.forEach((wake) => wake());
  };
  const onWorker = (worker: Worker): void => {
    created++;
    starting.add(worker);
    const onMessage = (message: unknown): void => {
      if (typeof message === 'object' && message !== null && PISCINA_READY in message) {
        worker.off('message', onMessage);
        finished(worker);
      }
    };
    worker.on('message', onMessage);
    worker.once('exit', () => finished(worker));
  };
  process.on('worker', onWorker);
  afterAll(() => {
    process.off('worker', onWorker);
  });
  return {
    get created() {
      return created;
    },
    get starting() {
      return starting.size;
    },
    async settled(limitMs = 100_000) {
      if (starting.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          new Promise<void>((resolve) => waiters.push(resolve)),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${starting.size} worker thread(s) still starting after ${limitMs} ms`)), limitMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Ready an executor for timed blocks: execute one block, whose tasks may wait for workers
 * that are still starting (so its outcome does not matter), then, each time after every
 * worker thread has started, execute blocks until one completes with no worker task
 * failing: none redone (`onWorkerFailure: 'redo'`) and no {@link BlockExecutionError}
 * (`'fail'`). Use it on a fresh executor and again after a worker was replaced: a worker
 * that has just started is also slow on its first tasks (a 12-transaction block took
 * 0.6-1.0 s on a new replacement against a median of 64 ms on warm workers, unloaded).
 *
 * @param executor - the executor whose workers must be ready
 * @param starts - the watch of worker starts (begun before the executor's first block)
 * @param run - executes one block on `executor`
 * @param limitMs - give up after this long: only a real hang takes it (default 100 s)
 * @returns how many blocks it took after the first one (1 when the next block ran cleanly)
 */
export async function warmUp(executor: ParallelExecutor, starts: WorkerStarts, run: () => Promise<unknown>, limitMs = 100_000): Promise<number> {
  const started = Date.now();
  /** The failure of one block, or undefined when it ran cleanly. */
  const failureOf = async (): Promise<string | undefined> => {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof BlockExecutionError)) throw error;
      return error.message;
    }
    const redone = executor.stats?.redoneTasks ?? 0;
    return redone === 0 ? undefined : `${redone} task(s) redone`;
  };
  await failureOf();
  for (let attempt = 1; ; attempt++) {
    await starts.settled(limitMs);
    const failure = await failureOf();
    if (failure === undefined) return attempt;
    if (Date.now() - started > limitMs) {
      throw new Error(`the executor did not run a block cleanly within ${limitMs} ms (${attempt} blocks after the first; last: ${failure})`);
    }
  }
}
