/**
 * The built-in parallel executor as an adapter process (protocol version 1, see
 * `docs/adapter-protocol.md`):
 *
 * ```
 * npx tsx conformance/cli.ts vectors --adapter "npx tsx conformance/adapters/builtin.ts"
 * ```
 *
 * Worker threads: `TOS_ADAPTER_WORKERS` (default 0: everything on the main thread, with
 * the same code). Supports both ledger models.
 *
 * @module adapters/builtin
 */

import { ParallelExecutor } from '../../impl/index.ts';
import { hexToBytes, stateFromJson } from '../../spec/index.ts';
import { serveAdapter } from '../harness/adapter-server.ts';
import { contextFromJson, GENERATOR_VERSION, resultToJson } from '../vectors/format.ts';

const workers = Number(process.env['TOS_ADAPTER_WORKERS'] ?? '0');
if (!Number.isInteger(workers) || workers < 0) {
  process.stderr.write(`builtin adapter: TOS_ADAPTER_WORKERS must be a whole number >= 0, got ${process.env['TOS_ADAPTER_WORKERS']}\n`);
  process.exit(2);
}
const executor = new ParallelExecutor({ workers });

await serveAdapter({
  name: 'tos-conformance builtin',
  version: `${GENERATOR_VERSION} workers=${workers}`,
  ledgers: ['immediate', 'deferred-credits'],
  execute: async (request) =>
    resultToJson(await executor.executeBlock(stateFromJson(request.preState), contextFromJson(request.context), request.transactions.map(hexToBytes))),
  close: () => executor.close(),
});
