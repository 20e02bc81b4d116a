#!/usr/bin/env node
// The tos-conformance command (`tos-conformance help` lists the subcommands): the CLI from
// the TypeScript sources in a clone, from dist/ in the installed package (see entry.mjs).
import { importEntry } from './entry.mjs';

const { main } = await importEntry('conformance/cli.ts', 'dist/conformance/cli.js');
process.exitCode = await main(process.argv.slice(2));
