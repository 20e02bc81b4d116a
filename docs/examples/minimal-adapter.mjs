#!/usr/bin/env node
// A complete minimal adapter for the tos-conformance harness (protocol version 1), in plain
// JavaScript with no dependencies beyond Node itself.
//
// It speaks the protocol on stdin/stdout: one JSON object per line in, one per line out,
// logs on stderr only. To execute a block it calls the project's reference specification
// (loaded through tsx, because the spec is TypeScript): that is the single place where a
// real adapter calls its own implementation instead (a Rust, Go or C++ executor, through
// FFI, a subprocess or an in-process call). Everything else is the whole protocol.
//
//   npx tsx conformance/cli.ts vectors --adapter "node docs/examples/minimal-adapter.mjs"
//   npx tsx conformance/cli.ts fuzz --adapter "node docs/examples/minimal-adapter.mjs" --runs 100
import { createInterface } from 'node:readline';
import { register } from 'tsx/esm/api';

// --- The implementation under test. Replace this part with your own. -------------------
register();
const spec = await import('../../spec/index.ts');

/** Execute one block: JSON in (context, preState, transaction hex), outcome JSON out. */
function executeBlock(context, preState, transactions) {
  const result = spec.applyBlock(
    spec.stateFromJson(preState),
    { chainId: context.chainId, topoheight: BigInt(context.topoheight), miner: context.miner, ledger: context.ledger },
    transactions.map((hex) => spec.hexToBytes(hex)),
  );
  if (!result.ok) return { ok: false, error: result.error.code }; // BlockOverflow
  return {
    ok: true,
    receipts: result.receipts.map((r) => ({ hash: r.hash, status: r.status, error: r.error, fee: r.fee.toString() })),
    postState: spec.stateToJson(result.state), // accounts, balances and assets sorted; amounts as decimal strings
    feeTotal: result.feeTotal.toString(),
    stateRoot: result.stateRoot,
  };
}
// ----------------------------------------------------------------------------------------

const LEDGERS = ['immediate', 'deferred-credits'];
const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    console.error('minimal-adapter: a request line is not JSON');
    continue;
  }
  const { id, type } = request;
  if (type === 'hello') {
    if (request.protocolVersion !== 1) send({ id, type: 'error', message: `protocol version ${request.protocolVersion} is not supported` });
    else send({ id, type: 'hello', protocolVersion: 1, name: 'minimal-adapter (reference spec)', version: '1.0.0', ledgers: LEDGERS });
  } else if (type === 'execute') {
    if (!LEDGERS.includes(request.context.ledger)) {
      send({ id, type: 'skip', reason: `ledger model ${request.context.ledger} is not supported` });
      continue;
    }
    try {
      send({ id, type: 'result', ...executeBlock(request.context, request.preState, request.transactions) });
    } catch (error) {
      send({ id, type: 'error', message: String(error?.stack ?? error) });
    }
  } else if (type === 'bye') {
    send({ id, type: 'bye' });
    break;
  } else {
    send({ id, type: 'error', message: `unknown request type ${JSON.stringify(type)}` });
  }
}
process.exit(0);
