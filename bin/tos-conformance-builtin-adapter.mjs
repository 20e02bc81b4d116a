#!/usr/bin/env node
// The built-in executor as an adapter process (docs/adapter-protocol.md), for
// `tos-conformance vectors --adapter tos-conformance-builtin-adapter` and `fuzz`; worker
// threads from TOS_ADAPTER_WORKERS (default 0). Importing the module serves the protocol
// on stdin and stdout until the harness says bye.
import { importEntry } from './entry.mjs';

await importEntry('conformance/adapters/builtin.ts', 'dist/conformance/adapters/builtin.js');
