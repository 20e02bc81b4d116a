/**
 * Running the committed JSON vectors against an implementation.
 *
 * @module vector-runner
 */

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeDifferences } from './compare.ts';
import type { BlockExecutor } from './executor-under-test.ts';
import { readVectorBlock, readVectorFile, resultToJson, type Vector } from './vectors/format.ts';

/** One failing vector. */
export interface VectorFailure {
  /** The vector id. */
  readonly id: string;
  /** Every difference ({@link describeDifferences}, one message each, joined by `; `), or the error thrown. */
  readonly detail: string;
}

/** The outcome of running every vector. */
export interface VectorRunSummary {
  /** Vectors run. */
  readonly total: number;
  /** Vectors whose outcome matched. */
  readonly passed: number;
  /** Vectors that differed or threw. */
  readonly failed: number;
  /** The failures. */
  readonly failures: readonly VectorFailure[];
  /** Wall-clock seconds. */
  readonly seconds: number;
}

/**
 * Every vector file under a vectors directory (each category folder; not the schema or the index).
 *
 * @param directory - the vectors directory
 * @returns the vectors, sorted by id
 * @throws VectorFileError when a vector file is unreadable, not JSON, not a vector, or its block cannot be read
 * @example
 * const vectors = loadVectors('vectors');
 */
export function loadVectors(directory: string): Vector[] {
  const vectors: Vector[] = [];
  for (const category of readdirSync(directory).sort()) {
    const folder = join(directory, category);
    if (category === 'schema' || !statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder).sort()) {
      if (file.endsWith('.json')) vectors.push(readVectorFile(join(folder, file)));
    }
  }
  return vectors.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Run every vector through an implementation and compare with its expected outcome.
 *
 * @param directory - the vectors directory
 * @param executor - the implementation
 * @param onProgress - called after each vector with (done, total)
 * @returns the summary
 * @example
 * const summary = await runVectors('vectors', executor);
 */
export async function runVectors(
  directory: string,
  executor: BlockExecutor,
  onProgress?: (done: number, total: number) => void,
): Promise<VectorRunSummary> {
  const started = performance.now();
  const vectors = loadVectors(directory);
  const failures: VectorFailure[] = [];
  for (const [index, vector] of vectors.entries()) {
    try {
      const { preState, context, transactions } = readVectorBlock(vector);
      const actual = resultToJson(await executor.executeBlock(preState, context, transactions));
      const differences = describeDifferences(vector.expected, actual);
      if (differences.length > 0) failures.push({ id: vector.id, detail: differences.map((difference) => difference.message).join('; ') });
    } catch (error) {
      failures.push({ id: vector.id, detail: `threw: ${error instanceof Error ? error.message : String(error)}` });
    }
    onProgress?.(index + 1, vectors.length);
  }
  return {
    total: vectors.length,
    passed: vectors.length - failures.length,
    failed: failures.length,
    failures,
    seconds: (performance.now() - started) / 1000,
  };
}
