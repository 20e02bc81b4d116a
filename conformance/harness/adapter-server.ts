/**
 * The adapter side of protocol version 1, for adapters written in TypeScript (the
 * shipped `conformance/adapters/*.ts`): reads requests from stdin, one JSON object per
 * line, and writes one reply line per request to stdout. Logs go to stderr only.
 *
 * @module harness/adapter-server
 */

import { createInterface } from 'node:readline';
import type { LedgerModel } from '../../spec/index.ts';
import type { ExpectedJson } from '../vectors/format.ts';
import { PROTOCOL_VERSION, protocolValidators, validationMessage, type ExecuteRequest } from './protocol.ts';

/** What an adapter implementation provides. */
export interface AdapterImplementation {
  /** Name for reports. */
  readonly name: string;
  /** Version for reports. */
  readonly version: string;
  /** Ledger models it executes. */
  readonly ledgers: readonly LedgerModel[];
  /**
   * Execute one block.
   *
   * @param request - the execute request (JSON forms)
   * @returns the outcome, or `{ skip: reason }` to decline
   */
  execute(request: ExecuteRequest): Promise<ExpectedJson | { readonly skip: string }>;
  /** Release resources at the end. */
  close?(): Promise<void>;
}

function write(message: object): Promise<void> {
  return new Promise((resolve) => {
    if (!process.stdout.write(JSON.stringify(message) + '\n')) process.stdout.once('drain', resolve);
    else resolve();
  });
}

/**
 * Serve the protocol on stdin/stdout until `bye` or the end of stdin, then exit.
 *
 * @param implementation - the implementation
 * @returns when stdin has ended or `bye` was answered
 * @example
 * await serveAdapter({ name: 'mine', version: '1', ledgers: ['immediate'], execute: async (r) => run(r) });
 */
export async function serveAdapter(implementation: AdapterImplementation): Promise<void> {
  const validators = protocolValidators();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let message: { id?: unknown; type?: unknown };
      try {
        message = JSON.parse(line) as { id?: unknown; type?: unknown };
      } catch {
        process.stderr.write(`adapter: ignoring a line that is not JSON\n`);
        continue;
      }
      const id = typeof message.id === 'number' ? message.id : 0;
      if (message.type === 'hello') {
        if (!validators.helloRequest(message)) {
          await write({ id, type: 'error', message: `bad hello: ${validationMessage(validators.helloRequest)}` });
          continue;
        }
        await write({ id, type: 'hello', protocolVersion: PROTOCOL_VERSION, name: implementation.name, version: implementation.version, ledgers: implementation.ledgers });
      } else if (message.type === 'execute') {
        if (!validators.executeRequest(message)) {
          await write({ id, type: 'error', message: `bad execute request: ${validationMessage(validators.executeRequest)}` });
          continue;
        }
        try {
          const outcome = await implementation.execute(message);
          await write('skip' in outcome ? { id, type: 'skip', reason: outcome.skip } : { id, type: 'result', ...outcome });
        } catch (error) {
          await write({ id, type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        }
      } else if (message.type === 'bye') {
        await write({ id, type: 'bye' });
        break;
      } else {
        await write({ id, type: 'error', message: `unknown request type ${JSON.stringify(message.type)}` });
      }
    }
  } finally {
    lines.close();
    await implementation.close?.();
  }
}
