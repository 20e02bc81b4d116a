/**
 * Storage test helpers shared by the LMDB test files.
 */
import { StorageError } from '../../impl/index.ts';

/**
 * Run an action that must throw a {@link StorageError} and return it; any other error is
 * rethrown, and no error at all fails the test.
 *
 * @param action - the store operation expected to be refused
 * @returns the StorageError it threw
 */
export function caught(action: () => unknown): StorageError {
  try {
    action();
  } catch (error) {
    if (error instanceof StorageError) return error;
    throw error;
  }
  throw new Error('expected a StorageError');
}
