/**
 * Test resources that must be released when a test file ends: executors (their worker
 * pools) and temporary LMDB stores. Each helper registers its own `afterAll`, so call it
 * at the top level of a test file or inside a `describe`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { LmdbStorage, ParallelExecutor, type ExecutorOptions } from '../../impl/index.ts';

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
