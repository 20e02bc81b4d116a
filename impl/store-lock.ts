/**
 * The writer lock of a persistent store: at most one open for writing per store, across
 * processes and within one process.
 *
 * A writer holds `writer.lock` in the store's directory: a file created exclusively (a
 * fully written temporary file hard-linked to the lock's name, so the lock never exists
 * half-written) that holds the writer's process id and a random token. A second writer
 * finds the file and is refused with `'Locked'` while that process lives. A lock whose
 * process is dead (a SIGKILLed writer never releases it) is stale and is taken over: it is
 * first renamed to a unique name and re-read, so two processes taking over the same stale
 * lock cannot both win. Within one process a second open of the same directory is refused
 * by an in-process registry (the lock file holds this process's own id then).
 *
 * Read-only opens take no lock.
 *
 * @module store-lock
 */

import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from './storage.ts';

/** The lock file's name inside a store directory. */
export const WRITER_LOCK_FILE = 'writer.lock';

/** Directories (real paths) this process holds the writer lock of. */
const held = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parsePid(content: string): number | undefined {
  const match = /^(\d+) [0-9a-f]+\n$/.exec(content);
  const pid = match === null ? NaN : Number(match[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function ioFailure(directory: string, error: unknown): StorageError {
  return new StorageError('IoFailure', `cannot take the writer lock of the store at ${directory}: ${(error as Error).message}`);
}

/** A held writer lock; {@link WriterLock.release} gives it back. */
export class WriterLock {
  readonly #file: string;
  readonly #content: string;
  readonly #key: string;
  #released = false;

  private constructor(file: string, content: string, key: string) {
    this.#file = file;
    this.#content = content;
    this.#key = key;
  }

  /**
   * Take the writer lock of a store directory (which must exist).
   *
   * @param directory - the store's directory
   * @returns the held lock
   * @throws StorageError `'Locked'` when a live process (this one included) holds it,
   *   `'IoFailure'` when the lock file cannot be written
   * @example
   * const lock = WriterLock.acquire('./chain');
   * lock.release();
   */
  static acquire(directory: string): WriterLock {
    let key: string;
    try {
      key = realpathSync(directory);
    } catch (error) {
      throw ioFailure(directory, error);
    }
    if (held.has(key)) throw new StorageError('Locked', `the store at ${directory} is already open for writing in this process`);
    const file = join(directory, WRITER_LOCK_FILE);
    const token = randomBytes(8).toString('hex');
    const content = `${process.pid} ${token}\n`;
    const temporary = `${file}.${process.pid}.${token}`;
    try {
      writeFileSync(temporary, content, { flag: 'wx' });
    } catch (error) {
      throw ioFailure(directory, error);
    }
    try {
      for (let attempt = 0; attempt < 8; attempt++) {
        try {
          linkSync(temporary, file);
          held.add(key);
          return new WriterLock(file, content, key);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioFailure(directory, error);
        }
        const existing = readOrUndefined(file);
        if (existing === undefined) continue;
        const pid = parsePid(existing);
        // Our own pid without an entry in `held` is a lock left by an earlier process that had the same pid.
        if (pid !== undefined && pid !== process.pid && isAlive(pid)) {
          throw new StorageError('Locked', `the store at ${directory} is open for writing by process ${pid}`);
        }
        // Stale (dead process, or unreadable content that no writer of ours leaves): take it over.
        const grave = `${file}.stale.${process.pid}.${token}`;
        try {
          renameSync(file, grave);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw ioFailure(directory, error);
        }
        const moved = readOrUndefined(grave);
        if (moved !== existing) {
          // Another process replaced the stale lock with its own between our read and rename: give it back.
          try {
            linkSync(grave, file);
          } catch {
            // A third writer got in first; it holds the lock now.
          }
          unlinkSync(grave);
          throw new StorageError('Locked', `the store at ${directory} is being opened for writing by another process`);
        }
        unlinkSync(grave);
      }
      throw new StorageError('Locked', `the store at ${directory}: the writer lock kept changing hands`);
    } finally {
      try {
        unlinkSync(temporary);
      } catch {
        // Already gone.
      }
    }
  }

  /**
   * Release the lock (idempotent). The lock file is removed only while it still holds this
   * lock's content.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    held.delete(this.#key);
    try {
      if (readOrUndefined(this.#file) === this.#content) unlinkSync(this.#file);
    } catch {
      // The directory is gone (destroyed) or unreadable: nothing left to release.
    }
  }
}
