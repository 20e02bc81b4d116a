/**
 * One deliberately broken variant (see `conformance/variants`) as an adapter process, so
 * that the harness's own teeth can be measured through the adapter protocol, as a second
 * implementation would be driven:
 *
 * ```
 * npx tsx conformance/cli.ts fuzz --adapter "npx tsx conformance/adapters/variant.ts stale-sender-balance"
 * ```
 *
 * The one argument is the defect (a {@link Defect}); an unknown one exits with code 2 and
 * the list of defects. Supports both ledger models.
 *
 * @module adapters/variant
 */

import { hexToBytes, stateFromJson } from '../../spec/index.ts';
import { serveAdapter } from '../harness/adapter-server.ts';
import { BROKEN_VARIANTS, executeWithDefect, type Defect } from '../variants/index.ts';
import { contextFromJson, GENERATOR_VERSION, resultToJson } from '../vectors/format.ts';

const defect = process.argv[2];
const variant = BROKEN_VARIANTS.find((candidate) => candidate.defect === defect);
if (variant === undefined) {
  process.stderr.write(`variant adapter: give one defect: ${BROKEN_VARIANTS.map((candidate) => candidate.defect).join(', ')}\n`);
  process.exit(2);
}
const chosen: Defect = variant.defect;

await serveAdapter({
  name: `tos-conformance variant ${chosen}`,
  version: GENERATOR_VERSION,
  ledgers: ['immediate', 'deferred-credits'],
  execute: async (request) =>
    resultToJson(executeWithDefect(chosen, stateFromJson(request.preState), contextFromJson(request.context), request.transactions.map(hexToBytes))),
});
