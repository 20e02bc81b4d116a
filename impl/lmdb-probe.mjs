// The read probe of a persistent store, run in a child process before a store is opened
// (see `probeStore` in lmdb-storage.ts). LMDB has no page checksums: a damaged page can
// crash the native code (SIGSEGV, SIGBUS) instead of failing. This script opens the store
// read-only and reads every record of every database, so damage that would crash the
// process crashes this child instead, and the parent refuses the store with a typed error.
//
// Usage: node lmdb-probe.mjs <store directory>
// Exit 0: every record was read. Exit 2: LMDB reported an error (message on stderr).
// Killed by a signal: the store crashed the reader.
//
// Plain JavaScript (no TypeScript), so it runs the same from the sources and from a build.
import { open } from 'lmdb';

const NAMES = ['accounts', 'balances', 'multisig', 'assets', 'meta'];
const path = process.argv[2];
if (path === undefined) {
  process.stderr.write('usage: lmdb-probe.mjs <store directory>\n');
  process.exit(2);
}

try {
  const env = open({ path, noSubdir: false, maxDbs: 8, readOnly: true, encoding: 'binary', keyEncoding: 'binary' });
  let records = 0;
  let bytes = 0;
  // The root database lists the named databases; open only those present.
  const present = new Set();
  for (const key of env.getKeys({})) present.add(Buffer.from(key).toString('latin1').replace(/\0$/, ''));
  for (const name of NAMES) {
    if (!present.has(name)) continue;
    const db = env.openDB(name, { encoding: 'binary', keyEncoding: 'binary' });
    if (db === undefined) continue;
    for (const { key, value } of db.getRange({})) {
      records++;
      // Touch every byte of the key and the value.
      for (const part of [key, value]) for (let index = 0; index < part.length; index++) bytes += part[index] & 1;
    }
    db.getStats();
  }
  env.getStats();
  env.closeSync?.();
  process.stdout.write(`ok ${records} ${bytes}\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
